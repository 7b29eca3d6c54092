"""Figures a script reports with `axonal.report(rate=12.5*Hz, cv=0.9)`, kept with its record.

A figure is a number (with or without units), a short text, or a small array of numbers (with
or without units). Under `axonal run` the figures go into the run's record, where `list
--figures`, `list --where`, `diff` and the web view read them; outside `axonal run` they are kept
for the current process (`reported_figures()`) and the first call warns once that no record is
made. This module imports nothing heavy: scripts that never report pay nothing.

A figure is stored as a small JSON document (see `encode_figure`): the value in SI base units,
the exponents of its dimensions and its text as shown. `figures_of(record)` gives a record's
figures back as Python values (a `Quantity` when the figure had units).
"""

from __future__ import annotations

import math
import numbers
import re
import sys
import warnings
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["figures_of", "report", "reported_figures"]

# Beyond this, a result belongs in an output file (archived with the record), not a figure.
MAX_ARRAY_ELEMENTS = 10_000
MAX_TEXT_CHARACTERS = 1_000
NAME_PATTERN = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")

# Set by `axonal.records.launch` while `axonal run` executes a script: receives each report.
_figure_listeners: list[Callable[[dict[str, dict[str, Any]]], None]] = []
_reported: dict[str, dict[str, Any]] = {}
_warned_outside_run: list[bool] = []


class FigureError(ValueError):
    """A reported figure is not a number, a quantity, a short text or a small array."""


def report(figures: Mapping[str, Any] | None = None, /, **named: Any) -> None:
    """Record named figures of this run: `report(rate=12.5*Hz, cv=0.92, fit=[0.1, 0.3])`.

    Numbers, quantities (kept with their units), short texts and small arrays (at most
    10 000 numbers) are accepted; a mapping may be passed first for names that are not Python
    identifiers (`report({"fit.slope": 0.3})`). A later report of the same name replaces the
    earlier value. Under `axonal run` the figures are stored with the run's record; elsewhere
    they are kept for this process (`reported_figures()`) and a warning says so, once.

    >>> import warnings
    >>> from axonal.records.figures import reported_figures
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")  # not under `axonal run` here
    ...     report(rate=12.5 * Hz, cv=0.92)
    >>> reported_figures()["rate"]
    12.5 * hertz
    """
    given = {**(dict(figures) if figures is not None else {}), **named}
    encoded = {_checked_name(name): encode_figure(name, value) for name, value in given.items()}
    _reported.update(encoded)
    for listener in _figure_listeners:
        listener(encoded)
    if not _figure_listeners and not _warned_outside_run:
        _warned_outside_run.append(True)
        warnings.warn(
            "axonal.report(): this script is not running under `axonal run`, so no record keeps "
            "the figures; they are kept for this process only "
            "(axonal.records.figures.reported_figures()).",
            RuntimeWarning,
            stacklevel=2,
        )


def reported_figures() -> dict[str, Any]:
    """The figures reported so far in this process, as values (quantities keep their units)."""
    return {name: decode_figure(encoded) for name, encoded in _reported.items()}


def figures_of(record: Mapping[str, Any]) -> dict[str, Any]:
    """A record's figures (a record as `RecordStore.get` returns it) as {name: value}: floats,
    ints, texts, NumPy arrays, or quantities for figures reported with units."""
    stored = (record.get("details") or {}).get("figures") or {}
    return {name: decode_figure(encoded) for name, encoded in stored.items()}


def _checked_name(name: str) -> str:
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise FigureError(
            f"Cannot report a figure named {name!r}: a figure's name is letters, digits and _ "
            "(dots separate groups, as in fit.slope)."
        )
    return name


def _quantity_parts(value: Any) -> tuple[Any, Any] | None:
    """(raw SI values, Dimension) when `value` is an axonal Quantity, else None."""
    units = sys.modules.get("axonal.units.quantity")  # no Quantity exists unless it was imported
    if units is None or not isinstance(value, units.Quantity):
        return None
    import numpy as np

    return np.asarray(value), value.dim


