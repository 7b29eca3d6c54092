"""prefs.core.default_float_dtype = float32: the state, synaptic and recorded values of groups
created after it are single precision on both targets, as in Brian 2."""

import numpy as np
import pytest

import axonal
from axonal import NeuronGroup, float32, float64, prefs, set_target
from axonal.codegen.targets import TARGETS
from tests.brian2_api import scripts
from tests.brian2_api.brian2_values import brian2_behaviour

FLOAT32_ULP = float(np.finfo(np.float32).eps)


@pytest.fixture
def restore_float_dtype():
    yield
    prefs.core.default_float_dtype = float64


def _simulate(dtype) -> dict:
    """The script Brian 2's values come from (scripts.single_precision), run with axonal."""
    values = scripts.single_precision(axonal, dtype)
    arrays = ("v_trace_0", "spike_t", "w")
    return {key: np.asarray(v) if key in arrays else v for key, v in values.items()}


@pytest.mark.parametrize("target", TARGETS)
def test_float32_state_and_records_match_brian2s(target, restore_float_dtype):
    set_target(target)
    ours = {name: _simulate(dtype) for name, dtype in (("float32", float32), ("float64", float64))}
    for name in ("float32", "float64"):
        expected = brian2_behaviour("single_precision", name)
        assert ours[name]["dtypes"] == expected["dtypes"]
        assert ours[name]["spike_i"] == expected["spike_i"]
        np.testing.assert_allclose(ours[name]["spike_t"], expected["spike_t"], rtol=0, atol=1e-12)
        # Brian 2's NumPy target adds in float32, Numba's code in float64 then rounds: the
        # values agree within a few float32 rounding steps.
        tolerance = 4 * FLOAT32_ULP if name == "float32" else 1e-14
        np.testing.assert_allclose(ours[name]["v_trace_0"], expected["v_trace_0"], rtol=tolerance)
        np.testing.assert_allclose(ours[name]["w"], expected["w"], rtol=tolerance)
    # Single precision is really used: the two traces differ by more than float64 rounding.
    difference = np.abs(ours["float32"]["v_trace_0"] - ours["float64"]["v_trace_0"]).max()
    assert 1e-12 < difference < 1e-5


def test_both_targets_agree_in_float32(restore_float_dtype):
    results = {}
    for target in TARGETS:
        set_target(target)
        results[target] = _simulate(float32)
    first, second = results.values()
    assert first["spike_i"] == second["spike_i"]
    np.testing.assert_allclose(first["v_trace_0"], second["v_trace_0"], rtol=4 * FLOAT32_ULP)


def test_the_preference_reads_back_and_refuses_other_types(restore_float_dtype):
    prefs.core.default_float_dtype = float32
    assert prefs.core.default_float_dtype is np.float32
    assert prefs["core.default_float_dtype"] is np.float32
    with pytest.raises(ValueError, match="default_float_dtype = .*float32 or float64"):
        prefs.core.default_float_dtype = np.int32
    prefs.core.default_float_dtype = "float64"
    assert NeuronGroup(1, "v : 1").v_.dtype == np.float64
