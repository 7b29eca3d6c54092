"""axonal.analysis against closed forms: Poisson and regular trains, shifted copies, traces."""

import numpy as np
import pytest

from axonal import ms, second
from axonal.analysis import (
    AnalysisError,
    correlogram,
    fano_factor,
    firing_rates,
    gamma_factor,
    isi,
    isi_cv,
    isi_histogram,
    population_rate,
    spike_counts,
    spike_trains,
    synchrony_chi,
)

RNG_SEED = 20260


def poisson_trains(rate_hz, duration_s, count, seed=RNG_SEED):
    rng = np.random.default_rng(seed)
    return [
        np.sort(rng.uniform(0, duration_s, rng.poisson(rate_hz * duration_s))) * second
        for _ in range(count)
    ]


def regular_train(period_s, duration_s, phase_s=0.0):
    return (np.arange(phase_s, duration_s, period_s)) * second


def test_poisson_cv_and_fano_are_one():
    trains = poisson_trains(50, 20, 40)  # 1000 spikes per train
    cvs = isi_cv(trains)
    # CV of n exponential intervals: standard error about 1/sqrt(n)
    assert abs(np.mean(cvs) - 1) < 3 / np.sqrt(40 * 1000)
    fano = fano_factor(trains, window=100 * ms, t_stop=20 * second)
    assert abs(np.mean(fano) - 1) < 0.05  # 40 neurons x 200 windows
    # across trains (trials): counts are Poisson too
    many = poisson_trains(20, 1, 4000, seed=3)
    assert fano_factor(many, t_stop=1 * second) == pytest.approx(1, abs=3 * np.sqrt(2 / 4000))


def test_regular_train_cv_and_fano_are_zero():
    train = regular_train(0.01, 2.0, phase_s=0.003)
    assert isi_cv([train])[0] == pytest.approx(0, abs=1e-9)
    # windows of a whole number of periods each hold the same count
    counts = spike_counts([train], 50 * ms, t_stop=2 * second)
    assert np.all(counts == 5)
    assert fano_factor([train], window=50 * ms, t_stop=2 * second)[0] == pytest.approx(0)


def test_isi_and_its_distribution():
    trains = poisson_trains(40, 50, 4)
    intervals = isi(trains)
    assert [len(x) for x in intervals] == [len(t) - 1 for t in trains]
    assert np.allclose(np.asarray(intervals[0]), np.diff(np.asarray(trains[0])))
    edges, density = isi_histogram(trains, bin=5 * ms, max_isi=100 * ms)
    centres = (np.asarray(edges[:-1]) + np.asarray(edges[1:])) / 2
    expected = 40 * np.exp(-40 * centres)  # exponential density of a Poisson process
    # 8000 intervals: each bin's count is Poisson, so compare within 4 standard errors
    errors = np.sqrt(expected * 8000 * 0.005) / (8000 * 0.005)
    assert np.all(np.abs(np.asarray(density) - expected) < 4 * errors + 1e-9)
    assert isi_cv([np.array([0.1]) * second])[0] != isi_cv([np.array([0.1]) * second])[0]


def test_firing_rates_and_population_rate():
    trains = poisson_trains(30, 10, 50)
    rates = firing_rates(trains, t_stop=10 * second)
    assert np.allclose(np.asarray(rates), [len(t) / 10 for t in trains])
    times, rate = population_rate(trains, bin=1 * ms, width=50 * ms, t_stop=10 * second)
    assert len(times) == 10000 and float(times[1] - times[0]) == pytest.approx(1e-3)
    # away from the edges the smoothed rate keeps the mean; the raw one sums to the spikes
    inner = np.asarray(rate)[500:-500]
    assert np.mean(inner) == pytest.approx(30, rel=0.03)
    _, raw = population_rate(trains, bin=1 * ms, t_stop=10 * second)
    assert np.sum(np.asarray(raw)) * 1e-3 * 50 == pytest.approx(sum(len(t) for t in trains))


def test_population_rate_of_one_spike_is_the_window():
    train = [np.array([0.5]) * second]
    _, rate = population_rate(train, bin=1 * ms, width=10 * ms, t_stop=1 * second)
    rate = np.asarray(rate)
    assert np.argmax(rate) == 500
    assert rate.sum() * 1e-3 == pytest.approx(1.0)  # one spike, integrated over time
    offsets = (np.arange(1000) - 500) * 1e-3
    expected = np.exp(-0.5 * (offsets / 0.01) ** 2) / (np.sqrt(2 * np.pi) * 0.01)
    assert np.allclose(rate, expected, atol=1e-3 * expected.max())
    _, flat = population_rate(train, bin=1 * ms, width=11 * ms, window="flat", t_stop=1 * second)
    assert np.count_nonzero(np.asarray(flat)) == 11


def test_correlogram_of_a_shifted_copy_peaks_at_the_shift():
    train = poisson_trains(20, 50, 1)[0]
    shifted = train + 3 * ms
    lags, counts = correlogram(train, shifted, bin=1 * ms, window=20 * ms)
    assert len(lags) == 41 and float(lags[20]) == 0
    # every pair, counted by brute force: the copy adds exactly one pair per spike at +3 ms
    a, b = np.asarray(train), np.asarray(shifted)
    differences = (b[None, :] - a[:, None]).ravel()
    edges = (np.arange(-20, 22) - 0.5) * 1e-3
    brute, _ = np.histogram(differences, bins=edges)
    assert np.array_equal(counts, brute)
    assert np.argmax(counts) == 23
    chance = np.delete(counts, 23).mean()
    assert abs(counts[23] - chance - len(train)) < 5 * np.sqrt(chance)


