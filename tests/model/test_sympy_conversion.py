"""Text <-> SymPy conversion: round trips, sympy name clashes, the special functions."""

import math

import pytest
import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from axonal.model.sympy_conversion import (
    SympyConversionError,
    exprel,
    str_to_sympy,
    symbol,
    sympy_to_str,
)

# Names that mean something else to sympify: they must stay plain symbols.
NAMES = ["v", "tau", "E", "I", "N", "S", "Q", "O", "beta", "gamma", "pi", "zeta", "x_1"]
UNARY = ["exp", "log", "log10", "sqrt", "sin", "cos", "tan", "sinh", "cosh", "tanh", "arcsin"]
UNARY += ["arccos", "arctan", "abs", "floor", "ceil", "sign", "exprel", "int"]

numbers = st.one_of(
    st.integers(min_value=0, max_value=1000).map(str),
    st.floats(min_value=1e-3, max_value=1e6).map(repr),
    st.floats(min_value=1e-12, max_value=1e-3).map(repr),
)
atoms = st.one_of(st.sampled_from(NAMES), numbers)
exponents = st.sampled_from(["2", "3", "0.5", "(-1)", "(-0.5)", "v", "beta", "(1/3)"])


def _extend(children, operators=("+", "-", "*", "/")):
    binary = st.tuples(children, st.sampled_from(operators), children)
    return st.one_of(
        binary.map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(children, exponents).map(lambda t: f"({t[0]})**{t[1]}"),
        st.tuples(st.sampled_from(UNARY), children).map(lambda t: f"{t[0]}({t[1]})"),
        children.map(lambda c: f"-{c}"),
        st.tuples(children, children, children).map(lambda t: f"clip({t[0]}, {t[1]}, {t[2]})"),
    )


arithmetic = st.recursive(atoms, _extend, max_leaves=8)
# SymPy rewrites Mod of floats differently on a second pass (Mod(1.0*v, 1/3) becomes
# Mod(3*v, 1)/3): equal values, different trees, so % is only checked by value.
# Small numbers only: Python's float arithmetic on exp(46) % 3 differs from SymPy's exact one.
with_modulo = st.recursive(
    st.one_of(st.sampled_from(NAMES), st.sampled_from(["1", "2", "0.5", "3.25"])),
    lambda c: _extend(c, ("+", "-", "*", "/", "%")),
    max_leaves=8,
)


def _convertible(code):
    """False for text that is undefined however it is written (1/0, v % 0)."""
    try:
        sympy_to_str(str_to_sympy(code))
    except SympyConversionError:
        return False
    return True


small_arithmetic = st.recursive(
    st.sampled_from(NAMES + ["1", "2.5", "0.001"]), _extend, max_leaves=4
)
comparisons = st.tuples(
    small_arithmetic, st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), small_arithmetic
)
conditions = st.recursive(
    comparisons.map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
    lambda c: st.one_of(
        st.tuples(c, st.sampled_from(["and", "or"]), c).map(lambda t: f"({t[0]}) {t[1]} ({t[2]})"),
        c.map(lambda x: f"not ({x})"),
    ),
    max_leaves=4,
)


def _expanded(expr):
    """SymPy distributes a minus sign over a sum only sometimes: compare expanded forms."""
    return expr.replace(lambda e: isinstance(e, sympy.Expr), lambda e: sympy.expand(e))


def _assert_round_trip(expr):
    again = str_to_sympy(sympy_to_str(expr))
    # Text carries float64: pi (from arcsin(1)) is printed as a number, and constants that
    # SymPy folded beyond float64 (exp(-711.0)) are rounded.
    expr = expr.xreplace({sympy.pi: sympy.Float(math.pi)})
    expr = expr.xreplace({f: sympy.Float(float(f)) for f in expr.atoms(sympy.Float)})
    # SymPy's automatic rewriting is not idempotent (abs(-abs(v)) stays Abs(Abs(v)) once and
    # becomes Abs(v) when read again): fall back to a symbolic check of the difference.
    assert (
        again == expr
        or _expanded(again) == _expanded(expr)
        or (isinstance(expr, sympy.Expr) and sympy.simplify(again - expr) == 0)
    )
    assert sympy_to_str(str_to_sympy(sympy_to_str(again))) == sympy_to_str(again)


@settings(max_examples=300, deadline=None)
@given(arithmetic)
def test_arithmetic_round_trips(code):
    assume(_convertible(code))
    _assert_round_trip(str_to_sympy(code))


@settings(max_examples=150, deadline=None)
@given(conditions)
def test_conditions_round_trip(code):
    assume(_convertible(code))
    _assert_round_trip(str_to_sympy(code))


