"""Text forms of quantities: a readable str in a well-chosen unit, and a repr that evals back."""

from __future__ import annotations

import numpy as np

from axonal.units.dimension import DIMENSIONLESS, Dimension
from axonal.units.quantity import Quantity, Unit
from axonal.units.registry import display_families, get_unit

__all__ = ["best_unit", "dimension_display_name", "format_quantity", "quantity_repr"]


def dimension_display_name(dim: Dimension) -> str:
    """The symbol of a dimension's SI unit (``V``, ``S/m^2``), used in error messages."""
    return get_unit(dim).dispname


def _representative_magnitude(raw: np.ndarray) -> float:
    finite = np.abs(raw[np.isfinite(raw)])
    finite = finite[finite > 0]
    return float(finite.max()) if finite.size else 0.0


def best_unit(value: Quantity) -> Unit:
    """The unit that shows the values readably: the largest prefix not above the largest value."""
    candidates = display_families.get(value.dim)
    if not candidates:
        return get_unit(value.dim)
    raw = np.asarray(value)
    if raw.dtype.kind not in "fiu":
        return get_unit(value.dim)
    magnitude = _representative_magnitude(raw)
    if magnitude == 0.0:
        return get_unit(value.dim)
    chosen = candidates[0]
    for unit in candidates:
        # A small tolerance so that 1 mV, stored as 0.001 V, shows as 1. mV.
        if unit.scale <= magnitude * (1 + 1e-12):
            chosen = unit
    return chosen


def format_quantity(value: Quantity, format_spec: str = "") -> str:
    """``3. mV``, ``[1. 2. 3.] mV``: the numbers in the best unit followed by its symbol."""
    raw = np.asarray(value)
    if value.dim is DIMENSIONLESS:
        unit_text, numbers = "", raw
    else:
        unit = best_unit(value)
        unit_text, numbers = unit.dispname, raw / unit.scale
    if format_spec and numbers.ndim == 0:
        text = format(float(numbers), format_spec)
    else:
        text = np.array2string(np.asarray(numbers))
    return f"{text} {unit_text}" if unit_text else text


def _exact_numbers(raw: np.ndarray, unit: Unit) -> np.ndarray | None:
    """The values in ``unit`` if multiplying back by the unit gives exactly the stored values."""
    scale = unit.scale
    with np.errstate(all="ignore"):
        numbers = raw / scale
        back = numbers * scale
    if np.array_equal(back, raw, equal_nan=raw.dtype.kind == "f"):
        return numbers
    return None


def quantity_repr(value: Quantity) -> str:
    """Text that evaluates (after ``from axonal import *``) to a quantity equal to ``value``."""
    raw = np.asarray(value)
    if value.dim is DIMENSIONLESS:
        return f"Quantity({_numbers_repr(raw)})"
    unit = best_unit(value)
    numbers = _exact_numbers(raw, unit) if raw.dtype.kind == "f" else None
    if numbers is None:
        unit = get_unit(value.dim)
        numbers = raw
    return f"{_numbers_repr(numbers)} * {unit.name}"


def _numbers_repr(numbers: np.ndarray) -> str:
    if numbers.ndim == 0:
        return repr(numbers.item())
    text = np.array2string(numbers, separator=", ", floatmode="unique", precision=17)
    return f"array({text})"
