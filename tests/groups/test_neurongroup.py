"""NeuronGroup without integration: variables with units, thresholds, resets, events, errors."""

import numpy as np
import pytest

from axonal import *
from axonal.groups.group import GroupError
from axonal.model.errors import EquationError


def counter_group(N=3, **kwargs):
    """Neurons whose v grows by `step` each time step, with v > 1 as threshold."""
    return NeuronGroup(N, "v : 1\nstep : 1", threshold="v > 1", reset="v = 0", **kwargs)


def test_state_access_with_units_and_indexing():
    start_scope()
    G = NeuronGroup(10, "v : volt\ngl : siemens")
    G.v = -70 * mV
    G.v[5:10] = -60 * mV
    assert G.v[0] == -70 * mV
    np.testing.assert_allclose(G.v_[5:], -0.06)
    G.gl = "i * nS"
    assert G.gl[3] == 3 * nS
    assert list(G.v["i >= 8"] / mV) == pytest.approx([-60, -60])
    G.v["i < 2"] = -80 * mV
    assert G.v[1] == -80 * mV and G.v[2] == -70 * mV
    assert len(G) == 10 and len(G.v) == 10
    assert np.asarray(G.i).tolist() == list(range(10))


def test_setting_wrong_units_is_a_clear_error():
    start_scope()
    G = NeuronGroup(2, "v : volt", name="voltages")  # a default name may be taken still
    with pytest.raises(DimensionMismatchError, match="cannot set voltages.v"):
        G.v = 3 * nS
    with pytest.raises(DimensionMismatchError):
        G.v = "3 * nS"
    with pytest.raises(GroupError, match="read-only"):
        G.i = 3


def test_threshold_reset_and_spike_monitor_on_a_deterministic_counter():
    start_scope()
    G = counter_group()
    G.step = "0.3 * (i + 1)"
    G.run_regularly("v += step")
    spikes = SpikeMonitor(G)
    rate = PopulationRateMonitor(G)
    run(10 * defaultclock.dt)
    # neuron 0 crosses 1 every 4th step, neurons 1 (steps of 0.6) and 2 (0.9) every 2nd
    assert spikes.count.tolist() == [2, 5, 5]
    np.testing.assert_allclose(spikes.spike_trains()[0] / defaultclock.dt, [3, 7])
    assert spikes.num_spikes == 12 == len(spikes)
    assert rate.rate.sum() * defaultclock.dt * 3 == pytest.approx(12)
    frame = spikes.to_dataframe()
    assert list(frame.columns) == ["i", "t"] and len(frame) == 12


def test_refractoriness_blocks_spikes_for_the_period():
    start_scope()
    G = counter_group(N=1, refractory=0.5 * ms)
    G.step = 2
    G.run_regularly("v += step")
    spikes = SpikeMonitor(G)
    run(2 * ms)
    # A spike every step without refractoriness; with 0.5 ms, one every 5 steps (Brian 2.9).
    np.testing.assert_allclose(spikes.t / ms, [0, 0.5, 1.0, 1.5])


def test_custom_events_run_their_own_code_and_are_monitored():
    start_scope()
    G = NeuronGroup(
        2, "v : 1\nn_high : 1", threshold="v > 10", reset="v = 0", events={"high": "v > 2"}
    )
    G.run_on_event("high", "n_high += 1")
    G.run_regularly("v += 1 + i")
    high = EventMonitor(G, "high", variables="v")
    run(5 * defaultclock.dt)
    assert G.n_high[:].tolist() == [3, 4]
    assert high.count.tolist() == [3, 4]
    assert high.v[0] > 2


def test_subgroups_share_state_and_index_from_zero():
    start_scope()
    G = NeuronGroup(10, "v : 1")
    top = G[5:]
    top.v = "i"
    assert G.v[:].tolist() == [0] * 5 + [0, 1, 2, 3, 4]
    assert len(top) == 5
    with pytest.raises(IndexError):
        G[5:2]


def test_state_monitor_records_chosen_neurons_and_subexpressions():
    start_scope()
    G = NeuronGroup(4, "v : volt\ntwice = 2*v : volt")
    G.v = "i * mV"
    G.run_regularly("v += 1*mV")
    M = StateMonitor(G, ["v", "twice"], record=[1, 3])
    run(3 * defaultclock.dt)
    assert M.v.shape == (2, 3)
    np.testing.assert_allclose(M.v[0] / mV, [2, 3, 4])  # run_regularly was created first
    np.testing.assert_allclose(M[3].twice / mV, [8, 10, 12])
    assert G.twice[2] == 10 * mV


def test_store_and_restore_bring_back_variables_and_monitors():
    start_scope()
    G = counter_group(N=1)
    G.step = 0.4
    G.run_regularly("v += step")
    spikes = SpikeMonitor(G)
    net = Network(G, spikes)
    net.run(1 * ms)
    net.store()
    v_then, count_then = G.v[0], spikes.num_spikes
    net.run(1 * ms)
    assert spikes.num_spikes > count_then
    net.restore()
    assert G.v[0] == v_then and spikes.num_spikes == count_then
    assert len(spikes.t) == count_then


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"N": 0, "model": "v : 1"}, "N >= 1"),
        ({"N": 2.5, "model": "v : 1"}, "whole number"),
        ({"N": 2, "model": "v : 1", "reset": "v = 0"}, "needs a threshold"),
        ({"N": 2, "model": "v : 1 (unless refractory)", "threshold": "v > 1"}, "refractory"),
    ],
)
def test_bad_definitions_are_refused(kwargs, message):
    start_scope()
    with pytest.raises((GroupError, EquationError), match=message):
        NeuronGroup(**kwargs)


def test_errors_at_run_time_name_the_group_and_the_code():
    start_scope()
    G = NeuronGroup(2, "v : volt", threshold="v > 10*mV", reset="w = 0*mV", name="cells")
    with pytest.raises(GroupError, match="cells.*assigns to 'w'"):
        run(1 * ms)
    start_scope()
    G = NeuronGroup(2, "v : volt", threshold="v + 10*mV", name="cells2")
    with pytest.raises(GroupError, match="cells2.*not a condition"):
        run(1 * ms)
    start_scope()
    G = NeuronGroup(2, "v : volt", threshold="v > vt_unknown", name="cells3")
    with pytest.raises(EquationError, match="vt_unknown"):
        run(1 * ms)
    assert G.N == 2


def test_subexpressions_read_constants_of_the_calling_script():
    start_scope()
    gain = 3
    G = NeuronGroup(3, "v : volt\nscaled = gain * v : volt")
    G.v = "i * mV"
    np.testing.assert_allclose(G.scaled[:] / mV, [0, 3, 6])
    assert float((G.scaled + 1 * mV)[2] / mV) == 7
    assert "neurongroup" in repr(G.scaled)
