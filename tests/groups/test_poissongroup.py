"""PoissonGroup: spike counts with the Poisson mean and variance, time-varying rates, errors."""

import numpy as np
import pytest

from axonal import *
from axonal.groups.group import GroupError


def test_constant_rate_gives_poisson_counts():
    start_scope()
    seed(11)
    P = PoissonGroup(1000, 20 * Hz)
    spikes = SpikeMonitor(P)
    run(1 * second)
    counts = spikes.count
    # Mean count 20 (standard error 0.14); Fano factor 1 - rate*dt ~ 1 (standard error ~0.045).
    assert counts.mean() == pytest.approx(20, abs=0.5)
    assert counts.var(ddof=1) / counts.mean() == pytest.approx(1.0, abs=0.15)
    # Inter-spike intervals of a Poisson process have a coefficient of variation of 1.
    intervals = np.concatenate(
        [np.diff(np.asarray(train)) for train in spikes.spike_trains().values()]
    )
    assert intervals.std() / intervals.mean() == pytest.approx(1.0, abs=0.05)


def test_rates_per_neuron_from_an_array_and_setting_them_between_runs():
    start_scope()
    seed(12)
    P = PoissonGroup(300, np.repeat([0, 10, 50], 100) * Hz)
    spikes = SpikeMonitor(P)
    run(1 * second)
    means = spikes.count.reshape(3, 100).mean(axis=1)
    assert means[0] == 0
    # standard errors: 0.32 and 0.71
    assert means[1:] == pytest.approx([10, 50], abs=2.5)
    assert P.rates[150] == 10 * Hz
    P.rates = 100 * Hz
    before = spikes.num_spikes
    run(0.5 * second)
    assert (spikes.num_spikes - before) / 300 == pytest.approx(50, abs=2)


def test_a_rate_expression_of_t_is_followed_in_time():
    start_scope()
    seed(13)
    r0, f = 40 * Hz, 5 * Hz
    P = PoissonGroup(2000, "r0 * (1 + sin(2*pi*f*t))")
    spikes = SpikeMonitor(P)
    run(0.2 * second)
    edges = np.linspace(0, 0.2, 11)
    counts = np.histogram(spikes.t_, bins=edges)[0]
    # Expected spikes per bin: N * integral of the rate over the bin (the steps' left edges).
    steps = np.arange(2000) * 1e-4
    rate = 40 * (1 + np.sin(2 * np.pi * 5 * steps))
    expected = 2000 * np.add.reduceat(rate * 1e-4, np.arange(0, 2000, 200))
    assert np.all(np.abs(counts - expected) < 5 * np.sqrt(expected) + 1)
    assert counts.argmax() in (1, 2) and counts.argmin() in (7, 8)


def test_a_rate_expression_of_i_and_of_a_timed_array():
    start_scope()
    seed(14)
    stim = TimedArray([0, 100] * Hz, dt=50 * ms)
    P = PoissonGroup(400, "stim(t) * (i >= 200)")
    spikes = SpikeMonitor(P)
    run(100 * ms)
    assert np.all(spikes.i >= 200)
    assert np.all(spikes.t >= 50 * ms)
    # 200 neurons x 5 expected spikes: standard error 32
    assert spikes.num_spikes == pytest.approx(1000, abs=150)


def test_subgroups_of_a_poisson_group():
    start_scope()
    seed(15)
    P = PoissonGroup(10, np.array([0] * 5 + [1000] * 5) * Hz)
    spikes = SpikeMonitor(P[5:])
    run(10 * ms)
    assert spikes.num_spikes > 50 and spikes.i.max() < 5


def test_bad_rates_are_refused():
    start_scope()
    with pytest.raises(DimensionMismatchError, match="rates must be in Hz"):
        PoissonGroup(10, 5 * mV)
    with pytest.raises(DimensionMismatchError, match="rates must be in Hz"):
        PoissonGroup(10, 5)
    with pytest.raises(GroupError, match="one rate or 10 rates"):
        PoissonGroup(10, np.ones(3) * Hz)
    with pytest.raises(GroupError, match="not negative"):
        PoissonGroup(2, [-1, 1] * Hz)
    with pytest.raises(GroupError, match="N >= 1"):
        PoissonGroup(0, 1 * Hz)
    with pytest.raises(GroupError, match="read-only"):
        PoissonGroup(2, "5*Hz", name="expr_rates").rates = 3 * Hz


def test_a_rate_expression_in_the_wrong_units_is_an_error_at_run_time():
    start_scope()
    P = PoissonGroup(10, "5 * mV", name="poisson_mv")
    with pytest.raises(DimensionMismatchError, match="poisson_mv: rates='5 \\* mV'.*Hz"):
        run(1 * ms)
    start_scope()
    P = PoissonGroup(10, "rate_not_defined", name="poisson_unknown")
    with pytest.raises(EquationError, match="rate_not_defined"):
        run(1 * ms)
    assert P.N == 10


def test_a_subgroup_drives_synapses_spike_for_spike():
    start_scope()
    seed(16)
    P = PoissonGroup(100, 200 * Hz)
    H = NeuronGroup(1, "v : 1")
    S = Synapses(P[:50], H, on_pre="v += 1")
    S.connect()
    spikes = SpikeMonitor(P[:50])
    run(20 * ms)
    assert spikes.num_spikes > 0 and H.v[0] == spikes.num_spikes
