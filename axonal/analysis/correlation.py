"""Pairwise statistics: correlation coefficients, correlograms, van Rossum distance and STTC.

The correlation coefficients, the van Rossum distance and the spike time tiling coefficient are
elephant's (the trains converted to neo); the correlogram is computed here from the exact
differences between spike times (see ``correlogram``).
"""

from __future__ import annotations

import warnings

import numpy as np

from axonal.analysis.trains import (
    AnalysisError,
    SpikeTrains,
    rate_quantity,
    require_elephant,
    seconds,
    spike_trains,
    time_quantity,
    to_neo_trains,
)

# Pairs of spikes compared at once by the correlogram (bounds its memory).
_PAIRS_PER_CHUNK = 4_000_000


def correlation_coefficients(source, bin, t_start=None, t_stop=None) -> np.ndarray:
    """Pearson's correlation coefficients between the neurons' spike counts in bins of
    ``bin``: an N x N matrix (elephant.spike_train_correlation.correlation_coefficient).

    NaN in the rows and columns of neurons that never fired.
    """
    require_elephant("correlation_coefficients")
    import quantities as pq
    from elephant.conversion import BinnedSpikeTrain
    from elephant.spike_train_correlation import correlation_coefficient

    trains = spike_trains(source, t_start, t_stop, "correlation_coefficients")
    bin_s = seconds(bin, "correlation_coefficients: bin")
    binned = BinnedSpikeTrain(
        to_neo_trains(trains),
        bin_size=bin_s * pq.s,
        t_start=trains.t_start * pq.s,
        t_stop=trains.t_stop * pq.s,
    )
    silent = trains.counts() == 0
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # elephant warns on silent neurons
        matrix = np.array(correlation_coefficient(binned), dtype=float)
    matrix[silent, :] = np.nan
    matrix[:, silent] = np.nan
    return matrix


def correlogram(first, second=None, bin=None, window=None, t_start=None, t_stop=None,
                normalise: str = "count"):  # fmt: skip
    """The cross-correlogram of ``first`` and ``second`` (the auto-correlogram of ``first``
    when ``second`` is None): how often a spike of ``second`` follows one of ``first`` by each
    lag within ``[-window, window]``, in bins of ``bin`` centred on multiples of ``bin``.

    Each argument is one train or several (pooled, e.g. a SpikeMonitor: the population's
    correlogram). The auto-correlogram leaves out each spike's pairing with itself.
    ``normalise='count'`` gives pair counts; ``'rate'`` divides by the number of spikes of
    ``first`` and the bin, giving the rate of ``second`` conditioned on a spike of ``first``
    (for independent trains: ``second``'s rate). Returns ``(lags, values)``.

    Computed here rather than with elephant's cross_correlation_histogram, which bins both
    trains first: lags are then rounded to whole bins of each train, while this counts the
    exact differences of spike times (the two agree on trains whose times are on the bin grid).
    """
    if bin is None or window is None:
        raise AnalysisError("correlogram: give bin= and window= (times)")
    bin_s, window_s = seconds(bin, "correlogram: bin"), seconds(window, "correlogram: window")
    if bin_s <= 0 or window_s < 0:
        raise AnalysisError("correlogram: bin must be positive and window not negative")
    a = spike_trains(first, t_start, t_stop, "correlogram(first)")
    b = a if second is None else spike_trains(second, t_start, t_stop, "correlogram(second)")
    reference, target = a.pooled(), b.pooled()
    half = int(round(window_s / bin_s))
    counts = _lag_counts(reference, target, bin_s, half)
    if second is None:
        counts[half] -= len(reference)  # each spike paired with itself, at lag 0
    lags = time_quantity(np.arange(-half, half + 1) * bin_s)
    if normalise == "count":
        return lags, counts
    if normalise == "rate":
        return lags, rate_quantity(counts / (max(len(reference), 1) * bin_s))
    raise AnalysisError(f"correlogram: normalise must be 'count' or 'rate', not {normalise!r}")


