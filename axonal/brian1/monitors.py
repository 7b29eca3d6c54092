"""Brian 1's monitors over axonal's: ``M.spikes`` as (i, t) pairs, ``M[i]`` and ``M.times``,
``rate`` in bins; and their reinit()."""

from __future__ import annotations

import copy

import numpy as np

from axonal.brian1.unsupported import Brian1Unsupported
from axonal.monitors import PopulationRateMonitor as AxonalPopulationRateMonitor
from axonal.monitors import SpikeMonitor as AxonalSpikeMonitor
from axonal.monitors import StateMonitor as AxonalStateMonitor
from axonal.units import Quantity, get_dimensions, ms, second

_SECOND = get_dimensions(second)


def _seconds(raw) -> Quantity:
    return Quantity.with_dimensions(np.asarray(raw, dtype=float), _SECOND)


class _Reinit:
    def _remember_empty(self) -> None:
        self._brian1_empty = copy.deepcopy(self.state_arrays())

    def reinit(self) -> None:
        """Brian 1's reinit(): forget what was recorded."""
        self.restore_arrays(copy.deepcopy(self._brian1_empty))


class SpikeMonitor(_Reinit, AxonalSpikeMonitor):
    """Brian 1's ``SpikeMonitor(source, record=True)``: ``M.spikes`` (a list of (i, t) pairs,
    t in seconds), ``M.nspikes``, ``M.spiketimes`` and ``M[i]`` (the spike times of neuron i)."""

    def __init__(self, source, record=True, delay=0, function=None, name=None):
        if function is not None:
            raise Brian1Unsupported(
                "SpikeMonitor(function=...) called on every spike",
                "Read M.spikes after the run, or use a network_operation that reads M.i and M.t.",
            )
        if delay:
            raise Brian1Unsupported(
                "SpikeMonitor(delay=...)", "Shift the recorded times: M.t + delay."
            )
        super().__init__(source, record=bool(record), name=name)
        self._remember_empty()

    @property
    def spikes(self) -> list[tuple[int, float]]:
        return list(zip(self.i.tolist(), self.t_.tolist(), strict=True))

    @property
    def nspikes(self) -> int:
        return self.num_spikes

    @property
    def spiketimes(self) -> dict[int, Quantity]:
        return {index: self[index] for index in range(len(self.source))}

    def __getitem__(self, index: int) -> Quantity:
        return _seconds(self.t_[self.i == index])


class StateMonitor(_Reinit, AxonalStateMonitor):
    """Brian 1's ``StateMonitor(P, 'v', record=...)``: ``M[i]`` the values of neuron i,
    ``M.times``, ``M.values`` (neurons x times), ``M.mean``/``M.var``/``M.std`` over time.
    Recorded at the end of each step (``when='end'``), as Brian 1 did."""

    def __init__(self, P, varname, clock=None, record=False, timestep=1, when="end", name=None):
        self._brian1_all = record is False or record is None
        record = True if self._brian1_all else record
        if isinstance(record, int | np.integer) and not isinstance(record, bool):
            record = [int(record)]
        if clock is None and timestep != 1:
            super().__init__(P, varname, record, dt=timestep * P.clock.dt, when=when, name=name)
        else:
            super().__init__(P, varname, record, clock=clock or P.clock, when=when, name=name)
        self._brian1_variable = varname
        self._remember_empty()

    @property
    def times(self) -> Quantity:
        return self.t

    @property
    def times_(self) -> np.ndarray:
        return self.t_

    @property
    def values(self) -> Quantity:
        return getattr(self, self._brian1_variable)

    @property
    def values_(self) -> np.ndarray:
        return getattr(self, self._brian1_variable + "_")

    def __getitem__(self, index: int) -> Quantity:
        return getattr(super().__getitem__(index), self._brian1_variable)

    @property
    def mean(self) -> Quantity:
        return self.values.mean(axis=1)

    @property
    def var(self):
        return self.values.var(axis=1)

    @property
    def std(self) -> Quantity:
        return self.values.std(axis=1)

    def plot(self, indices=None, cmap=None, refresh=None, showplot=False, **plotoptions):
        """Brian 1's M.plot(): one trace per recorded neuron against time in ms."""
        import matplotlib.pyplot as plt

        indices = list(self.record) if indices is None else np.atleast_1d(indices)
        for index in indices:
            plt.plot(self.times_ / 1e-3, self[int(index)], **plotoptions)
        plt.xlabel("Time (ms)")
        if showplot:
            plt.show()


