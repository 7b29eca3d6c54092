"""What every plot shares: matplotlib imported on first use, the Axes to draw on, unit labels."""

from __future__ import annotations

import numpy as np

from axonal.units import DIMENSIONLESS, Quantity, get_dimensions, second
from axonal.units.display import best_unit
from axonal.units.registry import get_unit

INSTALL_HINT = "pip install 'axonal[plot]'"


def pyplot():
    """matplotlib.pyplot, imported only when a plot is made (``import axonal`` never does)."""
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError(f"axonal.plot needs matplotlib: {INSTALL_HINT}") from None
    return plt


def axes_or_new(ax):
    """``ax``, or the Axes of a new figure."""
    if ax is None:
        _, ax = pyplot().subplots()
    return ax


def display_unit(values, unit, what: str):
    """The unit ``values`` are shown in: ``unit`` (checked), else the best one for them.

    Returns ``(unit, label)``: ``label`` is the unit's symbol, '' for a dimensionless value.
    """
    dim = get_dimensions(values)
    if unit is not None:
        if get_dimensions(unit) is not dim:
            raise ValueError(
                f"{what}: the unit {unit!r} does not fit values in "
                f"{get_unit(dim).dispname or 'no unit'}"
            )
        return unit, getattr(unit, "dispname", str(unit))
    if dim is DIMENSIONLESS:
        return 1.0, ""
    if not np.size(values) or not np.isfinite(np.asarray(values, dtype=float)).any():
        chosen = get_unit(dim)
        return chosen, chosen.dispname
    chosen = best_unit(Quantity.with_dimensions(np.nanmax(np.abs(np.asarray(values))), dim))
    return chosen, chosen.dispname


def time_unit_for(end_s: float, unit, what: str):
    """The unit the time axis is shown in: ``unit``, else ms up to 10 s and s beyond."""
    if unit is not None:
        return display_unit(Quantity.with_dimensions(0.0, get_dimensions(second)), unit, what)
    from axonal.units import ms

    return (ms, "ms") if end_s <= 10 else (second, "s")


def label(name: str, unit_text: str) -> str:
    """``'v (mV)'``, or ``'v'`` when there is no unit."""
    return f"{name} ({unit_text})" if unit_text else name


def plain(values, unit) -> np.ndarray:
    """``values`` as plain numbers in ``unit`` (a Quantity, or 1.0 for dimensionless)."""
    return np.asarray(values, dtype=float) / float(unit)


def require_time(values, what: str) -> np.ndarray:
    """Times (a Quantity in seconds) as plain seconds; a clear error for anything else."""
    if get_dimensions(values) is not get_dimensions(second):
        raise ValueError(
            f"{what}: expected times with units (e.g. t*ms), got {type(values).__name__} "
            f"in {get_unit(get_dimensions(values)).dispname or 'no unit'}"
        )
    return np.asarray(values, dtype=float)
