"""Quantity and Unit: NumPy arrays that carry a Dimension through arithmetic and NumPy functions.

Convention: any operation whose result is dimensionless returns a plain NumPy value (an ndarray
or a NumPy scalar, which is a Python float), so ``exp(-t/tau)`` and ``x/mV`` give plain numbers.
Constructors (``Quantity(...)``, ``Quantity.with_dimensions``) always return a Quantity.
"""

from __future__ import annotations

import operator
from numbers import Number, Real

import numpy as np

from axonal.units.dimension import DIMENSIONLESS, Dimension, DimensionMismatchError

__all__ = [
    "Quantity",
    "Unit",
    "get_dimensions",
    "have_same_dimensions",
    "in_unit",
    "is_dimensionless",
]

_ndarray = np.ndarray
_view = np.ndarray.view


def get_dimensions(value: object) -> Dimension:
    """The Dimension of a quantity, unit or Dimension; plain numbers are dimensionless.

    Example:

    >>> print(get_dimensions(5 * mV))
    m^2 kg s^-3 A^-1
    """
    dim = getattr(value, "dim", None)
    if dim is not None:
        return dim
    if isinstance(value, Dimension):
        return value
    if isinstance(value, (list, tuple)) and value:
        return _common_dimension(value, "a list")
    return DIMENSIONLESS


def _common_dimension(values, what: str) -> Dimension:
    dims = {get_dimensions(value) for value in values}
    if len(dims) > 1:
        raise DimensionMismatchError(f"The elements of {what} have different units", *dims)
    return dims.pop()


def have_same_dimensions(first: object, second: object) -> bool:
    """Whether two values (quantities, units, numbers or Dimensions) have the same dimension.

    Example:

    >>> have_same_dimensions(3 * mV, volt)
    True
    >>> have_same_dimensions(3 * mV, nA)
    False
    """
    return get_dimensions(first) is get_dimensions(second)


def is_dimensionless(value: object) -> bool:
    """Whether a value (quantity, unit, number or Dimension) is dimensionless.

    Example:

    >>> is_dimensionless(10 * ms / second), is_dimensionless(ms)
    (True, False)
    """
    return get_dimensions(value) is DIMENSIONLESS


def in_unit(value: object, unit: Quantity) -> np.ndarray | float:
    """The plain number(s) of ``value`` expressed in ``unit``, after checking the dimensions.

    Example:

    >>> print(in_unit(0.02 * volt, mV))
    20.0
    """
    if isinstance(value, (list, tuple)):
        value = Quantity(value)
    value_dim = get_dimensions(value)
    unit_dim = get_dimensions(unit)
    if value_dim is not unit_dim:
        raise DimensionMismatchError(
            f"Cannot express {_describe(value)} in {_describe(unit)}", value_dim, unit_dim
        )
    return np.asarray(value) / np.asarray(unit)


def _wrap(raw, dim: Dimension):
    """The result of an operation: a plain value when dimensionless, else a Quantity view."""
    if dim is DIMENSIONLESS:
        return raw
    if type(raw) is not _ndarray:
        if isinstance(raw, _ndarray):
            raw = _view(raw, _ndarray)
        else:
            raw = np.asarray(raw)
    result = _view(raw, Quantity)
    result.dim = dim
    return result


_item = np.ndarray.item


def _scalar(value, dim: Dimension):
    """A 0-d result from a Python number: a NumPy scalar when dimensionless, else a Quantity."""
    if dim is DIMENSIONLESS:
        return np.float64(value) if type(value) is float else np.asarray(value)[()]
    result = _view(np.array(value), Quantity)
    result.dim = dim
    return result


