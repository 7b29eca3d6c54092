"""Brian 2's ``prefs.codegen.target`` chooses axonal's target (axonal/codegen/preferences.py)."""

import logging

import pytest

from axonal import NeuronGroup, ms, prefs, run, start_scope
from axonal.codegen import preferences
from axonal.codegen.preferences import PreferenceError
from axonal.codegen.targets import current_target
from axonal.network.network import run_summaries


def test_the_codegen_target_preference_chooses_the_target():
    prefs.codegen.target = "numpy"
    assert current_target() == "numpy" and prefs.codegen.target == "numpy"
    prefs.codegen.target = "cython"  # Brian's compiled runtime: axonal's compiled target
    assert current_target() == "numba" and prefs["codegen.target"] == "cython"
    prefs["codegen.target"] = "numpy"
    assert current_target() == "numpy"
    start_scope()
    group = NeuronGroup(1, "dv/dt = -v/(10*ms) : 1", method="exact")
    run(1 * ms)
    assert run_summaries()[-1]["target"] == "numpy"
    del group


def test_an_unknown_target_is_refused():
    with pytest.raises(ValueError, match="choose 'numpy'"):
        prefs.codegen.target = "fortran"


def test_brian_preferences_without_effect_warn_and_unknown_ones_fail(caplog, monkeypatch):
    monkeypatch.setattr(preferences, "_IGNORED", {})  # what this test sets is forgotten after
    with caplog.at_level(logging.WARNING, logger="axonal.codegen"):
        prefs.codegen.loop_invariant_optimisations = False
    assert "has no effect in axonal" in caplog.text
    assert prefs.codegen.loop_invariant_optimisations is False
    with pytest.raises(PreferenceError, match="no preference 'nonsense'"):
        prefs.nonsense.x = 1
    with pytest.raises(PreferenceError):
        prefs["nonsense"]


def test_a_top_level_preference_that_brian_lacks_is_refused():
    with pytest.raises(PreferenceError, match="no preference 'codegen'"):
        prefs.codegen = "numpy"
