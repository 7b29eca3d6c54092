"""SpikeGeneratorGroup: spikes round trip through a SpikeMonitor; period, set_spikes, errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from axonal import *
from axonal.groups.spikegeneratorgroup import IgnoredSpikesWarning, SpikeGeneratorError

DT = 0.1 * ms
DT_SECONDS = 1e-4


def recorded(monitor):
    """The monitor's spikes as a sorted list of (index, step) pairs."""
    steps = np.round(monitor.t_ / DT_SECONDS).astype(int)
    return sorted(zip(monitor.i.tolist(), steps.tolist(), strict=True))


def test_random_spikes_round_trip_exactly_through_a_spike_monitor():
    start_scope()
    rng = np.random.default_rng(7)
    # 500 distinct (neuron, step) pairs among 20 neurons and 300 steps, in random order.
    cells = rng.choice(20 * 300, size=500, replace=False)
    indices, steps = cells % 20, cells // 20
    G = SpikeGeneratorGroup(20, indices, steps * DT)
    monitor = SpikeMonitor(G)
    run(300 * DT)
    expected = sorted(zip(indices.tolist(), steps.tolist(), strict=True))
    assert recorded(monitor) == expected
    # Times come back as the step times themselves, bit for bit.
    order = np.lexsort((monitor.i, monitor.t_))
    np.testing.assert_array_equal(monitor.t_[order], np.sort(steps) * DT_SECONDS)
    assert monitor.count.tolist() == np.bincount(indices, minlength=20).tolist()


def test_times_between_steps_fall_in_the_step_they_lie_in():
    start_scope()
    # 0.29999999 ms is a rounding error below step 3; 0.35 ms lies inside step 3, 0.0998 ms
    # inside step 0 (0.0999 ms would count as step 1: the tolerance is a thousandth of a step).
    G = SpikeGeneratorGroup(2, [0, 1, 0], [0.29999999, 0.35, 0.0998] * ms)
    monitor = SpikeMonitor(G)
    run(1 * ms)
    assert recorded(monitor) == [(0, 0), (0, 3), (1, 3)]


def test_sorted_input_gives_the_same_spikes_and_unsorted_sorted_true_is_refused():
    start_scope()
    G = SpikeGeneratorGroup(3, [0, 1, 2], [0.1, 0.2, 0.5] * ms, sorted=True)
    monitor = SpikeMonitor(G)
    run(1 * ms)
    assert recorded(monitor) == [(0, 1), (1, 2), (2, 5)]
    assert G.neuron_index.tolist() == [0, 1, 2]
    np.testing.assert_allclose(G.spike_time / ms, [0.1, 0.2, 0.5])
    with pytest.raises(SpikeGeneratorError, match="not in increasing order"):
        SpikeGeneratorGroup(3, [0, 1], [0.5, 0.1] * ms, sorted=True)


def test_period_repeats_the_spikes():
    start_scope()
    G = SpikeGeneratorGroup(2, [1, 0, 0], [3, 1, 0] * ms, period=5 * ms)
    monitor = SpikeMonitor(G)
    run(12 * ms)
    expected = [(0, 0), (0, 10), (1, 30)]
    expected = sorted((i, step + repeat * 50) for i, step in expected for repeat in range(3))
    expected = [(i, step) for i, step in expected if step < 120]
    assert recorded(monitor) == expected
    assert G.period == 5 * ms
    # The period continues across runs.
    run(5 * ms)
    assert monitor.count.tolist() == [8, 3]


def test_period_of_one_step_spikes_every_step():
    start_scope()
    G = SpikeGeneratorGroup(1, [0], [0] * ms, period=DT)
    monitor = SpikeMonitor(G)
    run(10 * DT)
    assert monitor.count.tolist() == [10]


def test_set_spikes_between_runs_replaces_the_spikes():
    start_scope()
    G = SpikeGeneratorGroup(3, [0, 1], [1, 2] * ms)
    monitor = SpikeMonitor(G)
    run(3 * ms)
    G.set_spikes([2, 0, 2], [5, 4, 3.5] * ms)
    run(3 * ms)
    assert recorded(monitor) == [(0, 10), (0, 40), (1, 20), (2, 35), (2, 50)]
    # Spikes set in the past are not emitted, and the user is told.
    G.set_spikes([1, 1], [1, 7] * ms)
    with pytest.warns(IgnoredSpikesWarning, match="1 spike"):
        run(2 * ms)
    assert monitor.count.tolist() == [2, 2, 2]
    # With a period, the spikes repeat from the current time on.
    G.set_spikes([2], [0.5] * ms, period=1 * ms)
    run(2 * ms)
    assert monitor.count.tolist() == [2, 2, 4]


