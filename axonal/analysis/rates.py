"""Firing rates: per neuron over a window, and the population's rate over time (kernel-smoothed)."""

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

# A Gaussian window reaches this many standard deviations each side (the rest is < 1e-4).
GAUSSIAN_REACH = 4


def firing_rates(source, t_start=None, t_stop=None):
    """Each neuron's mean firing rate (spikes / duration) over ``[t_start, t_stop)``, in Hz."""
    trains = spike_trains(source, t_start, t_stop, "firing_rates")
    return rate_quantity(trains.counts() / trains.duration)


def smoothing_window(dt: float, width: float, window: str, what: str) -> np.ndarray:
    """The normalised window smoothing a signal sampled every ``dt`` seconds.

    'gaussian': ``width`` is the standard deviation (reaching 4 of them each side);
    'flat': ``width`` is the full width (an odd number of samples); 'exponential': a causal
    decay with time constant ``width`` (reaching 5 of them), so that each spike only raises
    the rate after it.
    """
    if width <= 0:
        raise AnalysisError(f"{what}: the width must be positive, not {width} s")
    if window == "gaussian":
        half = max(1, int(np.ceil(GAUSSIAN_REACH * width / dt)))
        offsets = np.arange(-half, half + 1) * dt
        weights = np.exp(-0.5 * (offsets / width) ** 2)
    elif window == "flat":
        samples = max(1, int(round(width / dt)))
        weights = np.ones(samples + 1 - samples % 2)  # odd, to stay centred
    elif window == "exponential":
        reach = max(1, int(np.ceil(5 * width / dt)))
        weights = np.concatenate([np.zeros(reach), np.exp(-np.arange(reach + 1) * dt / width)])
    else:
        raise AnalysisError(
            f"{what}: window must be 'gaussian', 'flat' or 'exponential', not {window!r}"
        )
    return weights / weights.sum()


def smooth_signal(values: np.ndarray, dt: float, width, window: str, what: str) -> np.ndarray:
    """``values`` (sampled every ``dt`` seconds) convolved with a normalised window of
    ``width`` (a time); the ends are not corrected (the signal is taken as 0 outside)."""
    weights = smoothing_window(dt, seconds(width, what), window, what)
    if len(weights) > 2 * len(values) + 1:
        # np.convolve(mode='same') would return the window's length: cut it to what matters.
        middle = len(weights) // 2
        weights = weights[middle - len(values) : middle + len(values) + 1]
    return np.convolve(values, weights, mode="same")


def population_rate(
    source, bin=None, width=None, window: str = "gaussian", t_start=None, t_stop=None
):
    """The population's rate over time: spikes per neuron per second in bins of ``bin``,
    smoothed with a ``window`` of ``width`` when given. Returns ``(t, rate)`` (quantities;
    ``t`` the start of each bin).

    ``bin`` defaults to a monitor's time step. The rate is the mean over all neurons of
    ``source``, silent ones included: for N independent Poisson neurons of rate r it is r.
    """
    what = "population_rate"
    trains = spike_trains(source, t_start, t_stop, what)
    bin_s = optional_seconds(bin, f"{what}: bin")
    if bin_s is None:
        clock = getattr(source, "clock", None)
        if clock is None:
            raise AnalysisError(f"{what}: give bin= (a time) for spike trains without a clock")
        bin_s = float(clock.dt_)
    if bin_s <= 0:
        raise AnalysisError(f"{what}: bin must be positive")
    steps = int(np.ceil(trains.duration / bin_s - 1e-9))
    edges_index = np.floor((trains.pooled() - trains.t_start) / bin_s + 1e-6).astype(np.int64)
    counts = np.bincount(np.clip(edges_index, 0, steps - 1), minlength=steps)
    rates = counts / (len(trains) * bin_s)
    if width is not None:
        rates = smooth_signal(rates, bin_s, width, window, f"{what}(width=...)")
    times = trains.t_start + np.arange(steps) * bin_s
    return time_quantity(times), rate_quantity(rates)
