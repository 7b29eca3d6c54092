"""Every example runs (briefly), and the benchmark networks give the published statistics."""

import runpy
import sys
from pathlib import Path

import numpy as np
import pytest

import axonal
from tests.reference import reference

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# Short runs: every example must work, whatever its default duration.
SHORT_ARGUMENTS = {
    "flagship.py": ["50"],
    "cuba.py": ["50"],
    "coba.py": ["20"],
    "cobahh.py": ["5"],
    "brunel_hakim.py": ["10"],
    "stdp_song.py": ["200"],
    "sweep_fi_curve.py": ["0.05"],
}


def run_example(name: str, arguments: list[str], monkeypatch) -> dict:
    monkeypatch.setattr(sys, "argv", [name, *arguments])
    # in a folder that is an axonal project the flagship would record itself in a new process
    monkeypatch.setenv("AXONAL_FLAGSHIP_RECORDED", "1")
    axonal.start_scope()
    return runpy.run_path(str(EXAMPLES / name), run_name="__main__")


# Examples that other tests run in full; a second run here would only cost time.
RUN_ELSEWHERE = {
    # 600 s of simulated pairing protocols: about a minute on the NumPy target
    "triplet_stdp.py": "run in full by tests/synapses/test_plasticity.py::"
    "test_triplet_rule_matches_event_by_event_evaluation",
}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(p.name, marks=[pytest.mark.skip(RUN_ELSEWHERE[p.name])])
        if p.name in RUN_ELSEWHERE
        else p.name
        for p in sorted(EXAMPLES.glob("*.py"))
    ],
)
def test_example_runs(name, monkeypatch, capsys):
    run_example(name, SHORT_ARGUMENTS.get(name, []), monkeypatch)
    assert capsys.readouterr().out.strip()  # every example prints its summary


def network_statistics(spikes, N: int, duration_s: float) -> dict:
    """Mean rate, fraction of neurons that fired, and mean CV of ISIs (neurons with >= 3 spikes),
    defined as in benchmarks/reference/values_networks.py."""
    cvs = []
    for train in spikes.spike_trains().values():
        if len(train) >= 3:
            intervals = np.diff(np.asarray(train))
            cvs.append(intervals.std() / intervals.mean())
    return {
        "mean_rate_hz": spikes.num_spikes / (N * duration_s),
        "fraction_active": float(np.mean(spikes.count > 0)),
        "cv_isi": float(np.mean(cvs)),
    }


def assert_like_reference(measured: dict, model: str, spread: float = 5) -> None:
    for key, value in measured.items():
        expected = reference("networks", model, key)
        tolerance = spread * expected["std"] + 0.02 * abs(expected["mean"])
        assert abs(value - expected["mean"]) < tolerance, (model, key, value, expected["mean"])


@pytest.mark.slow
@pytest.mark.parametrize("model", ["cuba", "coba"])
def test_network_statistics_match_brian(model, monkeypatch):
    axonal.seed(7)
    result = run_example(f"{model}.py", ["1000"], monkeypatch)
    synapses = len(result["Ce"]) + len(result["Ci"])
    expected = reference("networks", model, "synapses")
    assert abs(synapses - expected["mean"]) < 5 * np.sqrt(expected["mean"])
    assert_like_reference(network_statistics(result["spikes"], 4000, 1.0), model)


@pytest.mark.slow
def test_brunel_hakim_rate_and_fast_oscillation(monkeypatch):
    axonal.seed(3)
    result = run_example("brunel_hakim.py", ["100"], monkeypatch)
    rate = result["spikes"].num_spikes / (5000 * 0.1)
    expected = reference("brunel_hakim_1999", "network", "rate_first_100ms_hz")
    assert abs(rate - expected["mean"]) < 5 * expected["std"] + 0.03 * expected["mean"]
    # The population oscillates near 137 Hz (Brian 2.9.0 over 1 s); 100 ms resolve 10 Hz.
    oscillation = reference("brunel_hakim_1999", "network", "oscillation_hz")["mean"]
    assert abs(result["peak"] - oscillation) <= 15


@pytest.mark.slow
def test_cobahh_statistics_match_brian(monkeypatch):
    # 1 s of 4000 Hodgkin-Huxley neurons: on the compiled target (the NumPy one takes minutes)
    axonal.set_target("numba")
    try:
        axonal.seed(7)
        result = run_example("cobahh.py", ["1000"], monkeypatch)
    finally:
        axonal.set_target("numpy")
    assert_like_reference(network_statistics(result["spikes"], 4000, 1.0), "cobahh")


@pytest.mark.slow
def test_flagship_is_recorded_in_an_axonal_project(tmp_path):
    """In a project folder the flagship records its own run, with its figure as an output."""
    import os
    import subprocess

    from axonal.records.project import init_project
    from axonal.records.store import RecordStore

    project = init_project(tmp_path)
    environment = {k: v for k, v in os.environ.items() if k != "AXONAL_FLAGSHIP_RECORDED"}
    completed = subprocess.run(
        [sys.executable, str(EXAMPLES / "flagship.py"), "20"],
        cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert "recorded as" in completed.stdout and "mean rate" in completed.stdout
    store = RecordStore(project.resolved_store_url)
    try:
        (record,) = store.list()
        assert record["status"] == "finished"
        details = store.get(record["label"])
    finally:
        store.close()
    outputs = str(details.get("outputs", details))
    assert "flagship.png" in outputs
    assert (project.output_dir / "flagship.png").is_file()
