"""Tests of the model as run (model_summary.py): equations, the constants the equations took
from the script with their units, dt, target, seeds and spikes, in `show`, `diff` and the web."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from axonal.model import namespace
from axonal.records.model_summary import (
    ConstantsWatcher,
    attach_constants,
    describe_constant,
    model_as_run,
)
from axonal.units import ms, mV
from tests.records.conftest import git, run_axonal
from tests.records.test_runner import label_of, store_of

MODEL = textwrap.dedent(
    """
    from axonal import *

    p = parameters({"tau_ms": 10.0, "N": 4, "seed": 3})
    seed(p.seed)
    tau = p.tau_ms * ms
    v_rest = -60 * mV
    v_thr = -55 * mV
    drive = 8 * mV
    G = NeuronGroup(p.N, "dv/dt = (v_rest + drive - v) / tau : volt",
                    threshold="v > v_thr", reset="v = v_rest", method="exact")
    G.v = "v_rest + rand() * (v_thr - v_rest)"
    M = SpikeMonitor(G)
    run(20 * ms)
    run(10 * ms)
    """
)


@pytest.fixture
def model_project(project, request):
    (project / "model.py").write_text(MODEL)
    git(project, "add", "model.py")
    git(project, "commit", "-q", "-m", "model")
    return project, {"AXONAL_TARGET": request.config.getoption("--target")}


def test_the_record_holds_the_model_as_run_with_its_constants(model_project, request):
    project, environment = model_project
    completed = run_axonal("run", "model.py", cwd=project, env=environment)
    assert completed.returncode == 0, completed.stderr
    record = store_of(project).get(label_of(completed))
    first, second = model_as_run(record["details"]["model"])
    assert first["target"] == request.config.getoption("--target")
    assert (
        first["dt"] == [0.0001] and first["seed"] == 3 and first["duration"] == pytest.approx(0.02)
    )
    assert first["objects"]["neurongroup"]["equations"].startswith("dv/dt = (v_rest + drive - v)")
    # Every external constant, with its units, as the equations, threshold, reset and the
    # initial values resolved it (the initial values before the first run belong to it).
    assert first["constants"]["neurongroup"] == {
        "drive": "8 mV", "tau": "10 ms", "v_rest": "-60 mV", "v_thr": "-55 mV"
    }  # fmt: skip
    # The second run resolves nothing new but ran with the same values.
    assert second["constants"] == first["constants"] and second["start"] == pytest.approx(0.02)
    spikes = second["spikes"]["spikemonitor"]
    assert spikes["count"] > 0 and len(spikes["digest"]) == 64
    raw = record["details"]["model"][0]["constants"]["neurongroup"]["tau"]
    assert raw["value"] == pytest.approx(0.01) and raw["unit"] == "s"

    shown = run_axonal("show", "last", cwd=project, check=True).stdout
    assert "run 1: network magic_network, target" in shown and "dt 0.1 ms, seed 3" in shown
    assert "dv/dt = (v_rest + drive - v) / tau : volt" in shown
    assert "constants of neurongroup: drive = 8 mV, tau = 10 ms, v_rest = -60 mV" in shown
    assert f"spikes of spikemonitor: {spikes['count']}, digest {spikes['digest'][:16]}" in shown


@pytest.mark.slow
def test_diff_compares_the_constants_and_the_spikes(model_project):
    project, environment = model_project
    first = label_of(run_axonal("run", "model.py", cwd=project, env=environment))
    second = label_of(run_axonal("run", "model.py", "tau_ms=20", cwd=project, env=environment))
    text = run_axonal("diff", first, second, cwd=project, check=True).stdout
    assert "[0].constants.neurongroup.tau: a=10 ms  b=20 ms" in text
    assert "[1].constants.neurongroup.tau: a=10 ms  b=20 ms" in text
    assert "[0].spikes.spikemonitor.digest" in text
    assert "equations" not in text  # the same equations


def test_the_watcher_sees_constants_resolved_from_a_namespace_only():
    watcher = ConstantsWatcher()
    try:
        namespace.resolve_names(
            ["tau", "v", "pi", "mV"], {"v": mV.dim}, None, {"tau": 5 * ms, "unused": 1}, "g"
        )
    finally:
        namespace.constant_observers.remove(watcher._observe)
    assert [(owner, name) for _, owner, name, _ in watcher.by_run()] == [("g", "tau")]
    assert watcher.by_run()[0][3]["text"] == "5 ms"


def test_constants_belong_to_their_run_and_the_later_ones():
    seen = [
        [0, "g", "tau", {"text": "5 ms"}],
        [1, "g", "tau", {"text": "7 ms"}],
        [1, "s", "w", {"text": "0.5"}],
    ]
    model = [{"objects": []}, {"objects": []}, {"objects": []}]
    attach_constants(model, seen)
    assert model[0]["constants"] == {"g": {"tau": {"text": "5 ms"}}}
    assert model[1]["constants"] == model[2]["constants"] == {
        "g": {"tau": {"text": "7 ms"}}, "s": {"w": {"text": "0.5"}}
    }  # fmt: skip


def test_long_array_constants_are_kept_as_shape_range_and_digest():
    small = describe_constant(np.array([1.0, 2.0]) * mV)
    assert small["value"] == pytest.approx([0.001, 0.002]) and small["unit"] == "V"
    large = describe_constant(np.linspace(0, 1, 1000))
    assert large["shape"] == [1000] and (large["min"], large["max"]) == (0.0, 1.0)
    assert len(large["sha256"]) == 64 and "value" not in large


def test_a_scalar_constant_described_again_is_described_the_same_by_kind_and_unit():
    first = describe_constant(5 * mV)
    assert first == {"value": pytest.approx(0.005), "unit": "V", "text": "5 mV"}
    first["text"] = "changed by a reader"  # each caller gets its own description
    assert describe_constant(5 * mV)["text"] == "5 mV"
    assert describe_constant(0.005)["unit"] is None  # the same number without its unit
    whole, real = describe_constant(3), describe_constant(3.0)
    assert (type(whole["value"]), type(real["value"])) == (int, float)