@settings(max_examples=200, deadline=None)
@given(
    st.tuples(with_modulo, with_modulo).map(lambda t: f"{t[0]} * ({t[1]} % 3) - (v % tau) ** 2"),
    st.floats(min_value=0.1, max_value=3),
)
def test_printed_text_computes_the_same_value(code, value):
    """Precedence survives printing: Python evaluates original and printed text alike."""
    namespace = {name: value + k for k, name in enumerate(NAMES)}
    namespace.update(
        exp=math.exp, log=math.log, log10=math.log10, sqrt=math.sqrt, sin=math.sin,
        cos=math.cos, tan=math.tan, sinh=math.sinh, cosh=math.cosh, tanh=math.tanh,
        arcsin=math.asin, arccos=math.acos, arctan=math.atan, floor=math.floor, ceil=math.ceil,
        sign=lambda x: math.copysign(1, x) if x else 0,
        exprel=lambda x: math.expm1(x) / x if x else 1,
        clip=lambda x, lo, hi: min(max(x, lo), hi),
    )  # fmt: skip

    assume(_convertible(code))

    def evaluate(text):
        try:
            return eval(text, namespace)  # noqa: S307 -- test oracle
        except (ValueError, ZeroDivisionError, OverflowError, TypeError):
            return None

    before, after = evaluate(code), evaluate(sympy_to_str(str_to_sympy(code)))
    if before is None or after is None or isinstance(before, complex) or not math.isfinite(before):
        return
    # Rounding differs between the two texts and products amplify it: compare to 1e-6.
    assert after == pytest.approx(before, rel=1e-6, abs=1e-6)


@pytest.mark.parametrize("name", ["E", "I", "N", "S", "beta", "gamma", "pi", "Q", "O"])
def test_sympy_names_are_plain_symbols(name):
    assert str_to_sympy(name) == symbol(name)
    assert str_to_sympy(f"2*{name}").free_symbols == {symbol(name)}


def test_language_function_names_are_printed():
    code = "arcsin(a) + arccos(b) + arctan(c) + abs(d) + ceil(e) + int(f) + log10(g)"
    printed = sympy_to_str(str_to_sympy(code))
    for name in ["arcsin", "arccos", "arctan", "abs", "ceil", "int", "log10"]:
        assert f"{name}(" in printed
    assert "asin" not in printed.replace("arcsin", "")


def test_exprel_value_derivative_and_limit():
    x = symbol("x")
    assert exprel(0) == 1
    assert float(exprel(sympy.Float(1e-3)).evalf()) == pytest.approx(math.expm1(1e-3) / 1e-3)
    derivative = sympy.diff(exprel(x), x)
    assert float(derivative.subs(x, 2.0)) == pytest.approx((math.exp(2) * (2 - 1) + 1) / 4)
    assert sympy.limit(derivative, x, 0) == sympy.Rational(1, 2)
    assert sympy.simplify(exprel(x).rewrite(sympy.exp) - (sympy.exp(x) - 1) / x) == 0


def test_random_draws_are_distinct():
    expr = str_to_sympy("randn() - randn() + rand()")
    assert expr != 0
    assert sorted(sympy_to_str(expr).replace(" ", "").replace("-", "+").split("+")) == sorted(
        ["", "rand()", "randn()", "randn()"]
    )


def test_booleans_and_booleans_used_as_numbers():
    assert sympy_to_str(str_to_sympy("not (v > 1) and (w <= 2 or True)")) == "v <= 1"
    assert sympy_to_str(str_to_sympy("not (v > 1 or w)")) == "not ((w) or (v > 1))"
    assert sympy_to_str(str_to_sympy("v * (v > 0)")) == "v*int(v > 0)"
    assert str_to_sympy("a < b < c") == sympy.And(
        symbol("a") < symbol("b"), symbol("b") < symbol("c")
    )


def test_floats_keep_full_precision():
    assert sympy_to_str(str_to_sympy("0.1 + x")) in ("x + 0.1", "0.1 + x")
    assert float(str_to_sympy(sympy_to_str(str_to_sympy("1.2345678901234567")))) == (
        1.2345678901234567
    )


def test_constants_that_arise_in_algebra_print_as_language():
    assert sympy_to_str(sympy.E * symbol("x")) in ("x*exp(1)", "exp(1)*x")
    with pytest.raises(SympyConversionError, match="complex"):
        sympy_to_str(sympy.I * symbol("x"))


@pytest.mark.parametrize(
    "code, message",
    [("x +", "cannot parse"), ("x[0]", "unsupported syntax"), ("f(x=1)", "positional"),
     ("randn(2)", "no arguments"), ("exp(x, y)", "arguments")],
)  # fmt: skip
def test_bad_text_is_a_clear_error(code, message):
    with pytest.raises(SympyConversionError, match=message):
        str_to_sympy(code)
