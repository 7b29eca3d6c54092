"""Monitors, clocks, network operations, Network, run and reinit of the Brian 1 layer,
against Brian 1.4's behaviour (brian/monitor.py, clock.py, network.py and the slides' data
structures: M.spikes as (i, t) pairs, M[i] and M.times, rate in bins)."""

import numpy as np
import pytest

from axonal.brian1 import *


def regular(period_ms, n=1, offset_ms=0.0, until_ms=20.0):
    times = np.arange(offset_ms, until_ms, period_ms)
    return MultipleSpikeGeneratorGroup([[t * ms for t in times]] * n)


def test_spike_monitor_pairs_counts_and_spike_times():
    G = SpikeGeneratorGroup(3, [(1, 2 * ms), (0, 1 * ms), (1, 3 * ms)])
    M = SpikeMonitor(G)
    silent = SpikeMonitor(G, record=False)
    run(5 * ms)
    assert M.spikes == [
        (0, pytest.approx(1e-3)),
        (1, pytest.approx(2e-3)),
        (1, pytest.approx(3e-3)),
    ]
    assert all(isinstance(t, float) for _, t in M.spikes)  # seconds, as Brian 1's floats
    assert M.nspikes == 3 and silent.nspikes == 3 and silent.spikes == []
    assert np.allclose(np.asarray(M[1]), [2e-3, 3e-3]) and len(M[2]) == 0
    assert set(M.spiketimes) == {0, 1, 2}


def test_state_monitor_values_times_and_means():
    G = NeuronGroup(3, "dv/dt = rate : volt\nrate : volt/second")
    G.rate = [1, 2, 3] * volt / second
    M = StateMonitor(G, "v", record=[0, 2])
    everything = StateMonitor(G, "v")  # record=False: Brian 1 kept the means over time
    sparse = StateMonitor(G, "v", record=1, timestep=10)
    run(1 * ms)
    # Recorded at the end of each step: after the first update, at t = 0.
    assert np.allclose(np.asarray(M.times), np.arange(10) * 1e-4)
    assert np.allclose(np.asarray(M[2]), 3 * (np.arange(10) + 1) * 1e-4)
    assert np.asarray(M.values).shape == (2, 10)
    assert np.allclose(np.asarray(everything.mean), np.array([1, 2, 3]) * 5.5e-4)
    assert len(sparse.times) == 1 and float(sparse[1][0]) == pytest.approx(2e-4)
    with pytest.raises(IndexError):
        M[1]


def test_population_rate_monitor_rate_bins_and_smoothing():
    G = regular(2.0, n=10, until_ms=100)  # 10 neurons at 500 Hz
    R = PopulationRateMonitor(G)
    binned = PopulationRateMonitor(G, bin=10 * ms)
    run(100 * ms)
    assert len(R.times) == 1000 and float(np.asarray(R.rate).mean()) == pytest.approx(500)
    assert np.allclose(np.asarray(binned.rate), 500) and len(binned.times) == 10
    assert np.allclose(np.asarray(binned.times), np.arange(10) * 0.01)
    smooth = np.asarray(R.smooth_rate(width=10 * ms, filter="flat"))
    # A flat window of 101 steps holds 5 or 6 of the spikes that come every 20 steps.
    assert set(np.round(smooth[100:-100]).tolist()) <= {495, 594}
    assert abs(smooth[100:-100].mean() - 500) < 10
    assert np.allclose(np.asarray(R.smooth_rate(5 * ms))[100:-100], 500, rtol=0.025)


def test_network_operation_on_its_own_clock_gets_the_clock():
    G = NeuronGroup(1, "dv/dt = 1*volt/second : volt")
    seen = []

    @network_operation(clock=EventClock(dt=1 * ms))
    def every_ms(clock):
        seen.append((round(float(clock.t) * 1e3, 6), float(G.v[0])))

    @network_operation
    def every_step():
        every_step.calls = getattr(every_step, "calls", 0) + 1

    run(5 * ms)
    assert [t for t, _ in seen] == [0, 1, 2, 3, 4]
    # when='end': after the groups' update of that step
    assert seen[1][1] == pytest.approx(1.1e-3)
    assert every_step.calls == 50


def test_clocks_networks_and_reinit():
    clock = Clock(dt=0.5 * ms)
    G = NeuronGroup(1, "dv/dt = 1*volt/second : volt", clock=clock)
    M = StateMonitor(G, "v", record=0, clock=clock)
    net = Network(G, M)
    net.run(5 * ms)
    assert len(M.times) == 10 and float(G.v[0]) == pytest.approx(5e-3)
    net.reinit()
    assert len(M.times) == 0 and float(G.v[0]) == 0
    net.run(2 * ms)
    assert float(M.times[0]) == 0 and len(M.times) == 4
    define_default_clock(dt=0.2 * ms)
    try:
        H = NeuronGroup(1, "dv/dt = 1*volt/second : volt")
        trace = StateMonitor(H, "v", record=0)
        run(1 * ms)
        assert len(trace.times) == 5
        reinit(states=False)  # monitors emptied, state kept
        assert len(trace.times) == 0 and float(H.v[0]) == pytest.approx(1e-3)
        reinit_default_clock()
        run(1 * ms)
        assert float(trace.times[0]) == 0
    finally:
        define_default_clock(dt=0.1 * ms)


def test_raster_plot_draws_every_spike_and_refresh_redraws_during_the_run():
    import matplotlib.pyplot as plt

    G = SpikeGeneratorGroup(2, [(0, 1 * ms), (1, 2 * ms)])
    H = SpikeGeneratorGroup(3, [(2, 1.5 * ms)])
    MG, MH = SpikeMonitor(G), SpikeMonitor(H)
    lines = raster_plot(MG, MH, refresh=1 * ms)
    run(3 * ms)
    xs = np.concatenate([line.get_xdata() for line in lines])
    ys = np.concatenate([line.get_ydata() for line in lines])
    assert sorted(zip(xs.tolist(), ys.tolist(), strict=True)) == [(1.0, 0), (1.5, 4), (2.0, 1)]
    assert plt.gca().get_xlabel() == "Time (ms)"
    rasterPlot(MG)  # the slides' spelling
    # A new script (scope) no longer redraws the old figure.
    from axonal import start_scope
    from axonal.network.magic import magic_network

    start_scope()
    G2 = NeuronGroup(1, "x : 1")
    run(1 * ms)
    assert len(magic_network.objects) == 1


def test_both_targets_give_the_same_spikes_for_a_brian1_network():
    """A deterministic Brian 1 network (value threshold and reset, refractoriness, Connection
    with a delay) gives the same spikes on the NumPy and Numba targets."""
    from axonal import set_target

    results = []
    for target in ("numpy", "numba"):
        set_target(target)
        start_scope_and_time()
        P = NeuronGroup(
            50,
            "dv/dt = (I - v)/(10*ms) : volt\nI : volt",
            threshold=-50 * mV,
            reset=-60 * mV,
            refractory=3 * ms,
        )
        P.v = -60 * mV
        P.I = np.linspace(-45, -40, 50) * mV
        C = Connection(P, P, "v", delay=1 * ms)
        C.connect_full(weight=lambda i, j: 0.01 * np.cos(i - j) * mV)
        M = SpikeMonitor(P)
        run(50 * ms)
        results.append(M.spikes)
    assert len(results[0]) > 100 and results[0] == results[1]


def start_scope_and_time():
    from axonal import start_scope

    start_scope()
    reinit_default_clock()
