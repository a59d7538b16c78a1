"""Type stubs of the native module `casus._casus` (built from python/src/lib.rs)."""

__version__: str

class ScenarioError(ValueError):
    """A scenario that cannot be read or does not validate."""

    diagnostics: list[dict[str, object]]
    """Every problem: ``file``, ``path`` (JSON path), ``line``, ``column`` (None when not from the
    file's text) and ``message``."""

class Scenario:
    """A compiled scenario: the file, its overrides and the world the engine runs."""

    @property
    def origin(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def sha256(self) -> str: ...
    @property
    def overrides(self) -> list[str]: ...
    @property
    def actors(self) -> list[str]: ...
    @property
    def outline(self) -> str: ...
    @property
    def monte_carlo(self) -> tuple[int, int]:
        """The scenario's own runs and seed."""
    def with_overrides(self, set: list[str]) -> Scenario:
        """The same file with more overrides (``PATH=VALUE``), applied after these."""

def load(path: str, set: list[str] = ...) -> Scenario: ...
def validate(path: str) -> str: ...
def run(
    scenario: Scenario,
    runs: int | None = ...,
    seed: int | None = ...,
    threads: int = ...,
    rows: bool = ...,
    allow_large: bool = ...,
) -> tuple[str, str, str, tuple[str, str] | None, tuple[str, str] | None]:
    """summary.json, levels_by_step.csv, pathways.csv, (runs.csv, runs_by_actor.csv) and
    (alignment.csv, blocs.csv)."""

def compare(
    a: Scenario,
    b: Scenario,
    runs: int | None = ...,
    seed: int | None = ...,
    threads: int = ...,
    allow_large: bool = ...,
) -> tuple[str, str, str]:
    """compare.json, the paired differences per level as JSON, and the table as printed."""

def sweep(
    scenario: Scenario,
    params: list[tuple[str, list[float]]],
    level: str = ...,
    actor: str | None = ...,
    runs: int | None = ...,
    seed: int | None = ...,
    threads: int = ...,
    allow_large: bool = ...,
) -> tuple[str, str, str]:
    """sweep.json, sweep.csv and the table as printed."""

def sensitivity(
    scenario: Scenario,
    factor: float = ...,
    params: list[str] = ...,
    level: str = ...,
    actor: str | None = ...,
    runs: int = ...,
    seed: int | None = ...,
    threads: int = ...,
    rows: int = ...,
    allow_large: bool = ...,
) -> tuple[str, str, str]:
    """sensitivity.json, sensitivity.csv and the table as printed."""

def without(text: str) -> str:
    """``KIND:ID`` as the override that removes that element."""
