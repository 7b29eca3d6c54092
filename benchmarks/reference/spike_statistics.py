"""Summary statistics of a spike train recording: rate, active fraction, ISI CV, oscillation."""

import numpy as np


def firing_statistics(spike_indices, spike_times_s, n_neurons: int, duration_s: float) -> dict:
    """Mean rate, fraction of neurons that spiked, mean ISI CV over neurons with >= 3 spikes."""
    spike_indices = np.asarray(spike_indices)
    spike_times_s = np.asarray(spike_times_s)
    counts = np.bincount(spike_indices, minlength=n_neurons)
    order = np.lexsort((spike_times_s, spike_indices))  # by neuron, then by time
    trains = np.split(spike_times_s[order], np.cumsum(counts)[:-1])
    cvs = []
    for train in trains:
        if len(train) >= 3:
            isi = np.diff(train)
            cvs.append(isi.std() / isi.mean())
    return {
        "spikes": int(counts.sum()),
        "mean_rate_hz": float(counts.sum() / (n_neurons * duration_s)),
        "fraction_active": float(np.count_nonzero(counts) / n_neurons),
        "cv_isi": float(np.mean(cvs)) if cvs else float("nan"),
        "neurons_in_cv": len(cvs),
    }


def oscillation_frequency(
    spike_times_s,
    n_neurons: int,
    start_s: float,
    stop_s: float,
    segment_s: float = 0.2,
    bin_s: float = 0.0001,
    min_hz: float = 10.0,
) -> dict:
    """Peak of the population rate's power spectrum in [start_s, stop_s) (Welch: half-overlapping
    segments of segment_s, Hann window; resolution 1/segment_s)."""
    times = np.asarray(spike_times_s)
    n_bins = int(round((stop_s - start_s) / bin_s))
    counts, _ = np.histogram(times, bins=n_bins, range=(start_s, stop_s))
    rate = counts / (n_neurons * bin_s)
    segment = int(round(segment_s / bin_s))
    window = np.hanning(segment)
    starts = range(0, n_bins - segment + 1, segment // 2)
    power = np.mean(
        [
            np.abs(np.fft.rfft((rate[s : s + segment] - rate[s : s + segment].mean()) * window))
            ** 2
            for s in starts
        ],
        axis=0,
    )
    frequencies = np.fft.rfftfreq(segment, d=bin_s)
    usable = frequencies >= min_hz
    peak = int(np.argmax(power[usable]))
    # Parabolic interpolation of the log power around the peak refines the estimate.
    log_power = np.log(power[usable] + 1e-30)
    offset = 0.0
    if 0 < peak < len(log_power) - 1:
        left, centre, right = log_power[peak - 1 : peak + 2]
        offset = 0.5 * (left - right) / (left - 2 * centre + right)
    step = frequencies[1]
    return {
        "peak_hz": float(frequencies[usable][peak] + offset * step),
        "resolution_hz": float(step),
        "segments": len(starts),
    }
