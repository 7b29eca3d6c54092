"""How NumPy functions (np.concatenate, np.where, np.mean, ...) treat Quantity arguments.

Quantity.__array_function__ looks a function up in ``HANDLED_FUNCTIONS``; each handler strips
the units, calls NumPy on plain arrays and puts the right dimension back on the result.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

from axonal.units.dimension import DIMENSIONLESS, Dimension, DimensionMismatchError
from axonal.units.display import dimension_display_name
from axonal.units.quantity import (
    HANDLED_FUNCTIONS,
    _describe,
    _is_neutral_number,
    _strip,
    _wrap,
    get_dimensions,
)

__all__ = ["HANDLED_FUNCTIONS", "UnitsDroppedWarning"]


def _same_dimension(values, what: str, allow_neutral: bool = False) -> Dimension:
    """The dimension shared by ``values``; plain 0/inf may stand for any unit if allowed."""
    dims = [get_dimensions(value) for value in values]
    with_units = [dim for dim in dims if dim is not DIMENSIONLESS]
    common = with_units[0] if with_units else DIMENSIONLESS
    for value, dim in zip(values, dims, strict=True):
        if dim is common:
            continue
        if allow_neutral and dim is DIMENSIONLESS and _is_neutral_number(value):
            continue
        raise DimensionMismatchError(
            f"The arguments of {what} must have the same units, got "
            f"{', '.join(_describe(value) for value in values)}. To combine values in "
            "different units, strip them first: divide each by its unit (x / mV) or take "
            "np.asarray(x) for SI base units.",
            *dict.fromkeys(dims),
        )
    return common


def _strip_all(values):
    return [_strip(value) for value in values]


def _keeps_dimension(function: Callable, power: float = 1) -> None:
    """Register a function of one array whose result has the array's dimension ** power."""

    def handler(array, *args, **kwargs):
        dim = get_dimensions(array)
        result_dim = dim**power
        name = f"np.{function.__name__}"
        # Values given alongside the array are in its units: np.max(v, initial=0*mV),
        # np.diff(v, prepend=0*mV).
        for keyword in ("initial", "prepend", "append"):
            if keyword in kwargs:
                _same_dimension([array, kwargs[keyword]], name, allow_neutral=True)
                kwargs[keyword] = _strip(kwargs[keyword])
        out = kwargs.get("out")
        if out is None:
            return _wrap(function(_strip(array), *args, **kwargs), result_dim)
        if get_dimensions(out) is not result_dim:
            raise DimensionMismatchError(
                f"{name} cannot write its result into an array of other units",
                result_dim,
                get_dimensions(out),
            )
        kwargs["out"] = _strip(out)
        function(_strip(array), *args, **kwargs)
        return out

    HANDLED_FUNCTIONS[function] = handler


def _plain_result(function: Callable) -> None:
    """Register a function whose result is plain (indices, shapes, counts)."""

    def handler(*args, **kwargs):
        return function(*_strip_all(args), **kwargs)

    HANDLED_FUNCTIONS[function] = handler


for _function in (
    np.sum,
    np.mean,
    np.median,
    np.std,
    np.min,
    np.max,
    np.amin,
    np.amax,
    np.ptp,
    np.cumsum,
    np.diff,
    np.sort,
    np.nansum,
    np.nanmean,
    np.nanmedian,
    np.nanstd,
    np.nanmin,
    np.nanmax,
    np.nancumsum,
    np.percentile,
    np.quantile,
    np.nanpercentile,
    np.round,
    np.around,
    np.copy,
    np.ravel,
    np.reshape,
    np.transpose,
    np.squeeze,
    np.expand_dims,
    np.repeat,
    np.tile,
    np.flip,
    np.roll,
    np.atleast_1d,
    np.atleast_2d,
    np.trace,
    np.unique,
    np.zeros_like,
    np.ones_like,
    np.empty_like,
    np.real,
    np.imag,
    np.take,
    np.compress,
    np.broadcast_to,
    np.fix,
    np.gradient,
    np.average,
):
    _keeps_dimension(_function)
_keeps_dimension(np.linalg.norm)
# Names that only some NumPy versions have.
for _name in ("trapezoid", "trapz"):
    if _name in dir(np):
        _keeps_dimension(getattr(np, _name))
        break
_keeps_dimension(np.var, power=2)
_keeps_dimension(np.nanvar, power=2)

for _function in (
    np.argmin,
    np.argmax,
    np.argsort,
    np.nonzero,
    np.count_nonzero,
    np.shape,
    np.ndim,
    np.size,
    np.flatnonzero,
    np.argwhere,
):
    _plain_result(_function)
del _function


def _register(function: Callable):
    def decorate(handler: Callable) -> Callable:
        HANDLED_FUNCTIONS[function] = handler
        return handler

    return decorate


class UnitsDroppedWarning(UserWarning):
    """NumPy joined values of different units: the result is plain SI values, as in Brian 2."""


def _joined_dimension(values, what: str) -> Dimension | None:
    """The dimension of values joined into one array, or None if their units differ.

    Values in one unit (plain zeros, infinities and NaNs fit any unit: padding such as
    ``np.vstack((v, zeros(n)))``) keep it. Brian 2 drops the units of every join; axonal keeps
    them where they agree, and where they differ returns the plain SI values as Brian 2 does,
    with a warning (a plot of them is the same; arithmetic with units would not be).
    """
    try:
        return _same_dimension(values, what, allow_neutral=True)
    except DimensionMismatchError:
        units = ", ".join(dict.fromkeys(_unit_name(value) for value in values))
        warnings.warn(
            f"{what} joined values in different units ({units}): the result is their plain SI "
            "values, without units (as Brian 2 gives). Strip the units yourself to choose "
            "the scale (x / mV) and silence this warning.",
            UnitsDroppedWarning,
            stacklevel=4,
        )
        return None


