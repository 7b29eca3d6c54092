"""Functions callable from model code: their dimension rules and NumPy / Numba implementations."""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from axonal.units import DIMENSIONLESS, Dimension, Quantity, get_dimensions
from axonal.units.numpy_functions import exprel

__all__ = ["DEFAULT_CONSTANTS", "DEFAULT_FUNCTIONS", "Function", "implementation"]

TARGETS = ("numpy", "numba")


@dataclass(frozen=True)
class Argument:
    """What a dimension rule knows about one argument of a call."""

    text: str
    dimensions: Dimension
    # A literal 0 (or an infinity) fits any dimension, as in ``clip(v, 0, v_max)``.
    neutral: bool = False


class FunctionDimensionError(ValueError):
    """A call whose arguments have the wrong dimensions; the checker adds owner and line."""


DimensionRule = Callable[[str, Sequence[Argument]], Dimension]


def show_dimensions(dim: Dimension) -> str:
    """A dimension as the unit a scientist would name: ``volt``, ``volt/second``, ``1``."""
    if dim is DIMENSIONLESS:
        return "1 (dimensionless)"
    from axonal.units.display import dimension_display_name

    return dimension_display_name(dim)


def _dimensionless_rule(name: str, args: Sequence[Argument]) -> Dimension:
    for position, arg in enumerate(args, start=1):
        if arg.dimensions is not DIMENSIONLESS:
            raise FunctionDimensionError(
                f"{name}() needs a dimensionless argument, but argument {position} "
                f"{arg.text!r} has units of {show_dimensions(arg.dimensions)}."
            )
    return DIMENSIONLESS


def _keep_rule(name: str, args: Sequence[Argument]) -> Dimension:
    return args[0].dimensions


def _sqrt_rule(name: str, args: Sequence[Argument]) -> Dimension:
    return args[0].dimensions ** 0.5


def _sign_rule(name: str, args: Sequence[Argument]) -> Dimension:
    return DIMENSIONLESS


def _clip_rule(name: str, args: Sequence[Argument]) -> Dimension:
    value = args[0]
    for bound in args[1:]:
        if bound.neutral or bound.dimensions is value.dimensions:
            continue
        raise FunctionDimensionError(
            f"clip() needs its bounds in the units of its first argument: {value.text!r} has "
            f"units of {show_dimensions(value.dimensions)}, but {bound.text!r} has units of "
            f"{show_dimensions(bound.dimensions)}."
        )
    return value.dimensions


def _fixed_units_rule(arg_dims: Sequence[Dimension | None], return_dims: Dimension):
    """The rule of a user function declared with ``arg_units`` and ``return_unit``."""

    def rule(name: str, args: Sequence[Argument]) -> Dimension:
        for position, (arg, expected) in enumerate(zip(args, arg_dims, strict=True), start=1):
            if expected is None or arg.neutral or arg.dimensions is expected:
                continue
            raise FunctionDimensionError(
                f"{name}() needs argument {position} in units of {show_dimensions(expected)}, "
                f"but {arg.text!r} has units of {show_dimensions(arg.dimensions)}."
            )
        return return_dims

    return rule


def _unit_dimensions(unit: object, what: str, name: str) -> Dimension | None:
    if unit is None:
        return None
    if isinstance(unit, str):
        if unit in ("1", "boolean", "integer"):
            return DIMENSIONLESS
        raise TypeError(f"Function {name!r}: the {what} {unit!r} is not a unit.")
    if isinstance(unit, Dimension):
        return unit
    return get_dimensions(unit)


def _units_from_check_units(pyfunc: Callable) -> tuple[list | None, object]:
    """``arg_units`` and ``return_unit`` declared with ``check_units`` on the function, if any."""
    arg_units = getattr(pyfunc, "_arg_units", None)
    return_unit = getattr(pyfunc, "_return_unit", None)
    if arg_units is not None:
        return list(arg_units), return_unit
    specs = _check_units_specs(pyfunc)
    if specs is None:
        return None, None
    parameters = list(inspect.signature(pyfunc.__wrapped__).parameters)

    def unit_of(spec: object) -> object:
        if spec is bool:
            return "boolean"
        if isinstance(spec, str):  # "the same units as argument <spec>"
            return unit_of(specs.get(spec))
        if isinstance(spec, (int, float)) and spec == 1:
            return "1"
        return spec

    return [unit_of(specs.get(name)) for name in parameters], unit_of(specs.get("result"))


