"""axonal.analysis on a simulated network's SpikeMonitor against elephant on the same trains
(converted with monitor.to_neo()), and elephant-backed statistics against closed forms."""

import warnings

import numpy as np
import pytest

import axonal
from axonal import (
    NeuronGroup,
    SpikeMonitor,
    ms,
    run,
    second,
)
from axonal.analysis import (
    correlation_coefficients,
    correlogram,
    fano_factor,
    firing_rates,
    isi_cv,
    population_rate,
    spike_time_tiling_coefficient,
    van_rossum_distance,
)

pq = pytest.importorskip("quantities")
elephant_statistics = pytest.importorskip("elephant.statistics")
from elephant import kernels  # noqa: E402
from elephant.conversion import BinnedSpikeTrain  # noqa: E402
from elephant.spike_train_correlation import cross_correlation_histogram  # noqa: E402


@pytest.fixture(scope="module")
def network_spikes(request):
    """Noisy LIF neurons (500 ms, on the session's target): irregular trains of a few tens of
    spikes each."""
    from axonal.codegen.targets import current_target, set_target

    previous = current_target()
    set_target(request.config.getoption("--target"))
    axonal.start_scope()
    axonal.seed(11)
    group = NeuronGroup(
        40,
        "dv/dt = (1.1 - v)/(10*ms) + 0.4*xi/sqrt(10*ms) : 1",
        threshold="v > 1",
        reset="v = 0",
        refractory=2 * ms,
        method="euler",
    )
    monitor = SpikeMonitor(group)
    try:
        run(500 * ms)
    finally:
        set_target(previous)
    return monitor


def neo_trains(monitor):
    return monitor.to_neo().segments[0].spiketrains


def test_rates_cv_and_fano_match_elephant(network_spikes):
    trains = neo_trains(network_spikes)
    assert len(trains) == 40 and network_spikes.num_spikes > 400
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected_rates = [
            float(elephant_statistics.mean_firing_rate(t).rescale("Hz")) for t in trains
        ]
        expected_cv = [
            elephant_statistics.cv(elephant_statistics.isi(t)) if len(t) > 2 else np.nan
            for t in trains
        ]
        expected_fano = elephant_statistics.fanofactor(trains)
    assert np.allclose(np.asarray(firing_rates(network_spikes)), expected_rates)
    assert np.allclose(isi_cv(network_spikes), expected_cv, equal_nan=True)
    assert fano_factor(network_spikes) == pytest.approx(expected_fano)


def test_population_rate_matches_elephant(network_spikes):
    trains = neo_trains(network_spikes)
    times, rate = population_rate(network_spikes, bin=1 * ms, width=5 * ms)
    expected = elephant_statistics.instantaneous_rate(
        trains,
        sampling_period=1 * pq.ms,
        kernel=kernels.GaussianKernel(5 * pq.ms),
        pool_spike_trains=True,
    )
    expected = np.asarray(expected.magnitude).ravel()
    assert len(times) == len(expected) == 500
    # elephant places the spikes at their exact times, we at their 1 ms bin: 1e-3 relative
    inner = slice(25, -25)
    assert np.allclose(np.asarray(rate)[inner], expected[inner], rtol=2e-2, atol=1e-3 * 40)
    assert np.mean(np.asarray(rate)[inner]) == pytest.approx(np.mean(expected[inner]), rel=1e-2)


def test_correlogram_matches_elephant_on_grid_trains(network_spikes):
    # spike times are on the 0.1 ms grid: binned at dt, elephant counts the same lags
    dt = 0.1 * ms
    first, second_train = network_spikes.spike_trains()[0], network_spikes.spike_trains()[1]
    lags, counts = correlogram(first, second_train, bin=dt, window=5 * ms, t_stop=500 * ms)
    trains = neo_trains(network_spikes)
    binned = [BinnedSpikeTrain(t, bin_size=0.1 * pq.ms) for t in trains[:2]]
    histogram, elephant_lags = cross_correlation_histogram(binned[0], binned[1], window=[-50, 50])
    assert np.array_equal(np.round(np.asarray(lags) / 1e-4), np.asarray(elephant_lags))
    assert np.array_equal(counts, np.asarray(histogram.magnitude).ravel().astype(int))


def test_correlation_coefficients_are_pearson_of_binned_counts(network_spikes):
    matrix = correlation_coefficients(network_spikes, bin=5 * ms)
    counts = np.zeros((40, 100))
    indices, times = network_spikes.it_
    np.add.at(counts, (indices, np.floor(times / 5e-3 + 1e-6).astype(int)), 1)
    assert np.allclose(matrix, np.corrcoef(counts), equal_nan=True)
    same = [network_spikes.spike_trains()[3]] * 2
    assert np.allclose(correlation_coefficients(same, bin=5 * ms, t_stop=0.5 * second), 1)


def test_van_rossum_distance_closed_forms():
    tau = 10 * ms
    one, other = np.array([0.1]) * second, np.array([0.105]) * second
    assert van_rossum_distance(one, other, tau=tau, t_stop=1 * second) == pytest.approx(
        np.sqrt(2 * (1 - np.exp(-0.5))), rel=1e-6
    )
    three, empty = np.array([0.1, 0.4, 0.7]) * second, np.zeros(0) * second
    matrix = van_rossum_distance([three, empty], tau=tau, t_stop=1 * second)
    assert matrix[0, 1] == pytest.approx(np.sqrt(3), rel=1e-6)  # sqrt(n) from an empty train


def test_sttc_closed_forms():
    train = np.array([0.1, 0.3, 0.5]) * second
    apart = np.array([0.2, 0.4]) * second
    dt = 10 * ms
    assert spike_time_tiling_coefficient(train, train, dt=dt, t_stop=1 * second) == (
        pytest.approx(1.0)
    )
    # no spike within dt of the other train: STTC = -(T_A + T_B)/2, T the tiled fraction
    tiled_a, tiled_b = 3 * 2 * 0.01 / 1.0, 2 * 2 * 0.01 / 1.0
    value = spike_time_tiling_coefficient(
        train, apart, dt=dt, t_start=0 * second, t_stop=1 * second
    )
    assert value == pytest.approx(-(tiled_a + tiled_b) / 2)
    matrix = spike_time_tiling_coefficient([train, apart], dt=dt, t_stop=1 * second)
    assert matrix.shape == (2, 2) and matrix[0, 1] == pytest.approx(value)
    assert np.allclose(np.diag(matrix), 1)
