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
    bin_s: float = 0.0001,
    min_hz: float = 10.0,
) -> dict:
    """Peak of the power spectrum of the population rate (bins of bin_s) in [start_s, stop_s)."""
    times = np.asarray(spike_times_s)
    n_bins = int(round((stop_s - start_s) / bin_s))
    counts, _ = np.histogram(times, bins=n_bins, range=(start_s, stop_s))
    rate = counts / (n_neurons * bin_s)
    power = np.abs(np.fft.rfft(rate - rate.mean())) ** 2
    frequencies = np.fft.rfftfreq(n_bins, d=bin_s)
    usable = frequencies >= min_hz
    peak = np.argmax(power[usable])
    return {"peak_hz": float(frequencies[usable][peak]), "resolution_hz": float(frequencies[1])}
