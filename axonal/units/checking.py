"""The ``check_units`` decorator: checks the units of a function's arguments and result."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable

import numpy as np

from axonal.units.dimension import DIMENSIONLESS, Dimension, DimensionMismatchError
from axonal.units.quantity import _describe, get_dimensions

__all__ = ["check_units"]


def _expected_dimension(spec: object) -> Dimension:
    if isinstance(spec, Dimension):
        return spec
    if isinstance(spec, (int, float)) and spec == 1:
        return DIMENSIONLESS
    return get_dimensions(spec)


def _check_value(function_name: str, what: str, value: object, spec: object, bound) -> None:
    if spec is None or value is None:
        return
    if spec is bool:
        if not (isinstance(value, (bool, np.bool_)) or np.asarray(value).dtype == bool):
            raise TypeError(f"{function_name}: {what} must be a boolean, got {value!r}.")
        return
    if isinstance(spec, str):
        # The same units as another argument, given by name.
        spec = bound.arguments.get(spec)
        if spec is None:
            return
    expected = _expected_dimension(spec)
    actual = get_dimensions(value)
    if actual is not expected:
        raise DimensionMismatchError(
            f"{function_name}: {what} should have the units of {_describe(spec)} but got "
            f"{_describe(value)}",
            actual,
            expected,
        )


def check_units(**specs: object) -> Callable[[Callable], Callable]:
    """Decorator: ``@check_units(v=volt, I=amp, result=volt)``.

    A spec is a unit or quantity (its dimension is required), ``1`` (dimensionless), ``bool``
    (a boolean), the name of another argument (the same units as it), or ``None`` (no check).

    Example:

    >>> @check_units(g=siemens, result=amp)
    ... def leak_current(g, v=-70 * mV):
    ...     return g * v
    >>> print(leak_current(10 * nS))
    -700. pA
    """

    def decorate(function: Callable) -> Callable:
        signature = inspect.signature(function)
        unknown = set(specs) - set(signature.parameters) - {"result"}
        if unknown:
            raise TypeError(
                f"check_units on {function.__name__}: no argument(s) named {sorted(unknown)}."
            )
        name = function.__qualname__

        @functools.wraps(function)
        def checked(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            for argument, value in bound.arguments.items():
                if argument in specs:
                    _check_value(name, f"argument {argument!r}", value, specs[argument], bound)
            result = function(*args, **kwargs)
            if "result" in specs:
                _check_value(name, "the result", result, specs["result"], bound)
            return result

        return checked

    return decorate
