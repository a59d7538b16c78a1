"""casus from Python: seeded Monte Carlo simulation of alliance dynamics.

The same engine as the ``casus`` command line, called directly. Every figure equals the CLI's for
the same scenario, seed and overrides: the tables are the CLI's own files (``summary.json``,
``runs.csv``, ``levels_by_step.csv`` ...), produced by the same code, read into pandas.

>>> import casus
>>> result = casus.run("scenarios/northeast_asia_2024.json", runs=1000, seed=7)
>>> result.summary["results"]["highest_at_least"][5]["probability"]["p"]  # P(highest >= war)
>>> result.runs_by_actor.query("actor == 'USA'").at_war.mean()

Runs release the GIL; Ctrl-C (KeyboardInterrupt) stops a run within a chunk of runs and keeps
nothing.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from . import _casus
from ._casus import Scenario, ScenarioError

__version__: str = _casus.__version__

__all__ = [
    "Scenario",
    "ScenarioError",
    "Result",
    "Comparison",
    "Sweep",
    "Sensitivity",
    "load",
    "validate",
    "run",
    "compare",
    "sweep",
    "sensitivity",
]


def _override(path: str, value: Any) -> str:
    """``PATH=VALUE`` as ``--set`` takes it: the value as JSON (a string as it is)."""
    text = value if isinstance(value, str) else json.dumps(value)
    return f"{path}={text}"


def _overrides(set: Mapping[str, Any] | None) -> list[str]:
    return [_override(p, v) for p, v in (set or {}).items()]


def load(path: str, set: Mapping[str, Any] | None = None) -> Scenario:
    """Reads a scenario file (``"-"`` is standard input), applies ``set`` (``{"PATH": value}``,
    as ``--set PATH=VALUE``) and compiles it. Raises :class:`ScenarioError` with every problem in
    its ``diagnostics``."""
    return _casus.load(str(path), _overrides(set))


def validate(path: str) -> str:
    """Checks a scenario file: returns its outline, or raises :class:`ScenarioError` with every
    problem (JSON path, line, column, message) in its ``diagnostics``."""
    return _casus.validate(str(path))


def _scenario(scenario: Scenario | str, set: Mapping[str, Any] | None) -> Scenario:
    if isinstance(scenario, Scenario):
        return scenario.with_overrides(_overrides(set)) if set else scenario
    return load(scenario, set)


def _csv(text: str) -> pd.DataFrame:
    # Identifiers stay text (a pathway such as "RUS>UKR" or an empty route), counts numbers.
    return pd.read_csv(
        io.StringIO(text), keep_default_na=False, na_values=[""], dtype_backend="numpy_nullable"
    )


@dataclass(frozen=True)
class Result:
    """A Monte Carlo run: what ``casus run --out DIR`` writes, as Python objects."""

    summary: dict
    """``summary.json``: provenance, labels, exact counts and results."""
    levels_by_step: pd.DataFrame
    """``levels_by_step.csv``: runs at each level at each step, and their shares."""
    pathways: pd.DataFrame
    """``pathways.csv``: each escalation pathway with its runs, share and ``runs_at_most``."""
    runs: pd.DataFrame | None = None
    """``runs.csv``: one row per run (None if ``rows=False``)."""
    runs_by_actor: pd.DataFrame | None = None
    """``runs_by_actor.csv``: one row per run and actor that took part in a conflict."""
    alignment: pd.DataFrame | None = None
    """``alignment.csv``: each named pair's stance and the polarisation index, step by step (None
    without ``monte_carlo.alignment`` in the scenario)."""
    blocs: pd.DataFrame | None = None
    """``blocs.csv``: at each checkpoint, how often the blocs formed and held together, and each
    actor's leaning toward each bloc (None without ``monte_carlo.alignment``)."""

    @property
    def provenance(self) -> dict:
        """Where the result comes from: version, scenario SHA-256, seed, runs, overrides."""
        return self.summary["provenance"]

    @property
    def actors(self) -> pd.DataFrame:
        """Per actor: P(belligerent) and P(at war) with their 95 % Wilson intervals, and mean
        final sanction pressure (``summary.json``'s ``results.actors``)."""
        rows = []
        for a in self.summary["results"]["actors"]:
            rows.append(
                {
                    "actor": a["actor"],
                    "belligerent": a["belligerent"]["p"],
                    "belligerent_lo": a["belligerent"]["lo"],
                    "belligerent_hi": a["belligerent"]["hi"],
                    "at_war": a["at_war"]["p"],
                    "at_war_lo": a["at_war"]["lo"],
                    "at_war_hi": a["at_war"]["hi"],
                    "mean_final_pressure": a["mean_final_pressure"],
                }
            )
        return pd.DataFrame(rows)

    @property
    def obligations(self) -> pd.DataFrame:
        """Per directed obligation: P(triggered), P(honoured | triggered), P(violated) with their
        intervals, and the median step of the first firing (``results.obligations``)."""
        rows = []
        for o in self.summary["results"]["obligations"]:
            row = {k: o[k] for k in ("clause", "holder", "partner")}
            for key in ("triggered", "honoured_given_triggered", "violated"):
                row[key] = o[key]["p"]
                row[f"{key}_lo"] = o[key]["lo"]
                row[f"{key}_hi"] = o[key]["hi"]
            row["median_first_step"] = o["median_first_step"]
            rows.append(row)
        return pd.DataFrame(rows)

    @property
    def highest(self) -> pd.DataFrame:
        """P(highest level >= each level) with its 95 % interval (``results.highest_at_least``)."""
        return pd.DataFrame(
            [
                {
                    "level": r["level"],
                    "name": r["name"],
                    "p": r["probability"]["p"],
                    "lo": r["probability"]["lo"],
                    "hi": r["probability"]["hi"],
                }
                for r in self.summary["results"]["highest_at_least"]
            ]
        )


