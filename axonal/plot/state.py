"""Traces of recorded state variables over time."""

from __future__ import annotations

import numpy as np

from axonal.plot.axes import axes_or_new, display_unit, label, plain, time_unit_for


def plot_state(monitor, variable=None, indices=None, *, time_unit=None, var_unit=None, ax=None,
               legend: bool | None = None, **kwargs):  # fmt: skip
    """The traces of ``variable`` recorded by a StateMonitor, one line per recorded element
    (or those of ``indices``, element numbers of the group). Returns the Axes.

    The y axis is labelled with the variable's name and unit (``var_unit``, else the best
    one for the values); a legend names the elements when there are at most 10 (``legend``).
    """
    if not hasattr(monitor, "record_variables"):
        raise TypeError(f"plot_state: expected a StateMonitor, not {type(monitor).__name__}")
    variable = monitor.recorded_variable(variable, "plot_state")
    values = getattr(monitor, variable)  # elements x time, with units
    rows = np.arange(len(monitor.record))
    if indices is not None:
        wanted = np.atleast_1d(np.asarray(indices))
        missing = [int(k) for k in wanted if k not in monitor.record]
        if missing:
            raise ValueError(f"plot_state: {monitor.name} does not record elements {missing}")
        rows = np.array([int(np.flatnonzero(monitor.record == k)[0]) for k in wanted])
    times = monitor.t_
    end = float(times[-1]) + float(monitor.clock.dt_) if len(times) else 0.0
    t_unit, t_text = time_unit_for(end, time_unit, "plot_state(time_unit=...)")
    shown = values[rows] if len(rows) else values[:0]
    v_unit, v_text = display_unit(shown if np.size(shown) else values, var_unit, "plot_state")
    ax = axes_or_new(ax)
    x = plain(times, t_unit)
    for row in rows:
        ax.plot(x, plain(values[row], v_unit), label=f"{variable}[{monitor.record[row]}]", **kwargs)
    ax.set_xlabel(label("time", t_text))
    ax.set_ylabel(label(variable, v_text))
    if len(times):
        ax.set_xlim(x[0], x[-1])
    if legend or (legend is None and 1 < len(rows) <= 10):
        ax.legend(loc="best", fontsize="small")
    return ax
