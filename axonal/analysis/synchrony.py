"""Spike timing precision and population synchrony: the gamma factor and the measure chi.

Neither is in elephant, so both are computed here from their published definitions.
"""

from __future__ import annotations

import numpy as np

from axonal.analysis.rates import smoothing_window
from axonal.analysis.trains import AnalysisError, seconds, spike_trains


def coincidences(model: np.ndarray, data: np.ndarray, delta: float) -> int:
    """How many spikes of ``data`` have a spike of ``model`` within ``delta`` (seconds), each
    model spike matched to at most one data spike (the largest such matching)."""
    count = i = j = 0
    while i < len(data) and j < len(model):
        if model[j] < data[i] - delta:
            j += 1  # too early for this data spike, so for every later one
        elif model[j] > data[i] + delta:
            i += 1  # this data spike has no partner left
        else:
            count, i, j = count + 1, i + 1, j + 1
    return count


def _gamma(model: np.ndarray, data: np.ndarray, delta: float, duration: float) -> float:
    n_model, n_data = len(model), len(data)
    if n_model + n_data == 0:
        return float("nan")
    model_rate = n_model / duration
    chance = 2 * model_rate * delta  # the chance that a data spike meets a Poisson model spike
    if chance >= 1:
        raise AnalysisError(
            f"gamma_factor: delta ({delta} s) is too wide for a model firing at "
            f"{model_rate:.3g} Hz (2*rate*delta = {chance:.3g} must stay below 1)"
        )
    expected = chance * n_data
    return (coincidences(model, data, delta) - expected) / (0.5 * (n_model + n_data) * (1 - chance))


def gamma_factor(model, data, delta, t_start=None, t_stop=None):
    """The coincidence factor Gamma of Kistler et al. (1997) as defined by Jolivet et al. (2008):
    the coincidences of ``model`` spikes with ``data`` spikes within ``delta``, less those a
    Poisson train at the model's rate would have by chance, over the mean spike count::

        Gamma = (N_coinc - 2 nu delta N_data) / (0.5 (N_data + N_model) (1 - 2 nu delta))

    with nu the model's rate. 1 for identical trains, 0 on average for a Poisson model.
    ``data`` is one train; ``model`` one train (a number back) or several, e.g. the
    SpikeMonitor of neurons fitted to the data (one Gamma per neuron). Without ``t_start``/
    ``t_stop`` the duration is the model's (a monitor's run) or the span of both trains.
    """
    delta_s = seconds(delta, "gamma_factor: delta")
    if delta_s <= 0:
        raise AnalysisError("gamma_factor: delta must be positive")
    models = spike_trains(model, t_start, t_stop, "gamma_factor(model)")
    data_trains = spike_trains(data, t_start, t_stop, "gamma_factor(data)")
    if len(data_trains) != 1:
        raise AnalysisError(f"gamma_factor: data must be one train, not {len(data_trains)}")
    start = min(models.t_start, data_trains.t_start)
    stop = max(models.t_stop, data_trains.t_stop)
    observed = data_trains.trains[0]
    gammas = np.array([_gamma(m, observed, delta_s, stop - start) for m in models.trains])
    single = len(models) == 1 and not hasattr(model, "it_")
    return float(gammas[0]) if single else gammas


def _traces(source, variable, width, bin, what: str) -> np.ndarray:
    """Traces (elements x samples) from a StateMonitor variable, an array, or spike trains
    smoothed with a Gaussian of ``width`` sampled every ``bin``."""
    if hasattr(source, "record_variables") and hasattr(source, "t_"):  # a StateMonitor
        variable = source.recorded_variable(variable, what)
        return np.asarray(getattr(source, f"{variable}_"), dtype=float)
    if isinstance(source, np.ndarray) and source.ndim == 2:  # (a Quantity is an ndarray)
        return np.asarray(source, dtype=float)
    if width is None or bin is None:
        raise AnalysisError(
            f"{what}: from spike trains, give width= and bin= (times) to smooth them into traces"
        )
    trains = spike_trains(source, what=what)
    bin_s = seconds(bin, f"{what}: bin")
    steps = int(np.ceil(trains.duration / bin_s - 1e-9))
    weights = smoothing_window(bin_s, seconds(width, f"{what}: width"), "gaussian", what)
    traces = np.zeros((len(trains), steps))
    for row, train in enumerate(trains.trains):
        slots = np.floor((train - trains.t_start) / bin_s + 1e-6).astype(np.int64)
        counts = np.bincount(np.clip(slots, 0, steps - 1), minlength=steps)
        traces[row] = np.convolve(counts, weights, mode="same")
    return traces


def synchrony_chi(source, variable=None, width=None, bin=None) -> float:
    """The synchrony measure chi of Golomb (2007, Scholarpedia "Neuronal synchrony measures"):
    the standard deviation over time of the population-averaged trace, over the root mean
    square of the neurons' own standard deviations. 1 when all traces are the same, about
    1/sqrt(N) for N independent ones.

    ``source``: a StateMonitor (its ``variable``), a 2-D array (neurons x samples), or spike
    trains (a SpikeMonitor...), smoothed into traces with a Gaussian of ``width`` sampled
    every ``bin``.
    """
    traces = _traces(source, variable, width, bin, "synchrony_chi")
    if traces.ndim != 2 or traces.shape[0] < 2 or traces.shape[1] < 2:
        raise AnalysisError(
            f"synchrony_chi: needs at least 2 traces of at least 2 samples, got {traces.shape}"
        )
    each = traces.var(axis=1).mean()
    if each == 0:
        return float("nan")
    return float(np.sqrt(traces.mean(axis=0).var() / each))