def test_own_dt_and_a_change_of_dt_rebin_the_spikes():
    start_scope()
    G = SpikeGeneratorGroup(1, [0], [2.5] * ms, dt=1 * ms)
    monitor = SpikeMonitor(G)
    run(4 * ms)
    assert monitor.t_.tolist() == pytest.approx([2e-3])
    G.clock.dt = 0.5 * ms
    G.set_spikes([0], [5.5] * ms)
    run(2 * ms)
    assert monitor.t_.tolist() == pytest.approx([2e-3, 5.5e-3])


def test_subgroups_see_their_own_spikes_indexed_from_zero():
    start_scope()
    G = SpikeGeneratorGroup(4, [0, 1, 2, 3], [0, 0.1, 0.2, 0.3] * ms)
    monitor = SpikeMonitor(G[2:4])
    run(0.2 * ms)
    assert G.spikes.tolist() == [1]
    run(0.8 * ms)
    assert monitor.i.tolist() == [0, 1]
    np.testing.assert_allclose(monitor.t / ms, [0.2, 0.3])


def test_store_and_restore_replay_the_same_spikes():
    start_scope()
    G = SpikeGeneratorGroup(2, [0, 1, 0], [0.2, 0.5, 0.8] * ms)
    monitor = SpikeMonitor(G)
    net = Network(G, monitor)
    net.run(0.4 * ms)
    net.store()
    net.run(0.6 * ms)
    assert monitor.num_spikes == 3
    net.restore()
    assert monitor.num_spikes == 1
    net.run(0.6 * ms)
    assert recorded(monitor) == [(0, 2), (0, 8), (1, 5)]


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((3, [0, 1], [1, -1] * ms), {}, "cannot be negative.*spike 1 \\(index 1\\)"),
        ((3, [0, 3], [1, 2] * ms), {}, "index 3, outside the group.*0..2"),
        ((3, [-1], [1] * ms), {}, "index -1, outside"),
        ((3, [0, 1, 2], [1, 2] * ms), {}, "3 indices and 2 times"),
        ((3, [0.5], [1] * ms), {}, "whole numbers"),
        ((3, [0], [1] * ms), {"period": -1 * ms}, "period cannot be negative"),
        ((3, [0], [6] * ms), {"period": 5 * ms}, "longer than the last spike time"),
        ((0, [], [] * ms), {}, "N >= 1"),
    ],
)
def test_bad_spikes_are_refused_with_a_clear_message(args, kwargs, message):
    start_scope()
    with pytest.raises(SpikeGeneratorError, match=message):
        SpikeGeneratorGroup(*args, **kwargs)


def test_times_without_units_are_refused():
    start_scope()
    with pytest.raises(DimensionMismatchError, match="spike times"):
        SpikeGeneratorGroup(2, [0, 1], [1, 2])
    with pytest.raises(DimensionMismatchError, match="period"):
        SpikeGeneratorGroup(2, [0, 1], [1, 2] * ms, period=5)


def test_two_spikes_of_a_neuron_in_one_step_are_an_error_at_run_time():
    start_scope()
    # Sorted by time, the two spikes of neuron 0 are not neighbours: they must still be found.
    G = SpikeGeneratorGroup(2, [0, 1, 0], [1.01, 1.02, 1.03] * ms, dt=DT, name="input")
    monitor = SpikeMonitor(G)
    with pytest.raises(SpikeGeneratorError, match="input: neuron 0 would spike twice"):
        run(2 * ms)
    assert monitor.num_spikes == 0
    # A finer time step (of the group's own clock) separates them.
    G.clock.dt = 0.01 * ms
    run(2 * ms)
    assert monitor.num_spikes == 3


def test_a_period_that_is_not_a_whole_number_of_steps_is_an_error():
    start_scope()
    G = SpikeGeneratorGroup(1, [0], [0] * ms, period=1.05 * DT * 10)
    with pytest.raises(SpikeGeneratorError, match="not a whole number of time steps"):
        run(1 * ms)
    start_scope()
    with pytest.raises(SpikeGeneratorError, match="shorter than the time step"):
        SpikeGeneratorGroup(1, [0], [0] * ms, period=0.05 * ms)
    G = SpikeGeneratorGroup(1, [0], [0] * ms, period=0.2 * ms, dt=DT)
    G.clock.dt = 0.5 * ms
    with pytest.raises(SpikeGeneratorError, match="period \\(0.2 ms\\) is shorter"):
        run(1 * ms)