def test_auto_correlogram_of_poisson_is_flat_and_of_regular_peaks_at_the_period():
    train = poisson_trains(50, 200, 1)[0]  # 10 000 spikes
    lags, rate = correlogram(train, bin=2 * ms, window=40 * ms, normalise="rate")
    rate = np.asarray(rate)
    # flat at the rate, the zero-lag bin too: each spike's pairing with itself is left out
    expected_error = np.sqrt(50 * 0.002 * 10000) / (10000 * 0.002)
    assert np.all(np.abs(rate - 50) < 5 * expected_error)
    regular = regular_train(0.01, 1.0)
    lags, counts = correlogram(regular, bin=1 * ms, window=25 * ms)
    peaks = np.flatnonzero(counts)
    assert np.allclose(np.asarray(lags[peaks]), [-0.02, -0.01, 0.01, 0.02])
    assert list(counts[peaks]) == [98, 99, 99, 98]


def test_gamma_factor_closed_forms():
    data = poisson_trains(10, 20, 1)[0]
    delta = 2 * ms
    assert gamma_factor(data, data, delta) == pytest.approx(1.0)
    # a model whose spikes all miss the data (regular, 50 ms off): only the chance term
    regular = regular_train(0.1, 20.0)
    far = regular + 50 * ms
    rate = len(far) / 20.0
    expected = -2 * rate * 0.002 * len(regular) / (len(regular) * (1 - 2 * rate * 0.002))
    assert gamma_factor(far, regular, delta, t_stop=20 * second) == pytest.approx(expected)
    # independent Poisson models: 0 on average
    models = poisson_trains(10, 20, 400, seed=9)
    gammas = gamma_factor(models, data, delta, t_start=0 * second, t_stop=20 * second)
    assert gammas.shape == (400,)
    assert abs(np.mean(gammas)) < 4 * np.std(gammas) / np.sqrt(400)
    # half the data spikes, exactly: N_coinc = N_model = N/2
    half = data[::2]
    n, nm = len(data), len(half)
    chance = 2 * nm / 20 * 0.002
    expected_half = (nm - chance * n) / (0.5 * (n + nm) * (1 - chance))
    assert gamma_factor(half, data, delta, t_stop=20 * second) == pytest.approx(expected_half)


def test_gamma_factor_counts_each_model_spike_once():
    data = np.array([0.100, 0.101]) * second
    model = np.array([0.1005]) * second  # within 2 ms of both data spikes
    value = gamma_factor(model, data, 2 * ms, t_stop=1 * second)
    chance = 2 * 1 * 0.002
    assert value == pytest.approx((1 - chance * 2) / (0.5 * 3 * (1 - chance)))


def test_synchrony_chi():
    t = np.linspace(0, 1, 1000)
    same = np.tile(np.sin(2 * np.pi * 5 * t), (10, 1))
    assert synchrony_chi(same) == pytest.approx(1.0)
    opposite = np.vstack([np.sin(2 * np.pi * 5 * t), -np.sin(2 * np.pi * 5 * t)])
    assert synchrony_chi(opposite) == pytest.approx(0.0, abs=1e-12)
    noise = np.random.default_rng(4).normal(size=(100, 20000))
    assert synchrony_chi(noise) == pytest.approx(0.1, rel=0.05)  # 1/sqrt(N)
    # identical spike trains smooth into identical traces; independent ones do not
    train = poisson_trains(20, 5, 1)[0]
    assert synchrony_chi([train] * 5, width=5 * ms, bin=1 * ms) == pytest.approx(1.0)
    independent = poisson_trains(20, 5, 50)
    assert synchrony_chi(independent, width=5 * ms, bin=1 * ms) < 0.3


def test_bad_input_is_named():
    with pytest.raises(AnalysisError, match="units of time"):
        isi_cv([np.array([0.1, 0.2])])
    with pytest.raises(AnalysisError, match="must be a time"):
        population_rate(poisson_trains(5, 1, 2), bin=3)
    with pytest.raises(AnalysisError, match="give bin="):
        population_rate(poisson_trains(5, 1, 2))
    with pytest.raises(AnalysisError, match="observation window is empty"):
        spike_trains([np.array([0.5]) * second], t_start=1 * second, t_stop=1 * second)
    with pytest.raises(AnalysisError, match="too wide"):
        gamma_factor(poisson_trains(100, 1, 1)[0], poisson_trains(5, 1, 1)[0], 10 * ms)
    with pytest.raises(AnalysisError, match="data must be one train"):
        gamma_factor(poisson_trains(5, 1, 1)[0], poisson_trains(5, 1, 2), 1 * ms)


def test_synchrony_chi_of_a_state_monitor_names_the_variable_it_needs():
    """chi of a StateMonitor's traces equals chi of the same array; with two recorded
    variables the monitor says which exist (StateMonitor.recorded_variable, as plot_state)."""
    from axonal import Network, NeuronGroup, StateMonitor

    group = NeuronGroup(
        4, "dv/dt = (sin(2*pi*5*Hz*t + phase) - v)/(2*ms) : 1\nphase : 1\nw : 1", method="euler"
    )
    group.phase = [0, 0.2, 0.4, 3.0]
    monitor = StateMonitor(group, ["v", "w"], record=True)
    Network(group, monitor).run(200 * ms)
    assert synchrony_chi(monitor, "v") == pytest.approx(synchrony_chi(monitor.v_))
    assert 0.2 < synchrony_chi(monitor, "v") < 0.9
    with pytest.raises(ValueError, match=r"synchrony_chi: .* records \['v', 'w'\]; say which"):
        synchrony_chi(monitor)
    with pytest.raises(ValueError, match="synchrony_chi: .* does not record 'u'"):
        synchrony_chi(monitor, "u")