def _same_unit_operator(ufunc, python_operator, keeps_unit=False, answer_for_non_numbers=None):
    """An operator method for + - < <= > >= == != with a fast path for operands of one unit.

    ``answer_for_non_numbers`` is what ``==``/``!=`` answer for None, strings and Dimensions.
    """

    def operator_method(self, other):
        if isinstance(other, Quantity) and other.dim is self.dim:
            if not self.shape and not other.shape:
                result = python_operator(_item(self), _item(other))
                return _scalar(result, self.dim) if keeps_unit else result
            result = ufunc(_view(self, _ndarray), _view(other, _ndarray))
            return _wrap(result, self.dim) if keeps_unit else result
        if answer_for_non_numbers is not None and (
            other is None or isinstance(other, (str, Dimension))
        ):
            return answer_for_non_numbers
        return NotImplemented if _defer(other) else ufunc(self, other)

    operator_method.__name__ = f"__{python_operator.__name__}__"
    return operator_method


def _describe(value: object) -> str:
    """A short text naming a value in an error message."""
    if isinstance(value, Unit):
        return value.dispname
    if isinstance(value, Quantity):
        if value.size <= 6:
            return str(value)
        from axonal.units.display import dimension_display_name

        return f"an array of shape {value.shape} in {dimension_display_name(value.dim)}"
    if isinstance(value, np.ndarray) and value.size > 6:
        return f"a plain array of shape {value.shape}"
    return repr(value) if not isinstance(value, np.ndarray) else np.array2string(value)


def _is_plain_zero(value: object) -> bool:
    """A number or array of numbers (not a quantity) that is zero everywhere."""
    return _is_neutral_number(value) and bool(np.all(np.asarray(value, dtype=float) == 0))


def _is_neutral_number(value: object) -> bool:
    """Plain zeros and infinities compare with any unit (``v > 0``, ``clip(v, 0, inf)``)."""
    if isinstance(value, Quantity):
        return False
    try:
        values = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return False
    return bool(np.all((values == 0) | np.isinf(values) | np.isnan(values)))


# --- How each ufunc treats dimensions ----------------------------------------------------------

_OPERATOR_SYMBOLS = {
    np.add: "+",
    np.subtract: "-",
    np.multiply: "*",
    np.true_divide: "/",
    np.floor_divide: "//",
    np.remainder: "%",
    np.power: "**",
    np.less: "<",
    np.less_equal: "<=",
    np.greater: ">",
    np.greater_equal: ">=",
    np.equal: "==",
    np.not_equal: "!=",
}

# Binary ufuncs whose operands must share a dimension, which the result keeps.
# (np.divmod keeps it for the remainder; its quotient is plain.)
_SAME_KEEP = {
    np.add,
    np.divmod,
    np.subtract,
    np.maximum,
    np.minimum,
    np.fmax,
    np.fmin,
    np.remainder,
    np.fmod,
    np.hypot,
    np.nextafter,
    np.copysign,
}
# Binary ufuncs whose operands must share a dimension; the result is plain.
_SAME_PLAIN = {
    np.less,
    np.less_equal,
    np.greater,
    np.greater_equal,
    np.equal,
    np.not_equal,
    np.arctan2,
    np.logaddexp,
    np.logaddexp2,
}
# Of those, the ones where a plain 0 or inf may stand for any unit.
_NEUTRAL_ALLOWED = {
    np.less,
    np.less_equal,
    np.greater,
    np.greater_equal,
    np.equal,
    np.not_equal,
    np.maximum,
    np.minimum,
    np.fmax,
    np.fmin,
}
# Of those, the ones where a plain 0 (not inf) may stand for any unit, as in Brian 2:
# ``3*mV + 0`` (the start value of Python's ``sum``), ``np.arange(0., T, dt)``.
_ZERO_ALLOWED = {np.add, np.subtract}
# Unary ufuncs that keep the dimension.
_UNARY_KEEP = {
    np.negative,
    np.positive,
    np.absolute,
    np.fabs,
    np.conjugate,
    np.rint,
    np.floor,
    np.ceil,
    np.trunc,
    np.spacing,
}
# Ufuncs that accept any dimension and give a plain result.
_ANY_PLAIN = {np.isnan, np.isinf, np.isfinite, np.signbit, np.sign}
_POWER_OF = {np.sqrt: 0.5, np.square: 2, np.cbrt: 1 / 3, np.reciprocal: -1}


