"""Spike trains from what a user has: a SpikeMonitor, times with units, or neo SpikeTrains.

Every statistic starts here: whatever it was given becomes ``SpikeTrains``, a list of sorted
float arrays in seconds with the interval ``[t_start, t_stop)`` they were observed over.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from axonal.units import Quantity, get_dimensions, second
from axonal.units.registry import get_unit

ANALYSIS_HINT = "pip install 'axonal[analysis]'"


class AnalysisError(ValueError):
    """A statistic was given something it cannot compute on; the message says what and why."""


@dataclass(frozen=True)
class SpikeTrains:
    """Spike times per neuron (seconds, sorted), observed over ``[t_start, t_stop)``."""

    trains: list[np.ndarray]
    t_start: float
    t_stop: float

    @property
    def duration(self) -> float:
        return self.t_stop - self.t_start

    def __len__(self) -> int:
        return len(self.trains)

    def counts(self) -> np.ndarray:
        return np.array([len(train) for train in self.trains], dtype=np.int64)

    def pooled(self) -> np.ndarray:
        return np.sort(np.concatenate(self.trains)) if self.trains else np.zeros(0)


def seconds(value, what: str) -> float:
    """A time quantity as plain seconds, with a clear error for anything else."""
    if get_dimensions(value) is not get_dimensions(second):
        raise AnalysisError(f"{what} must be a time (e.g. 5*ms), not {value!r}")
    return float(np.asarray(value))


def optional_seconds(value, what: str) -> float | None:
    return None if value is None else seconds(value, what)


def _times_of(values, what: str) -> np.ndarray:
    """One train's times in seconds: a Quantity in seconds or a neo SpikeTrain."""
    if hasattr(values, "rescale") and hasattr(values, "times"):  # neo SpikeTrain
        return np.asarray(values.times.rescale("s").magnitude, dtype=float)
    if get_dimensions(values) is not get_dimensions(second):
        unit = get_unit(get_dimensions(values)).dispname or "no unit"
        raise AnalysisError(
            f"{what}: spike times need units of time (e.g. times*ms); got values in {unit}"
        )
    return np.asarray(values, dtype=float).reshape(-1)


def _neo_window(train) -> tuple[float, float] | None:
    if hasattr(train, "t_start") and hasattr(train, "t_stop") and hasattr(train, "rescale"):
        return float(train.t_start.rescale("s").magnitude), float(
            train.t_stop.rescale("s").magnitude
        )
    return None


def spike_trains(source, t_start=None, t_stop=None, what: str = "spike trains") -> SpikeTrains:
    """``source`` as SpikeTrains.

    ``source``: a SpikeMonitor or EventMonitor (one train per neuron of its group, observed
    from 0 to the end of the last run), a dict or list of spike-time quantities (or neo
    SpikeTrains), or one quantity of spike times. ``t_start``/``t_stop`` (times) narrow or set
    the window; without them a list of times is observed from 0 to its last spike.
    """
    start = optional_seconds(t_start, f"{what}: t_start")
    stop = optional_seconds(t_stop, f"{what}: t_stop")
    if isinstance(source, SpikeTrains):
        trains, default = source.trains, (source.t_start, source.t_stop)
    elif hasattr(source, "it_") and hasattr(source, "source"):  # a monitor
        if not getattr(source, "record", True):
            raise AnalysisError(
                f"{what}: {source.name} was created with record=False and kept no spike times"
            )
        indices, times = source.it_
        order = np.lexsort((times, indices))
        bounds = np.searchsorted(indices[order], np.arange(source.source.N + 1))
        sorted_times = times[order]
        trains = [sorted_times[bounds[k] : bounds[k + 1]] for k in range(source.source.N)]
        default = (0.0, float(source.clock.t_))
    else:
        if isinstance(source, dict):
            keys = sorted(source)
            if keys != list(range(len(keys))):
                raise AnalysisError(f"{what}: a dict of trains needs the keys 0..N-1")
            items = [source[key] for key in keys]
        elif isinstance(source, Quantity) and np.ndim(source) <= 1:
            items = [source]
        elif isinstance(source, list | tuple):
            items = list(source)
        elif hasattr(source, "rescale") and hasattr(source, "times"):
            items = [source]
        else:
            raise AnalysisError(
                f"{what}: expected a SpikeMonitor, a list or dict of spike-time quantities, or "
                f"neo SpikeTrains, not {type(source).__name__}"
            )
        trains = [np.sort(_times_of(item, f"{what}[{k}]")) for k, item in enumerate(items)]
        windows = [w for w in map(_neo_window, items) if w is not None]
        if windows:
            default = (min(w[0] for w in windows), max(w[1] for w in windows))
        else:
            last = max((float(t[-1]) for t in trains if len(t)), default=0.0)
            default = (0.0, last)
    if not trains:
        raise AnalysisError(f"{what}: there are no spike trains (an empty list)")
    start = default[0] if start is None else start
    stop = default[1] if stop is None else stop
    if not stop > start:
        raise AnalysisError(
            f"{what}: the observation window is empty (t_start={start} s, t_stop={stop} s); "
            "give t_stop= after the last spike"
        )
    if (start, stop) != default:
        trains = [t[(t >= start) & (t < stop)] for t in trains]
    return SpikeTrains([np.asarray(t, dtype=float) for t in trains], start, stop)


def time_quantity(values) -> Quantity:
    return Quantity.with_dimensions(np.asarray(values, dtype=float), get_dimensions(second))


def rate_quantity(values) -> Quantity:
    return Quantity.with_dimensions(np.asarray(values, dtype=float), get_dimensions(second) ** -1)


def require_elephant(what: str):
    """The elephant package, or an ImportError saying how to install it."""
    try:
        import elephant  # noqa: F401
        import neo  # noqa: F401
        import quantities  # noqa: F401
    except ImportError:
        raise ImportError(f"{what} is computed by elephant: {ANALYSIS_HINT}") from None
    return elephant


def to_neo_trains(trains: SpikeTrains) -> list:
    """The trains as neo SpikeTrains (seconds), for elephant."""
    import neo
    import quantities as pq

    return [
        neo.SpikeTrain(train * pq.s, t_start=trains.t_start * pq.s, t_stop=trains.t_stop * pq.s)
        for train in trains.trains
    ]