def encode_figure(name: str, value: Any) -> dict[str, Any]:
    """The stored form of one figure: {"value", "dimensions" (SI exponents or None),
    "unit" (the SI unit's symbol or None), "text" (as shown)}."""
    parts = _quantity_parts(value)
    dimensions = None
    if parts is not None:
        raw, dimension = parts
        if any(exponent != 0 for exponent in dimension.exponents):
            dimensions = dimension
        value = raw
    if isinstance(value, str):
        if len(value) > MAX_TEXT_CHARACTERS:
            raise FigureError(
                f"The figure {name!r} is a text of {len(value)} characters; at most "
                f"{MAX_TEXT_CHARACTERS} are kept (write longer results to an output file)."
            )
        return {"value": value, "dimensions": None, "unit": None, "text": value}
    plain = _plain_numbers(name, value)
    encoded: dict[str, Any] = {"value": plain, "dimensions": None, "unit": None}
    if dimensions is not None:
        from axonal.units.registry import get_unit

        encoded["dimensions"] = [_exponent_value(e) for e in dimensions.exponents]
        encoded["unit"] = get_unit(dimensions).dispname
    encoded["text"] = format_value(decode_figure(encoded))
    return encoded


def _exponent_value(exponent: Any) -> int | float:
    number = float(exponent)
    return int(number) if number.is_integer() else number


def _plain_numbers(name: str, value: Any) -> Any:
    """`value` as a JSON number or a nested list of numbers; anything else is refused."""
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if "numpy" in sys.modules or isinstance(value, (list, tuple)):
        import numpy as np

        try:
            array = np.asarray(value)
        except (ValueError, TypeError):
            array = None
        if array is not None and array.dtype.kind in "biuf":
            if array.size > MAX_ARRAY_ELEMENTS:
                raise FigureError(
                    f"The figure {name!r} has {array.size} numbers; a figure holds at most "
                    f"{MAX_ARRAY_ELEMENTS} (save larger arrays to an output file)."
                )
            return array.tolist()
    raise FigureError(
        f"Cannot report the figure {name!r} = {value!r} ({type(value).__name__}): expected a "
        "number, a quantity such as 12.5*Hz, a short text or a small array of numbers."
    )


def decode_figure(encoded: Mapping[str, Any]) -> Any:
    """The value of a stored figure: a number, a text, a NumPy array or a Quantity."""
    value = encoded.get("value")
    dimensions = encoded.get("dimensions")
    if isinstance(value, list):
        import numpy as np

        value = np.asarray(value)
    if dimensions:
        from axonal.units import Quantity
        from axonal.units.dimension import Dimension

        return Quantity.with_dimensions(value, Dimension(tuple(dimensions)))
    return value


def format_value(value: Any) -> str:
    """A figure's value as text: `12.5 Hz`, `0.92`, `[0.1 0.3]`."""
    if isinstance(value, float):
        return f"{value:.6g}" if math.isfinite(value) else str(value)
    parts = _quantity_parts(value)
    if parts is not None:
        from axonal.units.display import format_quantity

        return format_quantity(value, ".6g") if parts[0].ndim == 0 else format_quantity(value)
    return str(value)


def figure_text(encoded: Mapping[str, Any] | None) -> str:
    """How a stored figure is shown (empty for a figure the record does not have)."""
    if encoded is None:
        return ""
    return str(encoded.get("text", encoded.get("value")))


def figure_number(encoded: Mapping[str, Any]) -> float | None:
    """The figure's scalar value in SI units, or None for texts and arrays (what filters and
    charts compare)."""
    value = encoded.get("value")
    if isinstance(value, (int, float)):
        return float(value)
    return None


def dimension_key(encoded: Mapping[str, Any]) -> str:
    """The figure's dimensions as a comparable text ('' when it has none)."""
    return exponents_key(encoded.get("dimensions") or ())


def exponents_key(exponents: Any) -> str:
    """SI exponents as a comparable text: '0,0,-1,0,0,0,0' for 1/s ('' when all are zero)."""
    values = [_exponent_value(e) for e in exponents]
    return "" if not any(values) else ",".join(str(v) for v in values)


def unit_of_key(key: str) -> str:
    """The SI unit symbol of a dimension key ('plain numbers' for '')."""
    if not key:
        return "plain numbers"
    from axonal.units.dimension import Dimension
    from axonal.units.registry import get_unit

    return get_unit(Dimension(tuple(float(e) for e in key.split(",")))).dispname