def _mismatch(ufunc, inputs, dims) -> DimensionMismatchError:
    symbol = _OPERATOR_SYMBOLS.get(ufunc)
    if symbol is not None and len(inputs) == 2:
        text = f"{_describe(inputs[0])} {symbol} {_describe(inputs[1])}"
    else:
        text = f"{ufunc.__name__}({', '.join(_describe(x) for x in inputs)})"
    return DimensionMismatchError(f"Cannot calculate {text}, units do not match", *dims)


def _same_dimension(ufunc, inputs, dims) -> Dimension:
    first, second = dims
    if first is second:
        return first
    if ufunc in _NEUTRAL_ALLOWED:
        if first is DIMENSIONLESS and _is_neutral_number(inputs[0]):
            return second
        if second is DIMENSIONLESS and _is_neutral_number(inputs[1]):
            return first
    if ufunc in _ZERO_ALLOWED:
        if first is DIMENSIONLESS and _is_plain_zero(inputs[0]):
            return second
        if second is DIMENSIONLESS and _is_plain_zero(inputs[1]):
            return first
    raise _mismatch(ufunc, inputs, dims)


def _power_dimension(inputs, dims) -> Dimension:
    base_dim, exponent_dim = dims
    if exponent_dim is not DIMENSIONLESS:
        raise DimensionMismatchError(
            f"Cannot calculate {_describe(inputs[0])} ** {_describe(inputs[1])}: "
            "the exponent must be dimensionless",
            exponent_dim,
        )
    if base_dim is DIMENSIONLESS:
        return DIMENSIONLESS
    exponent = np.asarray(inputs[1])
    if exponent.size != 1:
        if exponent.size and np.all(exponent == exponent.flat[0]):
            return base_dim ** exponent.flat[0].item()
        raise TypeError(
            f"Cannot raise {_describe(inputs[0])} to an array of different exponents: the result "
            "would have several units."
        )
    return base_dim ** exponent.item()


def _ufunc_result_dimension(ufunc, inputs, dims) -> Dimension:
    if len(dims) == 2:
        if ufunc is np.multiply or ufunc is np.matmul:
            return dims[0] * dims[1]
        if ufunc is np.true_divide or ufunc is np.floor_divide:
            return dims[0] / dims[1]
        if ufunc in _SAME_KEEP:
            return _same_dimension(ufunc, inputs, dims)
        if ufunc in _SAME_PLAIN:
            _same_dimension(ufunc, inputs, dims)
            return DIMENSIONLESS
        if ufunc is np.power or ufunc is np.float_power:
            return _power_dimension(inputs, dims)
        if ufunc is np.ldexp:
            return dims[0]
    elif len(dims) == 1:
        if ufunc in _UNARY_KEEP:
            return dims[0]
        exponent = _POWER_OF.get(ufunc)
        if exponent is not None:
            return dims[0] ** exponent
    if ufunc in _ANY_PLAIN:
        return DIMENSIONLESS
    # Everything else (exp, log, sin, logical and bit operations, ...) needs plain numbers.
    if any(dim is not DIMENSIONLESS for dim in dims):
        raise DimensionMismatchError(
            f"{ufunc.__name__} needs dimensionless arguments, got "
            f"{', '.join(_describe(x) for x in inputs)}",
            *dims,
        )
    return DIMENSIONLESS


def _strip(value):
    """The plain ndarray behind a Quantity (a view, no copy); anything else unchanged."""
    if isinstance(value, Quantity):
        return _view(value, _ndarray)
    return value


def _check_outputs(out, dim: Dimension) -> None:
    """Refuse ufunc ``out=`` arrays that cannot hold a result of ``dim``, before any write."""
    for target in out:
        target_dim = getattr(target, "dim", DIMENSIONLESS)
        if isinstance(target, Unit):
            raise TypeError(f"Units are constant; cannot write into {target.name}.")
        if target_dim is not dim:
            raise DimensionMismatchError(
                f"Cannot store a result in {_describe_dim(dim)} into an array in "
                f"{_describe_dim(target_dim)}",
                dim,
                target_dim,
            )


