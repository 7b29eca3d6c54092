"""Functions of model code: dimension rules, implementations, user-defined functions."""

import math
import types

import numpy as np
import pytest

from axonal.model import Function, implementation
from axonal.model.functions import (
    DEFAULT_CONSTANTS,
    DEFAULT_FUNCTIONS,
    Argument,
    FunctionDimensionError,
    declares_units,
)
from axonal.units import DIMENSIONLESS, Dimension, check_units, mV, nA, ohm, volt

VOLT = volt.dim
ONE = DIMENSIONLESS

DIMENSIONLESS_FUNCTIONS = [
    "exp", "log", "log10", "sin", "cos", "tan", "sinh", "cosh", "tanh",
    "arcsin", "arccos", "arctan", "exprel", "int",
]  # fmt: skip


def _call(name, *dims, neutral=()):
    args = [Argument(f"a{k}", dim, k in neutral) for k, dim in enumerate(dims)]
    return DEFAULT_FUNCTIONS[name].result_dimensions(args)


def test_the_issue_lists_every_default_function():
    expected = set(DIMENSIONLESS_FUNCTIONS) | {"sqrt", "abs", "floor", "ceil", "sign", "clip"}
    assert set(DEFAULT_FUNCTIONS) == expected | {"rand", "randn", "timestep"}  # timestep: #13
    assert dict(DEFAULT_CONSTANTS) == {
        "pi": math.pi,
        "e": math.e,
        "inf": math.inf,
        "True": True,
        "False": False,
    }


@pytest.mark.parametrize("name", DIMENSIONLESS_FUNCTIONS)
def test_dimensionless_functions_need_a_dimensionless_argument(name):
    assert _call(name, ONE) is ONE
    with pytest.raises(FunctionDimensionError, match=rf"{name}\(\) needs a dimensionless"):
        _call(name, VOLT)


@pytest.mark.parametrize("name", ["abs", "floor", "ceil"])
def test_functions_that_keep_the_dimension(name):
    assert _call(name, VOLT) is VOLT
    assert _call(name, ONE) is ONE


def test_sqrt_halves_the_dimension_and_sign_drops_it():
    assert _call("sqrt", VOLT**2) is VOLT
    assert _call("sqrt", VOLT) is Dimension(m=1, kg=0.5, s=-1.5, A=-0.5)
    assert _call("sign", VOLT) is ONE


def test_clip_needs_bounds_in_the_units_of_its_value():
    assert _call("clip", VOLT, VOLT, VOLT) is VOLT
    assert _call("clip", VOLT, ONE, VOLT, neutral={1}) is VOLT  # clip(v, 0, v_max)
    with pytest.raises(FunctionDimensionError, match=r"clip\(\) needs its bounds"):
        _call("clip", VOLT, ONE, VOLT)


def test_random_functions_take_no_argument_and_are_stochastic():
    for name in ("rand", "randn"):
        assert _call(name) is ONE
        assert DEFAULT_FUNCTIONS[name].stochastic
        with pytest.raises(FunctionDimensionError, match=rf"{name}\(\) takes 0 arguments"):
            _call(name, ONE)
    assert not DEFAULT_FUNCTIONS["exp"].stochastic
    with pytest.raises(FunctionDimensionError, match=r"exp\(\) takes 1 argument, but"):
        _call("exp", ONE, ONE)


def test_return_types():
    assert DEFAULT_FUNCTIONS["int"].return_type == "int"
    assert DEFAULT_FUNCTIONS["exp"].return_type == "float"


def test_exprel_is_accurate_near_zero_and_agrees_between_implementations():
    function = DEFAULT_FUNCTIONS["exprel"]
    x = np.array([-50.0, -1.0, -1e-9, 0.0, 1e-12, 1e-5, 0.5, 2.0, 30.0])
    expected = [math.expm1(v) / v if v != 0 else 1.0 for v in x]
    np.testing.assert_allclose(function.numpy_function()(x), expected, rtol=1e-12)
    scalar = function.numba_function()
    np.testing.assert_allclose([scalar(v) for v in x], expected, rtol=1e-12)
    assert function.numpy_function()(0.0) == 1.0
    assert scalar(1000.0) == math.inf


@pytest.mark.parametrize("name", [n for n in DEFAULT_FUNCTIONS if n not in ("rand", "randn")])
def test_numpy_and_scalar_implementations_agree(name):
    function = DEFAULT_FUNCTIONS[name]
    grid = np.linspace(-0.9, 0.9, 7) if name in ("arcsin", "arccos") else None
    if grid is None:
        grid = np.linspace(0.1, 3.0, 7) if name in ("log", "log10", "sqrt") else None
    if grid is None:
        grid = np.linspace(-3.3, 3.3, 7)
    args = [grid, np.full_like(grid, -1.0), np.full_like(grid, 1.0)][: function.n_args]
    vectorised = function.numpy_function()(*args)
    scalar = [function.numba_function()(*(a[k] for a in args)) for k in range(len(grid))]
    np.testing.assert_allclose(vectorised, scalar, rtol=1e-14)