def _unit_name(value) -> str:
    dim = get_dimensions(value)
    return "no unit" if dim is DIMENSIONLESS else dimension_display_name(dim)


def _join(function: Callable) -> None:
    """Register a function joining a sequence of arrays (see ``_joined_dimension``)."""

    def handler(arrays, *args, **kwargs):
        arrays = list(arrays)
        dim = _joined_dimension(arrays, f"np.{function.__name__}")
        joined = function(_strip_all(arrays), *args, **kwargs)
        return joined if dim is None else _wrap(joined, dim)

    HANDLED_FUNCTIONS[function] = handler


for _function in (np.concatenate, np.stack, np.hstack, np.vstack, np.column_stack, np.dstack):
    _join(_function)
del _function


@_register(np.append)
def _append(array, values, axis=None):
    dim = _joined_dimension([array, values], "np.append")
    joined = np.append(_strip(array), _strip(values), axis=axis)
    return joined if dim is None else _wrap(joined, dim)


@_register(np.clip)
def _clip(array, a_min=None, a_max=None, out=None, **kwargs):
    bounds = [bound for bound in (a_min, a_max) if bound is not None]
    dim = _same_dimension([array, *bounds], "np.clip", allow_neutral=True)
    if out is not None:
        if get_dimensions(out) is not dim:
            raise DimensionMismatchError("np.clip cannot write into an array of other units", dim)
        np.clip(_strip(array), _strip(a_min), _strip(a_max), out=_strip(out), **kwargs)
        return out
    return _wrap(np.clip(_strip(array), _strip(a_min), _strip(a_max), **kwargs), dim)


@_register(np.where)
def _where(condition, *values):
    if not values:
        return np.where(_strip(condition))
    if len(values) != 2:
        raise TypeError("np.where takes a condition alone or a condition and two values.")
    dim = _same_dimension(values, "np.where", allow_neutral=True)
    return _wrap(np.where(_strip(condition), *_strip_all(values)), dim)


@_register(np.linspace)
def _linspace(start, stop, *args, **kwargs):
    dim = _same_dimension([start, stop], "np.linspace")
    result = np.linspace(_strip(start), _strip(stop), *args, **kwargs)
    if kwargs.get("retstep") or (len(args) >= 3 and args[2]):
        samples, step = result
        return _wrap(samples, dim), _wrap(step, dim)
    return _wrap(result, dim)


def _product_of_two(function: Callable) -> None:
    def handler(first, second, *args, **kwargs):
        dim = get_dimensions(first) * get_dimensions(second)
        return _wrap(function(_strip(first), _strip(second), *args, **kwargs), dim)

    HANDLED_FUNCTIONS[function] = handler


for _function in (np.dot, np.inner, np.outer, np.cross, np.tensordot, np.kron, np.vdot):
    _product_of_two(_function)
del _function


def _compare_two(function: Callable) -> None:
    def handler(first, second, *args, **kwargs):
        _same_dimension([first, second], f"np.{function.__name__}", allow_neutral=True)
        return function(_strip(first), _strip(second), *args, **kwargs)

    HANDLED_FUNCTIONS[function] = handler


for _function in (np.allclose, np.isclose, np.array_equal, np.searchsorted, np.isin):
    _compare_two(_function)
del _function


@_register(np.interp)
def _interp(x, xp, fp, left=None, right=None, period=None):
    _same_dimension([x, xp], "np.interp (x and xp)")
    fp_dim = _same_dimension(
        [value for value in (fp, left, right) if value is not None], "np.interp (fp, left, right)"
    )
    result = np.interp(
        _strip(x), _strip(xp), _strip(fp), _strip(left), _strip(right), _strip(period)
    )
    return _wrap(result, fp_dim)


def _dimensionless_only(function: Callable) -> None:
    """Register a product-like function: with units, its unit would depend on the length."""

    def handler(array, *args, **kwargs):
        dim = get_dimensions(array)
        if dim is not DIMENSIONLESS:
            raise DimensionMismatchError(
                f"np.{function.__name__} of {_describe(array)} would have a unit that depends "
                "on its length; divide by a unit first",
                dim,
            )
        return function(_strip(array), *args, **kwargs)

    HANDLED_FUNCTIONS[function] = handler


for _function in (np.prod, np.cumprod, np.nanprod, np.nancumprod):
    _dimensionless_only(_function)
del _function


@_register(np.histogram)
def _histogram(array, bins=10, range=None, **kwargs):  # noqa: A002 - NumPy's name
    dim = get_dimensions(array)
    if not isinstance(bins, (int, str)):
        _same_dimension([array, bins], "np.histogram (values and bins)")
    if range is not None:
        _same_dimension([array, *range], "np.histogram (values and range)")
        range = tuple(_strip(bound) for bound in range)
    weights = kwargs.pop("weights", None)
    # Weights with units (e.g. 1/(N*dt) for a rate) give counts in those units; unstripped,
    # they would send NumPy back here for ever.
    counts, edges = np.histogram(
        _strip(array), _strip(bins), range=range, weights=_strip(weights), **kwargs
    )
    if weights is not None and not kwargs.get("density"):
        counts = _wrap(counts, get_dimensions(weights))
    return counts, _wrap(edges, dim)


@_register(np.full_like)
def _full_like(array, fill_value, *args, **kwargs):
    result = np.full_like(_strip(array), _strip(fill_value), *args, **kwargs)
    return _wrap(result, get_dimensions(fill_value))