def test_drives_synapses_with_a_delay():
    start_scope()
    G = SpikeGeneratorGroup(3, [0, 1, 2, 0], [1, 2, 3, 4] * ms)
    H = NeuronGroup(2, "v : 1\nlast : second")
    S = Synapses(G, H, on_pre="v += 1\nlast = t", delay=0.5 * ms)
    S.connect(i=[0, 0, 1, 2], j=[0, 1, 1, 1])
    run(10 * ms)
    # neuron 0 spikes twice (to both targets), neurons 1 and 2 once each (to target 1)
    assert H.v[:].tolist() == [2, 4]
    assert H.last[0] == 4.5 * ms


def test_the_emission_step_compiles_with_numba_and_agrees():
    numba = pytest.importorskip("numba")
    from axonal.groups.spikegeneratorgroup import spikes_of_step

    compiled = numba.njit(spikes_of_step)
    bins = np.array([0, 0, 3, 7, 7, 9], dtype=np.int64)
    # Once: all 6 spikes; every 10 steps over 25 steps: 6 + 6 + the 3 with bins below 5.
    for period, total in ((0, 6), (10, 15)):
        plain_pointer, compiled_pointer = np.zeros(1, np.int64), np.zeros(1, np.int64)
        emitted = []
        for step in range(25):
            expected = spikes_of_step(bins, period, plain_pointer, step)
            assert compiled(bins, period, compiled_pointer, step) == expected
            emitted.append(int(expected[1] - expected[0]))
        assert sum(emitted) == total


def test_emission_arrays_replay_a_group_in_a_compiled_loop():
    numba = pytest.importorskip("numba")
    from axonal.groups.spikegeneratorgroup import spikes_of_step

    start_scope()
    G = SpikeGeneratorGroup(3, [2, 0, 1, 0], [0.3, 0.1, 0.1, 0.4] * ms, period=0.5 * ms)
    monitor = SpikeMonitor(G)
    run(1.2 * ms)
    arrays = G.emission_arrays()
    arrays["pointer"][0] = 0
    step = numba.njit(spikes_of_step)
    replayed = []
    for timestep in range(12):
        start, stop = step(arrays["bins"], arrays["period_bins"], arrays["pointer"], timestep)
        replayed += [(int(i), timestep) for i in arrays["indices"][start:stop]]
    assert sorted(replayed) == recorded(monitor)


@settings(max_examples=40, deadline=None)
@given(
    cells=st.sets(st.tuples(st.integers(0, 4), st.integers(0, 29)), max_size=40),
    period_steps=st.sampled_from([0, 30, 37]),
    offsets=st.floats(0, 0.99),
)
def test_any_spikes_round_trip_with_or_without_a_period(cells, period_steps, offsets):
    start_scope()
    indices = np.array([i for i, _ in cells], dtype=int)
    steps = np.array([step for _, step in cells], dtype=int)
    # Anywhere inside its step, a spike is emitted in that step.
    times = (steps + offsets * 0.99) * DT
    G = SpikeGeneratorGroup(5, indices, times, period=period_steps * DT)
    monitor = SpikeMonitor(G)
    run(80 * DT)
    repeats = range(3) if period_steps else range(1)
    expected = sorted(
        (int(i), int(step) + k * period_steps)
        for i, step in zip(indices, steps, strict=True)
        for k in repeats
        if int(step) + k * period_steps < 80
    )
    assert recorded(monitor) == expected


def test_no_spike_is_lost_or_doubled_with_several_clocks():
    # Brian 1.1.4 fixed lost and extra spikes of a SpikeGeneratorGroup with several clocks.
    start_scope()
    times = np.arange(1, 60) * 0.3 * ms
    G = SpikeGeneratorGroup(2, np.arange(59) % 2, times, dt=0.3 * ms)
    H = NeuronGroup(2, "v : 1")  # on the default clock, 0.1 ms
    S = Synapses(G, H, on_pre="v += 1")
    S.connect(j="i")
    monitor = SpikeMonitor(G)
    run(20 * ms)
    assert monitor.num_spikes == 59 and H.v[:].tolist() == [30, 29]
    np.testing.assert_allclose(np.sort(monitor.t_), times / second, rtol=1e-12)
