"""One run state between runs (axonal/network/run_state.py): monitors read their buffers where
the run left them, during a run and between runs; nothing is copied into or out of a run."""

import logging

import numpy as np
import pytest

import axonal
from axonal import *
from axonal.codegen.targets import set_target
from tests.brian2_api.scripts import queued_spike_delay_changed, queued_spike_dt_changed
from tests.reference import reference
from tests.test_targets_agree import count_fused_steps

pytestmark = pytest.mark.usefixtures("collect_garbage")


def _recorded(monitors) -> dict[str, np.ndarray]:
    spikes, part, state, rate, part_rate = monitors
    return {
        "spikes.i": spikes.i,
        "spikes.t": spikes.t_,
        "spikes.v": spikes.v_,
        "spikes.count": spikes.count,
        "part.i": part.i,
        "part.t": part.t_,
        "part.count": part.count,
        "state.t": state.t_,
        "state.v": state.v_,
        "state.I": state.I_,
        "rate.t": rate.t_,
        "rate.rate": rate.rate_,
        "part_rate.t": part_rate.t_,
        "part_rate.rate": part_rate.rate_,
    }


def _network(durations):
    axonal.start_scope()
    axonal.seed(5)
    eqs = "dv/dt = (1.2 + 0.4*i/N - v) / (5*ms) : 1\nI = 3*v : 1"
    G = NeuronGroup(8, eqs, threshold="v > 1", reset="v = rand()*0.2", method="exact")
    monitors = (
        SpikeMonitor(G, variables="v"),
        SpikeMonitor(G[3:6]),
        StateMonitor(G, ["v", "I"], record=[1, 6]),
        PopulationRateMonitor(G),
        PopulationRateMonitor(G[2:7]),
    )
    net = Network(G, *monitors)
    for duration in durations:
        net.run(duration)
    return net, monitors


def test_monitors_continue_across_runs_as_in_one_run(both_targets):
    """Three runs record what one run records, byte for byte, on either target; the
    recordings stay in the run state's arrays (not copied out when a run ends)."""
    _, whole = _network([12 * ms])
    net, parts = _network([3 * ms, 0.2 * ms, 8.8 * ms])
    expected, found = _recorded(whole), _recorded(parts)
    assert len(expected["spikes.i"]) > 10 and len(expected["part.i"]) > 3
    for key, values in expected.items():
        np.testing.assert_array_equal(found[key], values, err_msg=key)
    # A short further run appends to the very arrays the monitors read (none grew).
    spikes, state = parts[0], parts[2]
    held = {key: spikes._share.state[key] for key in spikes._share.keys}
    state_t = state._share.state[f"{state.name}.t"]
    net.run(0.5 * ms)
    assert all(spikes._share.state[key] is array for key, array in held.items())
    assert state._share.state[f"{state.name}.t"] is state_t
    assert len(state.t_) == 125


def test_a_subgroups_rate_is_counted_in_its_range_within_the_compiled_loop(caplog):
    set_target("numba")
    try:
        with pytest.MonkeyPatch.context() as patch:
            runs = count_fused_steps(patch)
            with caplog.at_level(logging.INFO, logger="axonal.network"):
                _, (spikes, _, _, _, part_rate) = _network([12 * ms])
    finally:
        set_target("numpy")
    assert runs == [120] and "runs in the Python loop" not in caplog.text
    # The rate of G[2:7] is its spikes in each step over 5 neurons and dt.
    steps = np.round(spikes.t_ / defaultclock.dt_).astype(int)
    inside = (spikes.i >= 2) & (spikes.i < 7)
    counts = np.bincount(steps[inside], minlength=120)
    assert counts.sum() > 3
    np.testing.assert_array_equal(part_rate.rate_, counts / (5 * defaultclock.dt_))


def test_times_and_rates_keep_the_dt_they_were_recorded_with(both_targets):
    """A run after a change of dt appends rows of the new dt; the rows before keep theirs."""
    axonal.start_scope()
    defaultclock.dt = 0.1 * ms
    try:
        G = NeuronGroup(4, "v : 1", threshold="i < 2")  # two of four spike in each step
        state, rate = StateMonitor(G, "v", record=0), PopulationRateMonitor(G)
        spikes = SpikeMonitor(G)
        net = Network(G, state, rate, spikes)
        net.run(1 * ms)
        defaultclock.dt = 0.25 * ms
        net.run(1 * ms)
    finally:
        defaultclock.dt = 0.1 * ms
    times = np.concatenate([np.arange(10) * 1e-4, np.arange(4, 8) * 2.5e-4])
    np.testing.assert_array_equal(state.t_, times)
    np.testing.assert_array_equal(rate.t_, times)
    np.testing.assert_array_equal(spikes.t_, np.repeat(times, 2))
    np.testing.assert_allclose(rate.rate_, [5000.0] * 10 + [2000.0] * 4, rtol=1e-12)