# NumPy function -> handler; filled by axonal.units.array_functions.
HANDLED_FUNCTIONS: dict = {}


class Quantity(np.ndarray):
    """A NumPy array with a physical dimension (``.dim``); values are stored in SI base units.

    Example:

    >>> v = [-70, -65] * mV
    >>> v
    array([-70., -65.]) * mvolt
    >>> print(v[0] + 5 * mV)
    -65. mV
    >>> v / mV
    array([-70., -65.])
    """

    __slots__ = ("dim",)
    dim: Dimension
    __array_priority__ = 1000

    def __new__(
        cls,
        value: object,
        dim: Dimension | None = None,
        dtype: object = None,
        copy: bool = False,
    ) -> Quantity:
        if dim is None:
            dim = get_dimensions(value)
        elif not isinstance(dim, Dimension):
            raise TypeError(f"dim must be a Dimension, got {dim!r}.")
        if isinstance(value, (list, tuple)):
            value = [_strip(element) for element in value]
        # A Unit's storage is read-only; a quantity made from it gets its own.
        copy = copy or isinstance(value, Unit)
        raw = np.array(_strip(value), dtype=dtype, copy=True if copy else None)
        if dtype is None and raw.dtype.kind in "biu":
            raw = raw.astype(float)
        result = _view(raw, cls)
        result.dim = dim
        return result

    @classmethod
    def with_dimensions(cls, value: object, dim: Dimension) -> Quantity:
        """A Quantity viewing ``value`` (no copy when it is already an array) with dimension dim."""
        if type(value) is not _ndarray:
            value = np.asarray(_strip(value))
        result = _view(value, cls)
        result.dim = dim
        return result

    def __array_finalize__(self, obj) -> None:
        self.dim = getattr(obj, "dim", DIMENSIONLESS)

    def __reduce__(self):
        return (_rebuild_quantity, (np.asarray(self), self.dim))

    # --- NumPy protocol ------------------------------------------------------------------------

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        dims = [getattr(x, "dim", DIMENSIONLESS) for x in inputs]
        raw_inputs = [_view(x, _ndarray) if isinstance(x, Quantity) else x for x in inputs]
        if method == "__call__":
            dim = _ufunc_result_dimension(ufunc, inputs, dims)
        else:
            dim = _ufunc_method_dimension(ufunc, method, inputs, dims, kwargs)
        if out is not None:
            _check_outputs(out, dim)
            getattr(ufunc, method)(
                *raw_inputs, out=tuple(_strip(target) for target in out), **kwargs
            )
            return out[0] if len(out) == 1 else out
        raw_result = getattr(ufunc, method)(*raw_inputs, **kwargs)
        if method == "at":
            return None
        if ufunc is np.divmod:
            quotient, remainder = raw_result
            return quotient, _wrap(remainder, dim)
        if ufunc.nout > 1:
            return tuple(_wrap(part, dim) for part in raw_result)
        return _wrap(raw_result, dim)

    def __array_function__(self, func, types, args, kwargs):
        handler = HANDLED_FUNCTIONS.get(func)
        if handler is not None:
            return handler(*args, **kwargs)
        return super().__array_function__(func, types, args, kwargs)

    # --- Fast paths for the arithmetic operators (skip the generic ufunc dispatch) ------------
    # Same-unit operands of 0 dimensions (scalars) are computed on Python numbers: building a
    # 0-d result directly is several times faster than going through a NumPy ufunc.

    def __mul__(self, other):
        if isinstance(other, Quantity):
            dim = self.dim * other.dim
            if not self.shape and not other.shape:
                return _scalar(_item(self) * _item(other), dim)
            return _wrap(np.multiply(_view(self, _ndarray), _view(other, _ndarray)), dim)
        if isinstance(other, (float, int)):
            if not self.shape:
                return _scalar(_item(self) * other, self.dim)
            return _wrap(np.multiply(_view(self, _ndarray), other), self.dim)
        return NotImplemented if _defer(other) else np.multiply(self, other)

    def __rmul__(self, other):
        if isinstance(other, (float, int)):
            if not self.shape:
                return _scalar(other * _item(self), self.dim)
            return _wrap(np.multiply(other, _view(self, _ndarray)), self.dim)
        return NotImplemented if _defer(other) else np.multiply(other, self)

    def __truediv__(self, other):
        if isinstance(other, Quantity):
            dim = self.dim / other.dim
            if not self.shape and not other.shape:
                divisor = _item(other)
                if divisor:  # NumPy, not Python, decides what division by zero gives
                    return _scalar(_item(self) / divisor, dim)
            return _wrap(np.true_divide(_view(self, _ndarray), _view(other, _ndarray)), dim)
        if isinstance(other, (float, int)):
            if not self.shape and other:
                return _scalar(_item(self) / other, self.dim)
            return _wrap(np.true_divide(_view(self, _ndarray), other), self.dim)
        return NotImplemented if _defer(other) else np.true_divide(self, other)

    def __rtruediv__(self, other):
        if isinstance(other, (float, int)):
            return _wrap(np.true_divide(other, _view(self, _ndarray)), DIMENSIONLESS / self.dim)
        return NotImplemented if _defer(other) else np.true_divide(other, self)

    __add__ = _same_unit_operator(np.add, operator.add, keeps_unit=True)
    __sub__ = _same_unit_operator(np.subtract, operator.sub, keeps_unit=True)
    __lt__ = _same_unit_operator(np.less, operator.lt)
    __le__ = _same_unit_operator(np.less_equal, operator.le)
    __gt__ = _same_unit_operator(np.greater, operator.gt)
    __ge__ = _same_unit_operator(np.greater_equal, operator.ge)
    __eq__ = _same_unit_operator(np.equal, operator.eq, answer_for_non_numbers=False)
    __ne__ = _same_unit_operator(np.not_equal, operator.ne, answer_for_non_numbers=True)
    __hash__ = None

    # --- Conversions ---------------------------------------------------------------------------
    # float() and int() give the value in SI base units, as np.asarray does: NumPy (building an
    # array from a list of quantities) and Matplotlib (plotting quantities) rely on them. To get
    # a number in a chosen unit, divide by the unit or use in_unit().

    def __index__(self) -> int:
        if self.dim is not DIMENSIONLESS:
            raise DimensionMismatchError(
                f"Cannot use {_describe(self)} as an index; it has units", self.dim
            )
        return _view(self, _ndarray).__index__()

    def __getitem__(self, key):
        return Quantity.with_dimensions(_ndarray.__getitem__(_view(self, _ndarray), key), self.dim)

    def __setitem__(self, key, value) -> None:
        if isinstance(value, (list, tuple)):
            value = Quantity(value)
        value_dim = getattr(value, "dim", DIMENSIONLESS)
        if value_dim is not self.dim and not (
            value_dim is DIMENSIONLESS and _is_neutral_number(value)
        ):
            raise DimensionMismatchError(
                f"Cannot assign {_describe(value)} to an array in {_describe_dim(self.dim)}",
                value_dim,
                self.dim,
            )
        _ndarray.__setitem__(_view(self, _ndarray), key, _strip(value))

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d quantity")
        dim = self.dim
        for element in _view(self, _ndarray):
            yield Quantity.with_dimensions(element, dim)

    def item(self, *args):
        return Quantity(_view(self, _ndarray).item(*args), dim=self.dim)

    def tolist(self):
        def convert(value):
            if isinstance(value, list):
                return [convert(element) for element in value]
            return Quantity(value, dim=self.dim)

        return convert(_view(self, _ndarray).tolist())

    def fill(self, value) -> None:
        self[...] = value

    # --- Methods that keep (or transform) the unit: the NumPy functions' handlers do the work --

    def sum(self, *args, **kwargs):
        return np.sum(self, *args, **kwargs)

    def mean(self, *args, **kwargs):
        return np.mean(self, *args, **kwargs)

    def std(self, *args, **kwargs):
        return np.std(self, *args, **kwargs)

    def var(self, *args, **kwargs):
        return np.var(self, *args, **kwargs)

    def min(self, *args, **kwargs):
        return np.min(self, *args, **kwargs)

    def max(self, *args, **kwargs):
        return np.max(self, *args, **kwargs)

    def ptp(self, *args, **kwargs):
        return np.ptp(self, *args, **kwargs)

    def cumsum(self, *args, **kwargs):
        return np.cumsum(self, *args, **kwargs)

    def round(self, *args, **kwargs):
        return np.round(self, *args, **kwargs)

    def prod(self, *args, **kwargs):
        return np.prod(self, *args, **kwargs)

    def cumprod(self, *args, **kwargs):
        return np.cumprod(self, *args, **kwargs)

    def clip(self, min=None, max=None, **kwargs):  # noqa: A002 - NumPy's names
        return np.clip(self, min, max, **kwargs)

    def dot(self, other, *args, **kwargs):
        return np.dot(self, other, *args, **kwargs)

    # --- Display ------------------------------------------------------------------------------

    def __str__(self) -> str:
        from axonal.units.display import format_quantity

        return format_quantity(self)

    def __repr__(self) -> str:
        from axonal.units.display import quantity_repr

        return quantity_repr(self)

    def __format__(self, format_spec: str) -> str:
        if not format_spec:
            return str(self)
        from axonal.units.display import format_quantity

        return format_quantity(self, format_spec)


