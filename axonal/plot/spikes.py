"""Raster plots of spikes and plots of population rates."""

from __future__ import annotations

import numpy as np

from axonal.plot.axes import axes_or_new, display_unit, label, plain, require_time, time_unit_for
from axonal.units import Hz, Quantity, get_dimensions


def _monitor_end(monitor) -> float | None:
    clock = getattr(monitor, "clock", None)
    return None if clock is None else float(clock.t_)


def plot_raster(
    spikes, times=None, *, time_unit=None, ax=None, marker=".", markersize=2, color="k", **kwargs
):
    """A raster plot: one dot per spike, time against neuron index. Returns the Axes.

    ``spikes`` is a SpikeMonitor (or EventMonitor), or the neuron indices with ``times`` the
    spike times (a quantity). The y axis spans the monitored group's neurons; extra keyword
    arguments go to ``Axes.plot``.
    """
    if times is None:
        if not hasattr(spikes, "it_"):
            raise TypeError(
                f"plot_raster: expected a SpikeMonitor, or indices and times, not "
                f"{type(spikes).__name__}"
            )
        indices, times_s = spikes.it_
        size = getattr(getattr(spikes, "source", None), "N", None)
        end = _monitor_end(spikes)
        name = getattr(spikes, "name", None)
    else:
        indices = np.asarray(spikes)
        times_s = require_time(times, "plot_raster(times=...)")
        if indices.shape != times_s.shape:
            raise ValueError(
                f"plot_raster: {indices.size} indices but {times_s.size} times; give one index "
                "per spike time"
            )
        size, end, name = None, None, None
    end = end if end else (float(times_s.max()) if times_s.size else 0.0)
    unit, unit_text = time_unit_for(end, time_unit, "plot_raster(time_unit=...)")
    ax = axes_or_new(ax)
    ax.plot(
        plain(times_s, unit),
        indices,
        linestyle="none",
        marker=marker,
        markersize=markersize,
        color=color,
        **kwargs,
    )
    ax.set_xlabel(label("time", unit_text))
    ax.set_ylabel("neuron index")
    if size is not None:
        ax.set_ylim(-0.5, size - 0.5)
    if end:
        ax.set_xlim(0, end / float(unit))
    if name:
        ax.set_title(name)
    return ax


def plot_rate(
    rate, rate_values=None, *, smooth=None, window="gaussian", time_unit=None, rate_unit=Hz,
    ax=None, **kwargs,
):  # fmt: skip
    """The population rate over time. Returns the Axes.

    ``rate`` is a PopulationRateMonitor, a SpikeMonitor (its population rate, binned at the
    clock's dt), or the times with ``rate_values`` the rates. ``smooth``, a time, smooths with
    a ``window`` ('gaussian': width is the standard deviation, reaching 4 of them each side, as
    axonal.analysis.population_rate; 'flat': the full width).
    """
    from axonal.analysis.rates import population_rate, smooth_signal

    if rate_values is None:
        if hasattr(rate, "rate_"):
            times_s, values = rate.t_, rate.rate_
            dt = rate.clock.dt_
        elif hasattr(rate, "it_"):
            times, rates = population_rate(rate)
            times_s, values = np.asarray(times), np.asarray(rates)
            dt = rate.clock.dt_
        else:
            raise TypeError(
                f"plot_rate: expected a PopulationRateMonitor or a SpikeMonitor, or times and "
                f"rates, not {type(rate).__name__}"
            )
    else:
        times_s = require_time(rate, "plot_rate(times)")
        if get_dimensions(rate_values) is not get_dimensions(Hz):
            raise ValueError("plot_rate: the rates need units of frequency (e.g. rates*Hz)")
        values = np.asarray(rate_values, dtype=float)
        dt = float(np.median(np.diff(times_s))) if len(times_s) > 1 else 1.0
    if smooth is not None:
        values = smooth_signal(values, dt, smooth, window, "plot_rate(smooth=...)")
    end = float(times_s[-1]) + dt if len(times_s) else 0.0
    unit, unit_text = time_unit_for(end, time_unit, "plot_rate(time_unit=...)")
    r_unit, r_text = display_unit(
        Quantity.with_dimensions(values, get_dimensions(Hz)), rate_unit, "plot_rate(rate_unit=)"
    )
    ax = axes_or_new(ax)
    ax.plot(plain(times_s, unit), values / float(r_unit), **kwargs)
    ax.set_xlabel(label("time", unit_text))
    ax.set_ylabel(label("rate", r_text))
    if end:
        ax.set_xlim(0, end / float(unit))
    return ax
