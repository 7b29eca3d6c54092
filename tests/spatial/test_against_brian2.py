"""axonal against Brian 2.9.0 on the same compartmental models (tests/spatial/models.py; the
reference traces were made by tests/spatial/make_trace_reference.py in Brian 2's own
environment). Both use backward Euler on the same discretisation (compartments and branch
points), so traces agree to rounding and the linear solver's order of operations: the
tolerances below are far below any modelling difference (0.1 uV where spikes swing 100 mV)."""

import json
from pathlib import Path

import numpy as np
import pytest

import axonal
from tests.spatial.models import MODELS

REFERENCE = json.loads((Path(__file__).parent / "reference" / "traces.json").read_text())


@pytest.fixture(scope="module")
def results():
    return {}


def _run(name, results):
    if name not in results:
        results[name] = MODELS[name](axonal)
    return results[name]


@pytest.mark.parametrize("name", sorted(MODELS))
def test_traces_as_brian2(name, results):
    ours, theirs = _run(name, results), REFERENCE[name]
    v_ours, v_theirs = np.array(ours["v"]), np.array(theirs["v"])
    assert v_ours.shape == v_theirs.shape
    np.testing.assert_allclose(v_ours, v_theirs, rtol=0, atol=1e-7)


def test_spikes_at_the_threshold_location_as_brian2(results):
    ours, theirs = _run("ball_and_stick_hh", results), REFERENCE["ball_and_stick_hh"]
    assert len(theirs["spike_t"]) >= 2  # the pulse makes a train that reaches the axon's end
    assert ours["spike_i"] == theirs["spike_i"]
    np.testing.assert_allclose(ours["spike_t"], theirs["spike_t"], atol=1e-9)


def test_swc_geometry_as_brian2(results):
    ours, theirs = _run("swc_passive", results), REFERENCE["swc_passive"]
    for key in ("area", "distance", "space_constant"):
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-12, err_msg=key)
