"""Spike-train variability: inter-spike intervals, their CV, and the Fano factor of counts."""

from __future__ import annotations

import numpy as np

from axonal.analysis.trains import (
    AnalysisError,
    optional_seconds,
    rate_quantity,
    seconds,
    spike_trains,
    time_quantity,
)


def isi(source, pooled: bool = False):
    """The inter-spike intervals of each neuron (a list of quantities), or of all neurons in
    one quantity when ``pooled``."""
    intervals = [np.diff(train) for train in spike_trains(source, what="isi").trains]
    if pooled:
        return time_quantity(np.concatenate(intervals) if intervals else np.zeros(0))
    return [time_quantity(values) for values in intervals]


def isi_histogram(source, bin, max_isi=None):
    """The distribution of all neurons' inter-spike intervals: ``(edges, density)``.

    ``edges`` (a time quantity, one more than the bins) from 0 in steps of ``bin`` up to
    ``max_isi`` (default: the longest interval); ``density`` (in Hz) integrates to the fraction
    of intervals inside the range, so for a Poisson train of rate r it follows r*exp(-r*t).
    """
    bin_s = seconds(bin, "isi_histogram: bin")
    if bin_s <= 0:
        raise AnalysisError("isi_histogram: bin must be positive")
    intervals = np.asarray(isi(source, pooled=True))
    top = optional_seconds(max_isi, "isi_histogram: max_isi")
    if top is None:
        top = float(intervals.max()) if intervals.size else bin_s
    edges = np.arange(0.0, top + bin_s * (1 - 1e-9), bin_s)
    if len(edges) < 2:
        edges = np.array([0.0, bin_s])
    counts, _ = np.histogram(intervals, bins=edges)
    density = counts / (max(intervals.size, 1) * bin_s)
    return time_quantity(edges), rate_quantity(density)


def isi_cv(source, min_intervals: int = 2) -> np.ndarray:
    """Each neuron's coefficient of variation of its inter-spike intervals (standard deviation
    over mean, as elephant.statistics.cv); NaN for neurons with fewer than ``min_intervals``.

    1 for a Poisson train, 0 for a regular one.
    """
    if min_intervals < 1:
        raise AnalysisError(f"isi_cv: min_intervals must be at least 1, not {min_intervals}")
    trains = spike_trains(source, what="isi_cv").trains
    cvs = np.full(len(trains), np.nan)
    for index, train in enumerate(trains):
        if len(train) > min_intervals:
            intervals = np.diff(train)
            cvs[index] = intervals.std() / intervals.mean()
    return cvs


def spike_counts(source, window, t_start=None, t_stop=None) -> np.ndarray:
    """Spike counts in consecutive windows of ``window``: neurons x windows (a last partial
    window is left out)."""
    trains = spike_trains(source, t_start, t_stop, "spike_counts")
    width = seconds(window, "spike_counts: window")
    windows = int(np.floor(trains.duration / width + 1e-9))
    if windows < 1:
        raise AnalysisError(
            f"spike_counts: the window ({width} s) is longer than the spike trains "
            f"({trains.duration} s)"
        )
    counts = np.zeros((len(trains), windows), dtype=np.int64)
    for index, train in enumerate(trains.trains):
        slots = np.floor((train - trains.t_start) / width + 1e-9).astype(np.int64)
        counts[index] = np.bincount(slots[slots < windows], minlength=windows)
    return counts


def fano_factor(source, window=None, t_start=None, t_stop=None):
    """The Fano factor: the variance of spike counts over their mean.

    Without ``window``: across the trains (each train one trial of the same neuron, as
    elephant.statistics.fano_factor), one number. With ``window`` (a time): for each neuron,
    across consecutive windows of that length, an array (NaN for a neuron that never fired).
    1 for Poisson trains; 0 for a regular train counted in windows of a whole number of
    periods.
    """
    if window is None:
        counts = spike_trains(source, t_start, t_stop, "fano_factor").counts()
        mean = counts.mean()
        return float(counts.var() / mean) if mean > 0 else float("nan")
    counts = spike_counts(source, window, t_start, t_stop)
    mean = counts.mean(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(mean > 0, counts.var(axis=1) / mean, np.nan)