def test_random_implementations_draw_the_requested_number():
    np.random.seed(3)
    assert DEFAULT_FUNCTIONS["rand"].numpy_function()(1000).shape == (1000,)
    draws = np.array([DEFAULT_FUNCTIONS["randn"].numba_function()() for _ in range(4000)])
    assert abs(draws.mean()) < 0.1 and abs(draws.std() - 1) < 0.1
    uniform = DEFAULT_FUNCTIONS["rand"].numpy_function()(4000)
    assert uniform.min() >= 0 and uniform.max() < 1 and abs(uniform.mean() - 0.5) < 0.05


@pytest.mark.slow
def test_numba_compiles_every_default_function():
    numba = pytest.importorskip("numba")
    scope = {}
    for name, function in DEFAULT_FUNCTIONS.items():
        code = function.numba_function()
        # Plain Python implementations are compiled; math/numpy functions numba knows already.
        scope[name] = numba.njit(code) if isinstance(code, types.FunctionType) else code
    source = (
        "def every(x, y):\n"
        "    return (exp(x), log(y), log10(y), sin(x), cos(x), tan(x), sinh(x), cosh(x),\n"
        "            tanh(x), arcsin(x / 10), arccos(x / 10), arctan(x), exprel(x), sqrt(y),\n"
        "            abs(x), floor(x), ceil(x), sign(x), clip(x, -1.0, 1.0), int(x),\n"
        "            rand(), randn())\n"
    )
    exec(source, scope)  # noqa: S102 - the way a code printer would build a kernel
    compiled = numba.njit(scope["every"])
    for x, y in [(0.5, 2.0), (-3.2, 1.0)]:
        result = compiled(x, y)
        expected = (
            math.exp(x), math.log(y), math.log10(y), math.sin(x), math.cos(x), math.tan(x),
            math.sinh(x), math.cosh(x), math.tanh(x), math.asin(x / 10), math.acos(x / 10),
            math.atan(x), math.expm1(x) / x, math.sqrt(y), abs(x), math.floor(x), math.ceil(x),
            math.copysign(1.0, x), min(max(x, -1.0), 1.0), int(x),
        )  # fmt: skip
        np.testing.assert_allclose(result[:20], expected, rtol=1e-12)
        assert 0 <= result[20] < 1 and math.isfinite(result[21])


# --- user-defined functions -----------------------------------------------------------------


def test_user_function_with_declared_units():
    def conductance_current(v, g):
        return g * v

    function = Function(conductance_current, arg_units=[mV, 1 / ohm], return_unit=nA)
    assert function.name == "conductance_current" and function.n_args == 2
    args = [Argument("v", VOLT), Argument("g", (1 / ohm).dim)]
    assert function.result_dimensions(args) is nA.dim
    with pytest.raises(FunctionDimensionError, match=r"argument 2 in units of S"):
        function.result_dimensions([Argument("v", VOLT), Argument("w", VOLT)])
    assert function(2 * mV, 3 / ohm) == 6 * mV / ohm  # still callable from Python


def test_check_units_function_is_a_function_and_sees_quantities():
    seen = []

    @check_units(v=volt, result=volt**2)
    def square(v):
        seen.append(v)
        return v * v

    assert declares_units(square) and not declares_units(lambda v: v)
    function = Function(square)
    assert function.result_dimensions([Argument("v", VOLT)]) is VOLT**2
    raw = function.numpy_function()(np.array([0.002, 0.003]))
    np.testing.assert_allclose(raw, [4e-6, 9e-6])
    assert type(raw) is np.ndarray  # units are gone again after the call
    assert seen[0].dim is VOLT  # the user's function was given quantities


def test_a_python_function_without_units_is_refused():
    with pytest.raises(TypeError, match="does not say which units"):
        Function(lambda x: x)


def test_implementation_decorator_adds_numba_and_numpy_code():
    def square_raw(v):
        return v * v

    @implementation("numba", square_raw)
    @check_units(v=volt, result=volt**2)
    def square(v):
        return v * v

    assert isinstance(square, Function)
    assert square.numba_function() is square_raw
    assert square.result_dimensions([Argument("v", VOLT)]) is VOLT**2

    @implementation("numpy")
    @check_units(v=volt, result=volt)
    def double(v):
        return 2 * v

    assert double.implementations["numpy"] is double.pyfunc


def test_implementation_of_a_function_without_units_needs_units():
    with pytest.raises(TypeError, match="check_units"):

        @implementation("numba")
        def plain(x):
            return 2 * x


def test_implementation_for_an_unknown_target_is_an_error():
    with pytest.raises(ValueError, match="unknown target 'cython'"):
        implementation("cython", lambda v: v)(Function(None, [volt], volt, name="f"))


def test_check_units_with_boolean_and_dimensionless_arguments():
    @check_units(flag=bool, x=1, v=volt, result=volt)
    def scaled(flag, x, v):
        return v * (x + flag)

    function = Function(scaled)
    args = [Argument("f", ONE), Argument("x", ONE), Argument("v", VOLT)]
    assert function.result_dimensions(args) is VOLT
    raw = function.numpy_function()(np.array([True, False]), np.array([2.0, 2.0]), 0.5)
    np.testing.assert_allclose(raw, [1.5, 1.0])