def _defer(other) -> bool:
    """Whether an operand of an unknown type should get the chance to handle the operation."""
    return not isinstance(other, (np.ndarray, Number, list, tuple)) and not hasattr(
        other, "__array__"
    )


def _describe_dim(dim: Dimension) -> str:
    from axonal.units.display import dimension_display_name

    return dimension_display_name(dim)


def _rebuild_quantity(raw: np.ndarray, dim: Dimension) -> Quantity:
    return Quantity.with_dimensions(raw, dim)


def _ufunc_method_dimension(ufunc, method, inputs, dims, kwargs) -> Dimension:
    """Dimension of ``reduce``, ``accumulate``, ``reduceat``, ``outer`` and ``at`` results."""
    if method == "outer" or method == "at":
        return _ufunc_result_dimension(ufunc, inputs, dims)
    dim = dims[0]
    if dim is DIMENSIONLESS:
        return DIMENSIONLESS
    if ufunc in _SAME_KEEP:
        return dim
    if ufunc in _SAME_PLAIN:
        return DIMENSIONLESS
    raise DimensionMismatchError(
        f"np.{ufunc.__name__}.{method} is not defined for {_describe(inputs[0])}", dim
    )


class Unit(Quantity):
    """A named scalar quantity such as ``mV`` or ``siemens/cm**2``; Units combine into Units.

    ``name`` evaluates back to the unit with ``from axonal import *`` (``mvolt``); ``dispname``
    is the short symbol used in display (``mV``).

    Example:

    >>> conductance = 10 * nS
    >>> print(conductance * (20 * mV))
    200. pA
    >>> msiemens / cm**2
    msiemens / cmetre ** 2
    """

    __slots__ = ("name", "dispname", "is_compound")

    def __new__(
        cls,
        scale: float,
        dim: Dimension = DIMENSIONLESS,
        name: str | None = None,
        dispname: str | None = None,
        is_compound: bool = False,
    ) -> Unit:
        result = _view(np.array(float(scale)), cls)
        result.dim = dim
        result.name = name if name is not None else repr(float(scale))
        result.dispname = dispname if dispname is not None else result.name
        result.is_compound = is_compound
        result.flags.writeable = False
        return result

    def __array_finalize__(self, obj) -> None:
        self.dim = getattr(obj, "dim", DIMENSIONLESS)
        self.name = getattr(obj, "name", "")
        self.dispname = getattr(obj, "dispname", "")
        self.is_compound = getattr(obj, "is_compound", False)

    @property
    def scale(self) -> float:
        """The size of the unit in SI base units (``mV.scale == 0.001``)."""
        return float(_view(self, _ndarray))

    def __reduce__(self):
        return (_rebuild_unit, (self.scale, self.dim, self.name, self.dispname, self.is_compound))

    def __hash__(self) -> int:
        return hash((self.scale, self.dim))

    def __str__(self) -> str:
        return self.dispname

    def __repr__(self) -> str:
        return self.name

    def _as_factor(self) -> tuple[str, str]:
        if self.is_compound:
            return f"({self.name})", f"({self.dispname})"
        return self.name, self.dispname

    def __mul__(self, other):
        if other is self:
            return _power_unit(self, 2)
        if isinstance(other, Unit):
            return _combine_units(self, other, "*")
        return Quantity.__mul__(self, other)

    def __truediv__(self, other):
        if isinstance(other, Unit):
            return _combine_units(self, other, "/")
        return Quantity.__truediv__(self, other)

    def __rtruediv__(self, other):
        if isinstance(other, (int, float)) and other == 1 and not isinstance(other, bool):
            return _combine_units(ONE, self, "/")
        return Quantity.__rtruediv__(self, other)

    def __pow__(self, exponent):
        if isinstance(exponent, Real) and not isinstance(exponent, bool):
            return _power_unit(self, exponent)
        return np.power(self, exponent)

    # Units are constants: in-place operators rebind the name to a new Quantity instead.
    def __iadd__(self, other):
        return self + other

    def __isub__(self, other):
        return self - other

    def __imul__(self, other):
        return self * other

    def __itruediv__(self, other):
        return self / other


