"""The Python package against the command line: every figure a call returns equals the CLI's for
the same scenario, seed and overrides; bad input raises the documented exceptions; Ctrl-C stops a
run cleanly; runs release the GIL."""

from __future__ import annotations

import _thread
import json
import os
import subprocess
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

import casus

ROOT = Path(__file__).resolve().parents[2]
NE_ASIA = str(ROOT / "scenarios" / "northeast_asia_2024.json")
TOY = str(ROOT / "scenarios" / "two_actor_dispute.json")
RELIABILITY = "treaties.rus_prk_2024.obligations.art4_rus.reliability"


def cli(*args: str) -> subprocess.CompletedProcess:
    """The casus binary (`CASUS_BIN`, else the release build of this checkout)."""
    binary = os.environ.get("CASUS_BIN", str(ROOT / "target" / "release" / "casus"))
    return subprocess.run(
        [binary, *args], cwd=ROOT, capture_output=True, text=True, check=True
    )


def read_csv(path: Path) -> pd.DataFrame:
    return casus._csv(path.read_text())


def test_run_equals_the_cli(tmp_path: Path) -> None:
    out = tmp_path / "run"
    cli("run", NE_ASIA, "--runs", "600", "--seed", "7", "--quiet", "--out", str(out),
        "--set", f"{RELIABILITY}=0.9")
    result = casus.run(NE_ASIA, runs=600, seed=7, threads=2, set={RELIABILITY: 0.9})
    assert result.summary == json.loads((out / "summary.json").read_text())
    assert result.provenance["overrides"] == [f"{RELIABILITY}=0.9"]
    for name, frame in [
        ("runs.csv", result.runs),
        ("runs_by_actor.csv", result.runs_by_actor),
        ("levels_by_step.csv", result.levels_by_step),
        ("pathways.csv", result.pathways),
        ("alignment.csv", result.alignment),
        ("blocs.csv", result.blocs),
    ]:
        pd.testing.assert_frame_equal(frame, read_csv(out / name), obj=name)
    # The derived tables are the summary's results, figure for figure.
    usa = result.actors.set_index("actor").loc["USA"]
    entry = next(a for a in result.summary["results"]["actors"] if a["actor"] == "USA")
    assert usa.at_war == entry["at_war"]["p"]
    assert usa.at_war == (result.runs_by_actor.query("actor == 'USA'").at_war == 1).sum() / 600
    war = result.highest.set_index("name").loc["war"]
    assert war.p == result.summary["results"]["highest_at_least"][5]["probability"]["p"]
    assert len(result.obligations) == len(result.summary["results"]["obligations"])


def test_a_loaded_scenario_and_a_path_give_the_same_run() -> None:
    scenario = casus.load(TOY)
    assert scenario.actors == ["A", "B"]
    by_object = casus.run(scenario, runs=300, seed=3, rows=False)
    by_path = casus.run(TOY, runs=300, seed=3, threads=1, rows=False)
    assert by_object.summary == by_path.summary
    assert by_object.runs is None


def test_compare_sweep_and_sensitivity_equal_the_cli(tmp_path: Path) -> None:
    out = tmp_path / "compare"
    cli("compare", NE_ASIA, "--without", "treaty:rus_prk_2024", "--runs", "500", "--seed", "5",
        "--out", str(out))
    compared = casus.compare(NE_ASIA, without=["treaty:rus_prk_2024"], runs=500, seed=5)
    assert compared.compared == json.loads((out / "compare.json").read_text())
    assert compared.text == (out / "compare.txt").read_text()
    war = compared.table.set_index("name").loc["war"]
    counts = compared.compared["comparison"]["highest_at_least"][5]
    assert war.a == (counts["both"] + counts["only_a"]) / 500

    out = tmp_path / "sweep"
    cli("sweep", NE_ASIA, "--param", "parameters.escalation_nuclear", "--values", "1.5,3.5",
        "--runs", "300", "--seed", "5", "--out", str(out))
    swept = casus.sweep(NE_ASIA, {"parameters.escalation_nuclear": [1.5, 3.5]}, runs=300, seed=5)
    assert swept.swept == json.loads((out / "sweep.json").read_text())
    pd.testing.assert_frame_equal(swept.table, read_csv(out / "sweep.csv"))

    out = tmp_path / "sensitivity"
    cli("sensitivity", NE_ASIA, "--param", "onset_rate", "--param", "escalation_nuclear",
        "--runs", "300", "--seed", "5", "--out", str(out))
    result = casus.sensitivity(
        NE_ASIA, params=["onset_rate", "escalation_nuclear"], runs=300, seed=5
    )
    assert result.sensitivity == json.loads((out / "sensitivity.json").read_text())
    pd.testing.assert_frame_equal(result.table, read_csv(out / "sensitivity.csv"))


def test_bad_input_raises_the_documented_exceptions(tmp_path: Path) -> None:
    with pytest.raises(casus.ScenarioError) as caught:
        casus.validate(str(ROOT / "tests" / "data" / "typo.json"))
    assert isinstance(caught.value, ValueError)
    first = caught.value.diagnostics[0]
    assert (first["path"], first["line"], first["column"]) == ("stances[0].from", 4, 23)
    assert "did you mean `PRK`" in first["message"]
    assert len(caught.value.diagnostics) == 2

    with pytest.raises(casus.ScenarioError) as caught:
        casus.load(TOY, set={"parameters.onset_rate": -1})
    assert caught.value.diagnostics[0]["path"] == "parameters.onset_rate"

    missing = tmp_path / "missing.json"
    with pytest.raises(casus.ScenarioError, match="cannot read the file"):
        casus.run(str(missing))
    with pytest.raises(ValueError, match="cannot leave out a `alliance`"):
        casus.compare(TOY, without=["alliance:x"])
    with pytest.raises(ValueError, match="did you mean `war`"):
        casus.sweep(TOY, {"parameters.onset_rate": [0.1]}, level="wat")
    with pytest.raises(ValueError, match="expected a factor above 1"):
        casus.sensitivity(TOY, factor=0.5)
    with pytest.raises(ValueError, match="--allow-large"):
        casus.run(str(ROOT / "scenarios" / "world_2018.json"), set={"steps": 12000})


def test_ctrl_c_stops_a_run_cleanly() -> None:
    timer = threading.Timer(0.5, _thread.interrupt_main)
    started = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        casus.run(NE_ASIA, runs=10_000_000, rows=False, threads=2)
    assert time.monotonic() - started < 10
    # Nothing is left half done: the next call is as if there had been no interruption.
    again = casus.run(TOY, runs=200, seed=1, rows=False)
    assert again.summary["counts"]["runs"] == 200


def test_runs_release_the_gil() -> None:
    ticks = 0
    done = threading.Event()

    def tick() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            time.sleep(0.001)

    ticker = threading.Thread(target=tick)
    ticker.start()
    casus.run(NE_ASIA, runs=5000, rows=False, threads=1)
    done.set()
    ticker.join()
    assert ticks > 20


def test_the_readme_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## casus from Python", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(ROOT)
    exec(compile(code, "README.md", "exec"), {})