def test_counts_only_without_record_and_a_monitor_added_between_runs(both_targets):
    axonal.start_scope()
    G = NeuronGroup(3, "v : 1", threshold="i != 1")
    counter = SpikeMonitor(G, record=False)
    net = Network(G, counter)
    net.run(1 * ms)
    late = SpikeMonitor(G)  # records from the second run on
    net.add(late)
    net.run(0.5 * ms)
    np.testing.assert_array_equal(counter.count, [15, 0, 15])
    assert len(counter.i) == 0 and counter.num_spikes == 30
    # Without record, the run's events are counted when it ends and their buffer emptied.
    assert counter._share.used(f"{counter.name}.n") == 0
    np.testing.assert_array_equal(late.count, [5, 0, 5])
    np.testing.assert_allclose(late.t_[::2], np.arange(10, 15) * 1e-4)


def test_store_and_restore_put_the_recordings_back_in_the_run_state(both_targets):
    axonal.start_scope()
    net, (spikes, part, state, rate, part_rate) = _network([4 * ms])
    net.store()
    net.run(4 * ms)
    first = _recorded((spikes, part, state, rate, part_rate))
    net.restore(restore_random_state=True)  # (the resets draw)
    assert len(state.t_) == 40 and np.all(spikes.t_ < 4e-3)
    net.run(4 * ms)
    again = _recorded((spikes, part, state, rate, part_rate))
    for key, values in first.items():
        np.testing.assert_array_equal(again[key], values, err_msg=key)


# -- delay rings ------------------------------------------------------------------------------


def test_queued_spikes_wait_in_the_same_ring_from_run_to_run(both_targets):
    """Spikes queued at the end of a run arrive in the next from the ring they were queued
    in (nothing converted between runs), for one delay and for delays per synapse."""
    axonal.start_scope()
    source = SpikeGeneratorGroup(3, [0, 1, 2, 0], [0, 0.3, 0.3, 0.6] * ms)
    target = NeuronGroup(3, "v : 1", threshold="v > 0.5", reset="v = 0")
    uniform = Synapses(source, target, on_pre="v_post += 1", delay=1 * ms, name="uniform")
    uniform.connect(j="i")
    each = Synapses(source, target, on_pre="v_post += 1", name="each")
    each.connect(j="(i + 1) % 3")
    each.delay = [0.5, 1.5, 2.5] * ms
    spikes = SpikeMonitor(target)
    net = Network(source, target, uniform, each, spikes)
    net.run(0.7 * ms)
    assert uniform.pre.queued() == 4 and each.pre.queued() == 3  # (0 -> 1 arrived)
    rings = [S.pre.ring.state[f"{S.name}.pre._queue"] for S in (uniform, each)]
    net.run(0.1 * ms)
    for S, ring in zip((uniform, each), rings, strict=True):
        assert S.pre.ring.state[f"{S.name}.pre._queue"] is ring
    net.run(3 * ms)
    assert uniform.pre.queued() == each.pre.queued() == 0
    # Arrivals (one step before the target's spike): uniform 1, 1.3, 1.3, 1.6 ms; per
    # synapse 0.5 (0 -> 1), 1.8 (1 -> 2), 2.8 (2 -> 0), 1.1 (0 -> 1) ms.
    arrivals = sorted(zip(np.round(spikes.t_ * 1e3 - 0.1, 6), spikes.i, strict=True))
    expected = [(0.5, 1), (1.0, 0), (1.1, 1), (1.3, 1), (1.3, 2), (1.6, 0), (1.8, 2), (2.8, 0)]
    assert [(float(t), int(i)) for t, i in arrivals] == expected


def test_a_delay_changed_between_runs_applies_to_new_spikes_as_in_brian2(both_targets):
    spikes = queued_spike_delay_changed(axonal)
    expected = reference("queued_spikes", "delay_changed")
    assert spikes["i"] == expected["i"]
    np.testing.assert_allclose(spikes["t"], expected["t"], atol=1e-9)


@pytest.mark.parametrize("case", range(3))
def test_spikes_queued_before_a_change_of_dt_arrive_as_in_brian2(both_targets, case):
    """At the nearest step of the new dt to the time they were due."""
    entry = reference("queued_spikes", "dt_changed")["cases"][case]
    times = queued_spike_dt_changed(axonal, *entry["case"])
    np.testing.assert_allclose(times, entry["t"], atol=1e-9)
