"""Text forms of quantities: a readable str in a well-chosen unit, and a repr that evals back."""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations, product

import numpy as np

from axonal.units.dimension import BASE_SYMBOLS, DIMENSIONLESS, Dimension
from axonal.units.quantity import Quantity, Unit
from axonal.units.registry import display_families, get_unit, registry

__all__ = ["best_unit", "dimension_display_name", "format_quantity", "quantity_repr"]

# The units a neuroscientist writes, combined at most two at a time with base units: a membrane
# capacitance is F/m^2 (not kg/Wb^2), a conductance density S/m^2, a conductance's rate of
# change S/s (not 1/H). Earlier entries win ties.
_COMBINED_UNITS = ("volt", "amp", "siemens", "farad", "ohm", "coulomb", "joule")
# Extra cost of a unit in a combination: 1/(V s) rather than A/J, A s rather than C.
_COMBINATION_PENALTY = np.array([0, 0, 0, 0, 0, 0.4, 0.6])
# Named units shown only on their own (A/s is not "Hz A", C/m^3 not "Pa/V").
_SINGLE_UNITS = ("hertz", "newton", "pascal", "watt")
_EXPONENTS = (1, -1, 2, -2, 3, -3, 0.5, -0.5, 1.5, -1.5)


def _factor_cost(exponent: np.ndarray) -> np.ndarray:
    # One factor costs 1; dividing, powers and roots a little more, so that S/m^2 beats
    # A/(V m^2) and V^0.5 beats base units with half exponents.
    exponent = np.asarray(exponent, float)
    present = exponent != 0
    whole = exponent == np.round(exponent)
    extra = np.where(whole, 0.2 * (np.abs(exponent) - 1), 0.5)
    return np.where(present, 1 + 0.3 * (exponent < 0) + extra, 0.0)


@lru_cache(maxsize=1)
def _candidates() -> tuple[np.ndarray, np.ndarray]:
    """Every choice of up to two units from _COMBINED_UNITS with exponents from _EXPONENTS:
    a matrix of unit exponents (choice x unit) and the dimension each choice covers."""
    units = np.array([registry[name].dim.exponents for name in _COMBINED_UNITS], float)
    rows = [np.zeros(len(units))]
    for count in (1, 2):
        for chosen in combinations(range(len(units)), count):
            for exponents in product(_EXPONENTS, repeat=count):
                row = np.zeros(len(units))
                row[list(chosen)] = exponents
                rows.append(row)
    choices = np.array(rows)
    return choices, choices @ units


def _power_text(symbol: str, exponent: float) -> str:
    exponent = abs(exponent)
    if exponent == 1:
        return symbol
    return f"{symbol}^{int(exponent) if float(exponent).is_integer() else f'{exponent:g}'}"


@lru_cache(maxsize=512)
def _scientist_spelling(dim: Dimension) -> str:
    """The cheapest spelling of ``dim``: a single named unit, or up to two of the units a
    scientist combines times base units (whole or half powers)."""
    for name in (*_COMBINED_UNITS, *_SINGLE_UNITS):
        if registry[name].dim is dim:
            return registry[name].dispname
    choices, covered = _candidates()
    residual = np.array(dim.exponents, float) - covered
    usable = np.all(np.abs(residual * 2 - np.round(residual * 2)) < 1e-9, axis=1)
    residual = np.round(residual * 2) / 2
    cost = (
        _factor_cost(choices).sum(axis=1)
        + (choices != 0) @ _COMBINATION_PENALTY
        + _factor_cost(residual).sum(axis=1)
    )
    best = int(np.argmin(np.where(usable, cost, np.inf)))
    symbols = [registry[name].dispname for name in _COMBINED_UNITS] + list(BASE_SYMBOLS)
    factors = [
        (symbol, float(exponent))
        for symbol, exponent in zip(
            symbols, np.concatenate([choices[best], residual[best]]), strict=True
        )
        if exponent != 0
    ]
    up = [_power_text(symbol, e) for symbol, e in factors if e > 0]
    down = [_power_text(symbol, e) for symbol, e in factors if e < 0]
    text = " ".join(up) or "1"
    if down:
        text += "/" + (f"({' '.join(down)})" if len(down) > 1 else down[0])
    return text


def dimension_display_name(dim: Dimension) -> str:
    """A dimension in the units a scientist writes (``V``, ``S/m^2``, ``F/m^2``, ``V^0.5``),
    for error messages; never a list of base-unit exponents such as ``m^2 kg s^-3 A^-1``."""
    if dim is DIMENSIONLESS:
        return "1"
    try:
        return _scientist_spelling(dim)
    except Exception:  # noqa: BLE001 - a display helper must never hide the error it reports
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
        if unit.is_compound:  # no unit of its own: spelled as a scientist would
            unit_text = dimension_display_name(value.dim)
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