class PopulationRateMonitor(_Reinit, AxonalPopulationRateMonitor):
    """Brian 1's ``PopulationRateMonitor(source, bin=None)``: ``M.rate`` (Hz) in bins of
    ``bin`` (one time step when not given), ``M.times`` their left edges,
    ``M.smooth_rate(width=1*ms, filter='gaussian')``."""

    def __init__(self, source, bin=None, name=None):  # noqa: A002 - Brian 1's argument name
        super().__init__(source, name=name)
        self._brian1_bin = bin
        self._remember_empty()

    def _steps_per_bin(self) -> int:
        if self._brian1_bin is None:
            return 1
        return max(1, int(round(float(np.asarray(self._brian1_bin)) / self.clock.dt_)))

    @property
    def times(self) -> Quantity:
        return _seconds(self.t_[:: self._steps_per_bin()])

    @property
    def rate(self) -> Quantity:
        steps = self._steps_per_bin()
        per_step = self.rate_
        if steps > 1:
            padded = np.resize(per_step, -(-len(per_step) // steps) * steps)
            padded[len(per_step) :] = np.nan
            per_step = np.nanmean(padded.reshape(-1, steps), axis=1)
        return Quantity.with_dimensions(per_step, _SECOND**-1)

    def smooth_rate(self, width=1 * ms, filter="gaussian"):  # noqa: A002 - Brian 1's argument
        """The per-step rate smoothed with a Gaussian (width = standard deviation) or a flat
        window of that width."""
        return super().smooth_rate(window=filter, width=width)


def raster_plot(*monitors, **plotoptions):
    """Brian 1's ``raster_plot(M1, M2, ...)``: spike times (ms) against neuron numbers, the
    groups stacked; ``refresh=`` redraws during the run (see realtime)."""
    import matplotlib.pyplot as plt

    if plotoptions.pop("newfigure", False):
        plt.figure()
    refresh = plotoptions.pop("refresh", None)
    showplot = plotoptions.pop("showplot", False)
    title = plotoptions.pop("title", None)
    show_lines = plotoptions.pop("showgrouplines", False)
    spacing = plotoptions.pop("spacebetweengroups", 0.0)
    line_colour = plotoptions.pop("grouplinecol", "k")
    plotoptions.pop("redraw", None)
    plotoptions.setdefault("marker", ".")
    plotoptions.setdefault("linestyle", "none")
    plotoptions.setdefault("color", "k")
    lines, offset = [], 0.0

    def data(monitor, start):
        return monitor.t_ / 1e-3, monitor.i + start

    starts = []
    for monitor in monitors:
        starts.append(offset)
        times, numbers = data(monitor, offset)
        (line,) = plt.plot(times, numbers, **plotoptions)
        lines.append(line)
        offset += len(monitor.source) * (1 + spacing)
        if show_lines:
            plt.axhline(offset, color=line_colour)
    plt.xlabel("Time (ms)")
    plt.ylabel("Neuron number")
    if title:
        plt.title(title)
    if refresh is not None:
        from axonal.brian1.network import realtime_operation

        def redraw():
            for monitor, line, start in zip(monitors, lines, starts, strict=True):
                line.set_data(*data(monitor, start))
            plt.gca().relim()
            plt.gca().autoscale_view()
            plt.draw()

        realtime_operation(redraw, refresh)
    if showplot:
        plt.show()
    return lines


rasterPlot = raster_plot  # noqa: N816 - Brian 1's older spelling (slides of 000)