def _rebuild_unit(scale, dim, name, dispname, is_compound) -> Unit:
    from axonal.units.registry import registry

    registered = registry.get(name)
    if registered is not None and registered.dim is dim and registered.scale == scale:
        return registered
    return Unit(scale, dim, name, dispname, is_compound)


def _combine_units(first: Unit, second: Unit, operation: str, keep_dimensionless: bool = False):
    """``first * second`` or ``first / second`` as a Unit (a plain number when dimensionless)."""
    raw_first = first.scale
    raw_second = second.scale
    if operation == "*":
        dim = first.dim * second.dim
        scale = raw_first * raw_second
    else:
        dim = first.dim / second.dim
        scale = raw_first / raw_second
    if dim is DIMENSIONLESS and not keep_dimensionless:
        return np.float64(scale)
    first_name, first_disp = first.name, first.dispname
    if operation == "/" and first.is_compound and "/" in first.name:
        first_name, first_disp = first._as_factor()
    second_name, second_disp = second._as_factor()
    if operation == "*":
        name = f"{first_name} * {second_name}"
        dispname = f"{first_disp} {second_disp}"
    else:
        name = f"{first_name} / {second_name}"
        dispname = f"{first_disp}/{second_disp}"
    return Unit(scale, dim, name, dispname, is_compound=True)


def _power_unit(unit: Unit, exponent: float, keep_dimensionless: bool = False):
    """``unit ** exponent`` as a Unit (a plain number when dimensionless)."""
    dim = unit.dim**exponent
    scale = unit.scale**exponent
    if dim is DIMENSIONLESS and not keep_dimensionless:
        return np.float64(scale)
    if exponent == 1:
        return unit
    shown = int(exponent) if float(exponent).is_integer() else exponent
    name, dispname = unit.name, unit.dispname
    if unit.is_compound or "**" in name:
        name, dispname = f"({name})", f"({dispname})"
    # A power binds tighter than * and /, so it needs no parentheses when combined further.
    return Unit(scale, dim, f"{name} ** {shown}", f"{dispname}^{shown}", is_compound=False)


# The dimensionless unit "1" (the unit of a dimensionless variable in an equation).
ONE = Unit(1.0, DIMENSIONLESS, "1", "1")
