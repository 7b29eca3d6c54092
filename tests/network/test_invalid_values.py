"""Issue 12, item 3: NaN and infinite values are found after a run and at progress reports,
named by group, variable and first element, with the likely cause (on the session's target)."""

import warnings

import numpy as np
import pytest

import axonal
from axonal import *


@pytest.fixture(autouse=True)
def default_mode():
    yield
    prefs.core.invalid_values = "warn"


def unstable_group():
    """Forward Euler at dt = 10 tau: v grows by a factor -9 each step, infinite after ~320
    steps, for neurons 3 and up only."""
    axonal.start_scope()
    group = NeuronGroup(6, "dv/dt = -v/(0.01*ms) : 1", method="euler", name="unstable")
    group.v = [0, 0, 0, 1, 1, 1]
    return group


def test_an_unstable_integration_warns_naming_group_variable_neuron_and_a_remedy():
    group = unstable_group()
    net = Network(group)
    with pytest.warns(InvalidValuesWarning) as caught:
        net.run(50 * ms)
    (warning,) = [w for w in caught if w.category is InvalidValuesWarning]  # (once)
    message = str(warning.message)
    assert "NeuronGroup 'unstable': v became NaN or infinite" in message
    assert "first v at neuron 3" in message
    assert "'euler'" in message and "smaller dt" in message and "method=" in message
    assert not np.isfinite(group.v_[3]) and group.v_[0] == 0


def test_the_error_preference_raises_after_the_run_with_the_steps_kept():
    group = unstable_group()
    net = Network(group)
    prefs.core.invalid_values = "error"
    assert prefs.core.invalid_values == "error"
    with pytest.raises(InvalidValuesError, match="'unstable': v became NaN"):
        net.run(50 * ms)
    assert net.t_ == pytest.approx(50e-3)


def test_the_error_preference_stops_a_run_at_a_progress_report():
    group = unstable_group()
    net = Network(group)
    prefs.core.invalid_values = "error"
    with pytest.raises(InvalidValuesError, match="unstable"):
        net.run(1 * second, report=lambda *args: None, report_period=0 * second)
    # Infinite after about 320 steps (32 ms): the run stopped at a report soon after.
    assert 30e-3 < net.t_ < 0.5
    assert not np.isfinite(group.v_[3])


def test_ignore_and_written_variables_only():
    axonal.start_scope()
    group = NeuronGroup(
        3,
        """dv/dt = (1.1 - v)/tau : 1
        tau : second
        w : 1""",
        threshold="v > 1",
        reset="v = 0; w = log(w - 1)",  # w: written by the reset, NaN at the first spike
        method="exact",
        name="resetting",
    )
    group.tau = [10, 10, np.inf] * ms  # a parameter set to inf on purpose is left alone
    group.w = 0
    net = Network(group)
    with pytest.warns(InvalidValuesWarning, match="'resetting': w became") as caught:
        net.run(30 * ms)
    (warning,) = [w for w in caught if w.category is InvalidValuesWarning]
    assert "smaller dt" not in str(warning.message)  # not the integration's fault
    prefs.core.invalid_values = "ignore"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net.run(1 * ms)


def test_a_synaptic_variable_is_named_by_its_synapse():
    axonal.start_scope()
    source = SpikeGeneratorGroup(2, [0, 1], [1, 2] * ms)
    target = NeuronGroup(2, "v : 1")
    synapses = Synapses(source, target, "w : 1", on_pre="w = w * 1e308 * 10; v += 1", name="s")
    synapses.connect(i=[0, 1], j=[1, 0])
    synapses.w = 1
    with pytest.warns(InvalidValuesWarning, match="Synapses 's': w became .* at synapse 0"):
        Network(source, target, synapses).run(3 * ms)


def test_no_warning_for_finite_values():
    axonal.start_scope()
    group = NeuronGroup(5, "dv/dt = -v/(10*ms) : 1", method="exact")
    group.v = 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Network(group).run(5 * ms)
