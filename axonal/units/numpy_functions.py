"""The NumPy functions of a model script's namespace, aware of units.

Most are NumPy's own: Quantity's ``__array_ufunc__`` and ``__array_function__`` make them check
and carry units. The few defined here need help: ``arange`` and ``full`` take quantities,
``array``/``asarray`` remove units (as in Brian), ``exprel`` is ``(exp(x) - 1) / x`` made exact
near 0 (the rate functions of Hodgkin-Huxley models), and ``min``, ``max``, ``sum``, ``round``,
``abs`` keep the behaviour of Python's built-ins when called the built-in way.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator

import numpy as np

from axonal.units.dimension import DIMENSIONLESS, DimensionMismatchError
from axonal.units.quantity import Quantity, _strip, _wrap, get_dimensions

__all__ = [
    "abs",
    "amax",
    "amin",
    "arange",
    "arccos",
    "arcsin",
    "arctan",
    "array",
    "asarray",
    "ceil",
    "clip",
    "concatenate",
    "cos",
    "cosh",
    "cumsum",
    "diff",
    "dot",
    "e",
    "exp",
    "exprel",
    "floor",
    "full",
    "inf",
    "isfinite",
    "isinf",
    "isnan",
    "linspace",
    "log",
    "log10",
    "max",
    "mean",
    "min",
    "nan",
    "ones",
    "ones_like",
    "pi",
    "rand",
    "randn",
    "round",
    "sign",
    "sin",
    "sinh",
    "sort",
    "sqrt",
    "std",
    "sum",
    "tan",
    "tanh",
    "var",
    "where",
    "zeros",
    "zeros_like",
]

exp = np.exp
log = np.log
log10 = np.log10
sqrt = np.sqrt
sin = np.sin
cos = np.cos
tan = np.tan
arcsin = np.arcsin
arccos = np.arccos
arctan = np.arctan
sinh = np.sinh
cosh = np.cosh
tanh = np.tanh
floor = np.floor
ceil = np.ceil
sign = np.sign
isnan = np.isnan
isinf = np.isinf
isfinite = np.isfinite
clip = np.clip
mean = np.mean
std = np.std
var = np.var
amin = np.amin
amax = np.amax
where = np.where
concatenate = np.concatenate
cumsum = np.cumsum
diff = np.diff
sort = np.sort
dot = np.dot
linspace = np.linspace
zeros = np.zeros
ones = np.ones
zeros_like = np.zeros_like
ones_like = np.ones_like
pi = np.pi
e = np.e
inf = np.inf
nan = np.nan
rand = np.random.rand
randn = np.random.randn


def _is_array_call(args: tuple, kwargs: dict) -> bool:
    """Whether a min/max/sum/round call means NumPy's function rather than Python's built-in."""
    return (
        len(args) == 1
        and isinstance(args[0], np.ndarray)
        or bool(set(kwargs) & {"axis", "out", "keepdims", "dtype", "decimals", "where", "initial"})
    )


def min(*args, **kwargs):  # noqa: A001 - the name model scripts use
    """np.min for one array (``min(v)``, ``min(v, axis=0)``); Python's min for ``min(a, b)``.

    Example:

    >>> print(min([-70, -50, -65] * mV))
    -70. mV
    >>> min(2, 3)
    2
    """
    if _is_array_call(args, kwargs):
        return np.min(*args, **kwargs)
    return builtins.min(*args, **kwargs)


def max(*args, **kwargs):  # noqa: A001 - the name model scripts use
    """np.max for one array (``max(v)``, ``max(v, axis=0)``); Python's max for ``max(a, b)``.

    Example:

    >>> print(max([-70, -50, -65] * mV))
    -50. mV
    >>> max(2, 3)
    3
    """
    if _is_array_call(args, kwargs):
        return np.max(*args, **kwargs)
    return builtins.max(*args, **kwargs)


def sum(*args, **kwargs):  # noqa: A001 - the name model scripts use
    """np.sum of arrays and lists; Python's sum of generators (``sum(x for x in ...)``).

    Example:

    >>> print(sum([1, 2, 3] * nA))
    6. nA
    >>> sum(x * x for x in range(4))
    14
    """
    if args and isinstance(args[0], Iterator) and not kwargs:
        return builtins.sum(*args)
    if args and isinstance(args[0], (list, tuple)) and args[0]:
        # NumPy cannot turn a list of quantities into an array by itself.
        args = (Quantity(args[0]), *args[1:])
    return np.sum(*args, **kwargs)


def round(value, decimals: int | None = None, **kwargs):  # noqa: A001 - the name scripts use
    """np.round for arrays and quantities; Python's round (giving an int) for a plain number.

    Example:

    >>> round(2.5), round(2.71)
    (2, 3)
    >>> round([1.26, 2.71] * mV / mV, 1)
    array([1.3, 2.7])
    """
    if isinstance(value, np.ndarray) or kwargs:
        return np.round(value, 0 if decimals is None else decimals, **kwargs)
    return builtins.round(value, decimals)


def abs(value):  # noqa: A001 - the name model scripts use
    """Absolute value of numbers, arrays, lists and quantities (units kept).

    Example:

    >>> abs([-2, 3] * mV)
    array([2., 3.]) * mvolt
    """
    if isinstance(value, (list, tuple)):
        return np.abs(Quantity(value))
    return builtins.abs(value)


def array(value, dtype=None, copy: bool = True, **kwargs) -> np.ndarray:
    """A plain NumPy array of ``value``; quantities give their values in SI base units.

    Example:

    >>> array([1, 2] * mV)
    array([0.001, 0.002])
    """
    if isinstance(value, (list, tuple)):
        value = [_strip(element) for element in value]
    return np.array(_strip(value), dtype=dtype, copy=copy, **kwargs)


def asarray(value, dtype=None, **kwargs) -> np.ndarray:
    """``value`` as a plain NumPy array (no copy when possible), without units.

    Example:

    >>> asarray(20 * ms)
    array(0.02)
    """
    if isinstance(value, (list, tuple)):
        value = [_strip(element) for element in value]
    return np.asarray(_strip(value), dtype=dtype, **kwargs)


def exprel(x):
    """``(exp(x) - 1) / x`` for a dimensionless ``x``, 1 at 0 and accurate near it.

    Example:

    >>> print(exprel(0.0), exprel(1e-9), round(exprel(1.0), 6))
    1.0 1.0000000005 1.718282
    """
    if get_dimensions(x) is not DIMENSIONLESS:
        raise DimensionMismatchError(
            f"exprel needs a dimensionless argument, not {x!r}", get_dimensions(x)
        )
    values = np.asarray(x, dtype=float)
    small = np.abs(values) < 1e-8
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        safe = np.where(small, 1.0, values)
        result = np.where(small, 1.0 + values / 2.0, np.expm1(safe) / safe)
    return result[()] if result.ndim == 0 else result


def arange(start, stop=None, step=None, dtype=None):
    """np.arange with quantities: ``arange(0*ms, 10*ms, 0.1*ms)``; all bounds share one unit.

    Example:

    >>> print(arange(0 * ms, 1 * ms, 0.25 * ms))
    [  0. 250. 500. 750.] us
    """
    bounds = [value for value in (start, stop, step) if value is not None]
    dims = {get_dimensions(value) for value in bounds}
    if len(dims) > 1:
        from axonal.units.array_functions import _same_dimension

        _same_dimension(bounds, "arange")
    dim = dims.pop()
    raw = [_strip(value) for value in (start, stop, step)]
    if raw[1] is None:
        result = np.arange(raw[0], step=raw[2], dtype=dtype)
    else:
        result = np.arange(raw[0], raw[1], raw[2], dtype=dtype)
    return Quantity.with_dimensions(result, dim) if dim is not DIMENSIONLESS else result


def full(shape, fill_value, dtype=None):
    """An array of ``shape`` filled with ``fill_value``, keeping its unit.

    Example:

    >>> full(3, -70 * mV)
    array([-70., -70., -70.]) * mvolt
    """
    return _wrap(np.full(shape, _strip(fill_value), dtype=dtype), get_dimensions(fill_value))