def _check_units_specs(pyfunc: Callable) -> dict | None:
    # The units room's check_units does not (yet) record its specs as attributes; they are
    # the ``specs`` its wrapper closes over. Remove this once it sets _arg_units/_return_unit.
    if not hasattr(pyfunc, "__wrapped__") or getattr(pyfunc, "__closure__", None) is None:
        return None
    try:
        specs = inspect.getclosurevars(pyfunc).nonlocals.get("specs")
    except (TypeError, ValueError):
        return None
    return specs if isinstance(specs, dict) and "result" in specs else None


def declares_units(pyfunc: object) -> bool:
    """True for a Python function that says which units it takes and returns (check_units)."""
    if not callable(pyfunc) or isinstance(pyfunc, Function):
        return False
    arg_units, return_unit = _units_from_check_units(pyfunc)
    return arg_units is not None and return_unit is not None


class Function:
    r"""A function model code can call: its arity, dimension rule and target implementations.

    ``Function(pyfunc, arg_units=[mV, 1], return_unit=nA)`` declares a user function whose NumPy
    implementation is ``pyfunc`` itself, called with unit-carrying arguments (so a function
    decorated with ``check_units`` works unchanged). A Numba implementation is a plain Python
    function on raw SI floats that ``numba.njit`` can compile; add it with ``implementation``.

    Example:

    >>> def half_wave(x):
    ...     return (x + abs(x)) / 2
    >>> rectify = Function(half_wave, arg_units=[mV], return_unit=mV)
    >>> G = NeuronGroup(3, 'y = rectify(x) : volt\nx : volt')
    >>> G.x = [-5, 0, 5] * mV
    >>> print(G.y[:])
    [0. 0. 5.] mV
    """

    def __init__(
        self,
        pyfunc: Callable | None,
        arg_units: Sequence[object] | None = None,
        return_unit: object = None,
        *,
        name: str | None = None,
        n_args: int | None = None,
        dimension_rule: DimensionRule | None = None,
        return_type: str = "float",
        stochastic: bool = False,
        numpy_implementation: Callable | None = None,
        numba_implementation: Callable | None = None,
        unit_aware: bool | None = None,
    ) -> None:
        self.pyfunc = pyfunc
        self.name = name or getattr(pyfunc, "__name__", None) or "function"
        if arg_units is None and return_unit is None and pyfunc is not None:
            arg_units, return_unit = _units_from_check_units(pyfunc)
        if dimension_rule is None:
            if arg_units is None or return_unit is None:
                raise TypeError(
                    f"Function {self.name!r} does not say which units it takes and returns: "
                    "give arg_units=[...] and return_unit=..., or decorate it with "
                    "@check_units(arg=unit, ..., result=unit)."
                )
            self.arg_dimensions: tuple[Dimension | None, ...] | None = tuple(
                _unit_dimensions(unit, "argument unit", self.name) for unit in arg_units
            )
            self.return_dimensions: Dimension | None = _unit_dimensions(
                return_unit, "return unit", self.name
            )
            dimension_rule = _fixed_units_rule(self.arg_dimensions, self.return_dimensions)
            n_args = len(self.arg_dimensions) if n_args is None else n_args
            if isinstance(return_unit, str) and return_unit in ("boolean", "integer"):
                return_type = "bool" if return_unit == "boolean" else "int"
        else:
            self.arg_dimensions = None
            self.return_dimensions = None
        self.n_args = n_args
        self.dimension_rule = dimension_rule
        self.return_type = return_type
        self.stochastic = stochastic
        # Built-in functions get raw arrays; user functions see quantities unless told otherwise.
        self.unit_aware = (self.arg_dimensions is not None) if unit_aware is None else unit_aware
        self.implementations: dict[str, Callable] = {}
        if numpy_implementation is not None:
            self.add_implementation("numpy", numpy_implementation)
        elif pyfunc is not None:
            self.add_implementation("numpy", pyfunc)
        if numba_implementation is not None:
            self.add_implementation("numba", numba_implementation)

    def add_implementation(self, target: str, code: Callable) -> None:
        """Register ``code`` as this function's implementation for ``target``."""
        if target not in TARGETS:
            raise ValueError(
                f"Function {self.name!r}: unknown target {target!r}; expected one of "
                f"{', '.join(TARGETS)}."
            )
        if not callable(code):
            raise TypeError(
                f"Function {self.name!r}: the {target} implementation must be a Python "
                f"function, got {type(code).__name__}."
            )
        self.implementations[target] = code

    def result_dimensions(self, args: Sequence[Argument]) -> Dimension:
        """The dimensions of a call with these arguments; FunctionDimensionError if they misfit."""
        if self.n_args is not None and len(args) != self.n_args:
            plural = "argument" if self.n_args == 1 else "arguments"
            raise FunctionDimensionError(
                f"{self.name}() takes {self.n_args} {plural}, but the call gives {len(args)}."
            )
        return self.dimension_rule(self.name, args)

    def numpy_function(self) -> Callable:
        """The NumPy implementation as a function of raw SI arrays returning raw SI values."""
        try:
            code = self.implementations["numpy"]
        except KeyError:
            raise LookupError(f"Function {self.name!r} has no NumPy implementation.") from None
        if not self.unit_aware or self.arg_dimensions is None:
            return code
        dims = self.arg_dimensions

        def raw_call(*raw_args):
            # The user's function expects quantities (and may check their units): give it them.
            args = [
                arg if dim is None or dim is DIMENSIONLESS else Quantity.with_dimensions(arg, dim)
                for arg, dim in zip(raw_args, dims, strict=True)
            ]
            return np.asarray(code(*args))

        raw_call.__name__ = self.name
        return raw_call

    def numba_function(self) -> Callable | None:
        """The Numba-compilable implementation (on raw floats), or None if there is none."""
        return self.implementations.get("numba")

    def __call__(self, *args, **kwargs):
        if self.pyfunc is None:
            raise TypeError(f"Function {self.name!r} can only be called from model code.")
        return self.pyfunc(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Function {self.name}>"


def implementation(
    target: str, code: Callable | None = None, *, name: str | None = None
) -> Callable[[Callable | Function], Function]:
    r"""Decorator: attach an implementation for ``target`` ('numpy' or 'numba') to a function.

    ``code`` is the implementation; without it the decorated Python function itself is used::

        @implementation('numba', lambda v: v * v)   # raw floats, compiled by numba
        @check_units(v=volt, result=volt**2)
        def square(v):
            return v * v

    Example:

    >>> @implementation('numba', lambda x: x * x)  # the same on raw floats, compiled
    ... @check_units(x=1, result=1)
    ... def square(x):
    ...     return x * x
    >>> G = NeuronGroup(2, 'y = square(x) : 1\nx : 1')
    >>> G.x = [2, 3]
    >>> G.y[:]
    array([4., 9.])
    """

    def decorate(function: Callable | Function) -> Function:
        if not isinstance(function, Function):
            function = Function(function, name=name)
        function.add_implementation(target, code if code is not None else function.pyfunc)
        return function

    return decorate


# --- built-in implementations -------------------------------------------------------------


def _exprel_scalar(x):
    if abs(x) < 1e-8:
        return 1.0 + x / 2.0
    if x > 709.0:
        return math.inf
    return math.expm1(x) / x


def _clip_scalar(x, low, high):
    return min(max(x, low), high)


def _int_numpy(x):
    return np.asarray(np.trunc(x)).astype(np.int32)[()]


def _int_scalar(x):
    return int(x)


def _sign_scalar(x):
    return float(np.sign(x))


def _floor_scalar(x):
    return float(math.floor(x))


def _ceil_scalar(x):
    return float(math.ceil(x))


def _same_units_rule(name: str, args: Sequence[Argument]) -> Dimension:
    """timestep(t, dt): both arguments in one unit; the result is a plain integer."""
    first, second = args
    if not (first.neutral or second.neutral or first.dimensions is second.dimensions):
        raise FunctionDimensionError(
            f"{name}() needs both arguments in the same units, but {first.text!r} has units of "
            f"{show_dimensions(first.dimensions)} and {second.text!r} of "
            f"{show_dimensions(second.dimensions)}."
        )
    return DIMENSIONLESS


def _timestep_numpy(t, dt):
    # As Brian 2: the step a time falls in, robust to rounding just below a step boundary.
    return np.asarray(np.asarray(t + 1e-3 * dt) / np.asarray(dt)).astype(np.int64)[()]


def _timestep_scalar(t, dt):
    return int((t + 1e-3 * dt) / dt)


def _rand_numpy(size):
    return np.random.rand(size)


def _randn_numpy(size):
    return np.random.randn(size)


def _rand_scalar():
    return np.random.random()


def _randn_scalar():
    return np.random.standard_normal()


def _builtin(
    name: str,
    numpy_code: Callable,
    numba_code: Callable,
    rule: DimensionRule,
    n_args: int = 1,
    **options,
) -> Function:
    return Function(
        numpy_code,
        name=name,
        n_args=n_args,
        dimension_rule=rule,
        numpy_implementation=numpy_code,
        numba_implementation=numba_code,
        unit_aware=False,
        **options,
    )


_DIMENSIONLESS_FUNCTIONS = {
    "exp": (np.exp, math.exp),
    "log": (np.log, math.log),
    "log10": (np.log10, math.log10),
    "sin": (np.sin, math.sin),
    "cos": (np.cos, math.cos),
    "tan": (np.tan, math.tan),
    "sinh": (np.sinh, math.sinh),
    "cosh": (np.cosh, math.cosh),
    "tanh": (np.tanh, math.tanh),
    "arcsin": (np.arcsin, math.asin),
    "arccos": (np.arccos, math.acos),
    "arctan": (np.arctan, math.atan),
    "exprel": (exprel, _exprel_scalar),
}

DEFAULT_FUNCTIONS: Mapping[str, Function] = MappingProxyType(
    {
        **{
            name: _builtin(name, numpy_code, numba_code, _dimensionless_rule)
            for name, (numpy_code, numba_code) in _DIMENSIONLESS_FUNCTIONS.items()
        },
        "sqrt": _builtin("sqrt", np.sqrt, math.sqrt, _sqrt_rule),
        "abs": _builtin("abs", np.abs, abs, _keep_rule),
        "floor": _builtin("floor", np.floor, _floor_scalar, _keep_rule),
        "ceil": _builtin("ceil", np.ceil, _ceil_scalar, _keep_rule),
        "sign": _builtin("sign", np.sign, _sign_scalar, _sign_rule),
        "clip": _builtin("clip", np.clip, _clip_scalar, _clip_rule, n_args=3),
        "int": _builtin("int", _int_numpy, _int_scalar, _dimensionless_rule, return_type="int"),
        "timestep": _builtin(
            "timestep",
            _timestep_numpy,
            _timestep_scalar,
            _same_units_rule,
            n_args=2,
            return_type="int",
        ),  # fmt: skip
        "rand": _builtin(
            "rand", _rand_numpy, _rand_scalar, _dimensionless_rule, n_args=0, stochastic=True
        ),
        "randn": _builtin(
            "randn", _randn_numpy, _randn_scalar, _dimensionless_rule, n_args=0, stochastic=True
        ),
    }
)
"""The functions every model can call without importing anything.

The NumPy implementations of ``rand`` and ``randn`` take the number of values to draw (one per
element of the kernel); their Numba implementations draw one value per call.
"""

DEFAULT_CONSTANTS: Mapping[str, float | bool] = MappingProxyType(
    {"pi": math.pi, "e": math.e, "inf": math.inf, "True": True, "False": False}
)
"""Dimensionless constants every model can use by name."""

timestep = DEFAULT_FUNCTIONS["timestep"]
"""``timestep(t, dt)``: the integer time step that ``t`` falls in, in code and in Python."""