def _lag_counts(reference: np.ndarray, target: np.ndarray, bin_s: float, half: int):
    """Counts of ``target - reference`` per lag bin ``-half..half`` (chunked over pairs)."""
    counts = np.zeros(2 * half + 1, dtype=np.int64)
    reach = (half + 0.5) * bin_s
    low = np.searchsorted(target, reference - reach, side="left")
    high = np.searchsorted(target, reference + reach, side="right")
    pairs = high - low
    start = 0
    cumulative = np.cumsum(pairs)
    while start < len(reference):
        done = cumulative[start - 1] if start else 0
        stop = int(np.searchsorted(cumulative, done + _PAIRS_PER_CHUNK, side="right"))
        stop = max(stop, start + 1)
        block = slice(start, stop)
        sizes = pairs[block]
        owners = np.repeat(np.arange(start, stop), sizes)
        offsets = np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        differences = target[np.repeat(low[block], sizes) + offsets] - reference[owners]
        index = np.rint(differences / bin_s).astype(np.int64) + half
        inside = (index >= 0) & (index <= 2 * half)
        counts += np.bincount(index[inside], minlength=2 * half + 1)
        start = stop
    return counts


def _pair_or_matrix(first, second, t_start, t_stop, what: str):
    """``(trains, pair)``: both arguments as one SpikeTrains (``pair`` True) or ``first`` alone."""
    if second is None:
        return spike_trains(first, t_start, t_stop, what), False
    a = spike_trains(first, t_start, t_stop, f"{what}(first)")
    b = spike_trains(second, t_start, t_stop, f"{what}(second)")
    if len(a) != 1 or len(b) != 1:
        raise AnalysisError(f"{what}: give two single trains, or one collection of trains")
    start, stop = min(a.t_start, b.t_start), max(a.t_stop, b.t_stop)
    return SpikeTrains([a.trains[0], b.trains[0]], start, stop), True


def van_rossum_distance(first, second=None, tau=None, t_start=None, t_stop=None):
    """The van Rossum (2001) distance with time constant ``tau``
    (elephant.spike_train_dissimilarity.van_rossum_distance): a number between two trains, a
    matrix between the trains of ``first`` when ``second`` is None. Two single spikes ``d``
    apart are ``sqrt(1 - exp(-d/tau))`` apart; a train of n spikes is ``sqrt(n/2)`` from an
    empty one.
    """
    require_elephant("van_rossum_distance")
    import quantities as pq
    from elephant.spike_train_dissimilarity import van_rossum_distance as elephant_distance

    if tau is None:
        raise AnalysisError("van_rossum_distance: give tau= (a time)")
    tau_s = seconds(tau, "van_rossum_distance: tau")
    trains, pair = _pair_or_matrix(first, second, t_start, t_stop, "van_rossum_distance")
    matrix = np.asarray(elephant_distance(to_neo_trains(trains), time_constant=tau_s * pq.s))
    return float(matrix[0, 1]) if pair else matrix


def spike_time_tiling_coefficient(first, second=None, dt=None, t_start=None, t_stop=None):
    """The spike time tiling coefficient of Cutts & Eglen (2014) within ``dt``
    (elephant.spike_train_correlation.spike_time_tiling_coefficient): 1 for identical trains,
    about 0 for independent ones; a number for two trains, a matrix for a collection.
    """
    require_elephant("spike_time_tiling_coefficient")
    import quantities as pq
    from elephant.spike_train_correlation import spike_time_tiling_coefficient as sttc

    if dt is None:
        raise AnalysisError("spike_time_tiling_coefficient: give dt= (a time)")
    dt_q = seconds(dt, "spike_time_tiling_coefficient: dt") * pq.s
    trains, pair = _pair_or_matrix(first, second, t_start, t_stop, "spike_time_tiling_coefficient")
    neo_trains = to_neo_trains(trains)
    if pair:
        return float(sttc(neo_trains[0], neo_trains[1], dt=dt_q))
    size = len(neo_trains)
    matrix = np.empty((size, size))
    for i in range(size):
        for j in range(i, size):
            matrix[i, j] = matrix[j, i] = sttc(neo_trains[i], neo_trains[j], dt=dt_q)
    return matrix