def run(
    scenario: Scenario | str,
    runs: int | None = None,
    seed: int | None = None,
    threads: int = 0,
    set: Mapping[str, Any] | None = None,
    rows: bool = True,
    allow_large: bool = False,
) -> Result:
    """``casus run``: ``runs`` seeded runs (default: the scenario's), on ``threads`` worker
    threads (0: one per core). ``rows=False`` skips the per-run tables."""
    model = _scenario(scenario, set)
    summary, levels, pathways, tables, alignment = _casus.run(
        model, runs=runs, seed=seed, threads=threads, rows=rows, allow_large=allow_large
    )
    return Result(
        summary=json.loads(summary),
        levels_by_step=_csv(levels),
        pathways=_csv(pathways),
        runs=_csv(tables[0]) if tables else None,
        runs_by_actor=_csv(tables[1]) if tables else None,
        alignment=_csv(alignment[0]) if alignment else None,
        blocs=_csv(alignment[1]) if alignment else None,
    )


@dataclass(frozen=True)
class Comparison:
    """``casus compare``: arm A against arm B, run by run over the same seeds."""

    compared: dict
    """``compare.json``: both arms, the seed, level labels, paired counts and provenance."""
    differences: list[dict]
    """Per level, P(arm A >= level) ``a``, P(arm B >= level) ``b``, ``delta`` = b - a with its
    paired 95 % interval ``lo``..``hi``, and the half-width independent samples would give."""
    text: str
    """The table ``casus compare`` prints."""

    @property
    def provenance(self) -> list[dict]:
        return self.compared["provenance"]

    @property
    def table(self) -> pd.DataFrame:
        """One row per level: its name, ``a``, ``b``, ``delta``, ``lo``, ``hi``,
        ``independent_half_width``, and the paired counts ``both``, ``only_a``, ``only_b``."""
        levels = self.compared["levels"]
        counts = self.compared["comparison"]["highest_at_least"]
        return pd.DataFrame(
            [
                {"level": k, "name": levels[k], **d, **counts[k]}
                for k, d in enumerate(self.differences)
            ]
        )


def compare(
    a: Scenario | str,
    b: Scenario | str | None = None,
    without: Iterable[str] = (),
    set: Mapping[str, Any] | None = None,
    set_b: Mapping[str, Any] | None = None,
    runs: int | None = None,
    seed: int | None = None,
    threads: int = 0,
    allow_large: bool = False,
) -> Comparison:
    """``casus compare``: arm A is ``a`` with ``set``; arm B is ``b`` (default: ``a``'s file) with
    ``set``, then ``set_b``, then ``without`` (``"treaty:ID"``, ``"sanction:ID"``,
    ``"transfer:ID"``, ``"event:ID"``)."""
    arm_a = _scenario(a, set)
    base_b = _scenario(b, set) if b is not None else arm_a
    changes = _overrides(set_b) + [_casus.without(w) for w in without]
    arm_b = base_b.with_overrides(changes) if changes else base_b
    compared, differences, text = _casus.compare(
        arm_a, arm_b, runs=runs, seed=seed, threads=threads, allow_large=allow_large
    )
    return Comparison(
        compared=json.loads(compared), differences=json.loads(differences), text=text
    )


@dataclass(frozen=True)
class Sweep:
    """``casus sweep`` on a grid: the outcome at every point."""

    swept: dict
    """``sweep.json``: the points, each outcome with its interval, and the provenance."""
    table: pd.DataFrame
    """``sweep.csv``: one row per point."""
    text: str
    """The table ``casus sweep`` prints."""


def sweep(
    scenario: Scenario | str,
    params: Mapping[str, Sequence[float]],
    level: str = "war",
    actor: str | None = None,
    runs: int | None = None,
    seed: int | None = None,
    threads: int = 0,
    set: Mapping[str, Any] | None = None,
    allow_large: bool = False,
) -> Sweep:
    """``casus sweep``: every combination of ``params`` (``{"PATH": [values]}``), each point run
    with the same seeds; the outcome is P(``actor`` or the scenario's focus or the highest level
    >= ``level``)."""
    model = _scenario(scenario, set)
    axes = [(path, [float(v) for v in values]) for path, values in params.items()]
    swept, csv, text = _casus.sweep(
        model, axes, level=str(level), actor=actor, runs=runs, seed=seed,
        threads=threads, allow_large=allow_large,
    )
    return Sweep(swept=json.loads(swept), table=_csv(csv), text=text)


@dataclass(frozen=True)
class Sensitivity:
    """``casus sensitivity``: each parameter lowered and raised, ranked by its swing."""

    sensitivity: dict
    """``sensitivity.json``."""
    table: pd.DataFrame
    """``sensitivity.csv``: one row per parameter, largest swing first."""
    text: str
    """The table ``casus sensitivity`` prints."""


def sensitivity(
    scenario: Scenario | str,
    factor: float = 2.0,
    params: Sequence[str] = (),
    level: str = "war",
    actor: str | None = None,
    runs: int = 1000,
    seed: int | None = None,
    threads: int = 0,
    set: Mapping[str, Any] | None = None,
    allow_large: bool = False,
) -> Sensitivity:
    """``casus sensitivity``: each parameter (or those in ``params``) divided and multiplied by
    ``factor``, every variant paired run by run with the base."""
    model = _scenario(scenario, set)
    data, csv, text = _casus.sensitivity(
        model, factor=factor, params=list(params), level=str(level), actor=actor,
        runs=runs, seed=seed, threads=threads, allow_large=allow_large,
    )
    return Sensitivity(sensitivity=json.loads(data), table=_csv(csv), text=text)
