"""Parsing expressions and statements: the accepted syntax, its canonical form and the errors."""

import ast
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from axonal.model.errors import EquationError, ExpressionError
from axonal.model.expressions import parse_expression, parse_statements
from axonal.model.ir import Expression, Statement


@pytest.mark.parametrize(
    "code",
    [
        "(v0 - v) / tau",
        "-v",
        "not v > 1 and w < 2 or x == 3",
        "0 < v <= 1",
        "a // b % c ** -0.5",
        "exp(-t / tau) * rand()",
        "clip(v, 0, 1)",
        "i * N + j != 3",
        "True or False",
        "+dt",
        "1e-3 * 2.5",
    ],
)
def test_accepted_expressions_parse_to_their_canonical_form(code):
    expression = parse_expression(code, owner="g")
    assert expression == Expression(code)
    assert expression.code == ast.unparse(ast.parse(code, mode="eval"))


def test_expression_over_several_lines_with_comments():
    code = """
        (v0 - v)   # relaxation
          / tau \\
        + I / C
    """
    assert parse_expression(code).code == "(v0 - v) / tau + I / C"


def test_names_and_functions_of_a_parsed_expression():
    expression = parse_expression("exp(-t/tau) * v + i + N")
    assert expression.names == {"t", "tau", "v", "i", "N"}
    assert expression.functions == {"exp"}


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("G.v + 1", "attribute access"),
        ("v[0]", "indexing"),
        ("lambda x: x", "lambda"),
        ("a if c else b", "conditional expression"),
        ("'text'", "string"),
        ("[1, 2]", "list"),
        ("(1, 2)", "tuple"),
        ("{1: 2}", "dict"),
        ("a & b", "'&' (use 'and')"),
        ("a | b", "'|' (use 'or')"),
        ("~a", "'~'"),
        ("a is b", "'is'"),
        ("a in b", "'in'"),
        ("f(x=1)", "keyword argument"),
        ("f(*x)", "starred"),
        ("np.exp(v)", "Calling 'np.exp'"),
        ("(x := 3)", "':='"),
        ("[x for x in y]", "comprehension"),
        ("1j", "1j"),
        ("None", "None"),
    ],
)
def test_rejected_expressions_name_owner_text_and_construct(code, fragment):
    with pytest.raises(ExpressionError) as info:
        parse_expression(code, owner="neurongroup")
    message = str(info.value)
    assert "'neurongroup'" in message
    assert repr(code) in message or code in message
    assert fragment.lower() in message.lower()


def test_syntax_error_in_expression():
    with pytest.raises(ExpressionError, match=r"In 'g', line 'v >': 'v >' is not a valid"):
        parse_expression("v >", owner="g")


def test_empty_and_non_string_expressions_are_errors():
    with pytest.raises(ExpressionError, match="empty"):
        parse_expression("  # only a comment", owner="g")
    with pytest.raises(ExpressionError, match="as a string, got int"):
        parse_expression(3, owner="g")


def test_expression_error_is_an_equation_error_and_a_value_error():
    with pytest.raises(EquationError):
        parse_expression("a.b")
    with pytest.raises(ValueError):
        parse_expression("a.b")


def test_reset_statements_over_several_lines():
    code = """
        v = vr          # back to rest
        vt += delta_vt0

        ge_post += w
        x -= 1; y *= 2
        z /= (a +
              b)
    """
    assert parse_statements(code, owner="g") == (
        Statement("v", "=", Expression("vr")),
        Statement("vt", "+=", Expression("delta_vt0")),
        Statement("ge_post", "+=", Expression("w")),
        Statement("x", "-=", Expression("1")),
        Statement("y", "*=", Expression("2")),
        Statement("z", "/=", Expression("a + b")),
    )


def test_empty_code_gives_no_statements():
    assert parse_statements("\n  # nothing\n") == ()


@pytest.mark.parametrize(
    ("code", "bad_line", "fragment"),
    [
        ("v = 0\nf(v)", "f(v)", "function call on its own"),
        ("v = 0\nv + 1", "v + 1", "expression, not a statement"),
        ("import os", "import os", "An import"),
        ("from os import path", "from os import path", "An import"),
        ("G.v = 3", "G.v = 3", "plain variable name"),
        ("v[0] = 3", "v[0] = 3", "plain variable name"),
        ("a = b = 0", "a = b = 0", "Chained assignment"),
        ("a, b = 1, 2", "a, b = 1, 2", "plain variable name"),
        ("v **= 2", "v **= 2", "in-place operator **="),
        ("v //= 2", "v //= 2", "in-place operator //="),
        ("v |= 2", "v |= 2", "in-place operator |="),
        ("f = lambda x: x", "f = lambda x: x", "lambda"),
        ("v = w.x", "v = w.x", "attribute access"),
        ("if v > 1: v = 0", "if v > 1: v = 0", "An if block"),
        ("for k in r: v = 0", "for k in r: v = 0", "A for loop"),
        ("v: float = 1", "v: float = 1", "annotated"),
        ("v = = 1", "v = = 1", "not a valid statement"),
        ("pass", "pass", "pass"),
    ],
)
def test_rejected_statements_name_owner_and_line(code, bad_line, fragment):
    with pytest.raises(ExpressionError) as info:
        parse_statements(code, owner="spikemonitor")
    message = str(info.value)
    assert message.startswith(f"In 'spikemonitor', line {bad_line!r}:")
    assert fragment.lower() in message.lower()


# --- property tests: random expressions of the language round-trip through the parser ------

_names = st.sampled_from(["v", "w", "tau", "t", "dt", "i", "N", "x_1"])
# Floats only: nested integer powers (9**9**9) would take forever to evaluate exactly.
_numbers = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)


def _extend(children):
    binary = st.tuples(
        children, st.sampled_from(["+", "-", "*", "/", "//", "%", "**"]), children
    ).map(lambda p: f"({p[0]} {p[1]} {p[2]})")
    compare = st.tuples(
        children, st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), children
    ).map(lambda p: f"({p[0]} {p[1]} {p[2]})")
    logical = st.tuples(children, st.sampled_from(["and", "or"]), children).map(
        lambda p: f"({p[0]} {p[1]} {p[2]})"
    )
    unary = st.tuples(st.sampled_from(["-", "not "]), children).map(lambda p: f"({p[0]}{p[1]})")
    call = st.tuples(st.sampled_from(["exp", "sqrt", "abs"]), children).map(
        lambda p: f"{p[0]}({p[1]})"
    )
    return binary | compare | logical | unary | call


expressions = st.recursive(_names | _numbers.map(repr), _extend, max_leaves=12)


@settings(max_examples=150, deadline=None)
@given(expressions)
def test_parsing_is_idempotent_and_keeps_the_tree(code):
    parsed = parse_expression(code)
    assert parse_expression(parsed.code) == parsed
    assert ast.dump(parsed.tree) == ast.dump(ast.parse(code, mode="eval").body)


@settings(max_examples=100, deadline=None)
@given(expressions, st.dictionaries(_names, st.floats(0.5, 2.0), min_size=8))
def test_canonical_text_evaluates_like_the_original(code, values):
    functions = {"exp": math.exp, "sqrt": math.sqrt, "abs": abs}
    scope = {**values, **functions}

    def evaluate(text):
        try:
            return ("ok", eval(text, {"__builtins__": {}}, scope))  # noqa: S307 - test oracle
        except (ArithmeticError, ValueError, TypeError) as error:
            return ("error", type(error))

    original, canonical = evaluate(code), evaluate(parse_expression(code).code)
    if original[0] == "ok" and isinstance(original[1], float) and math.isnan(original[1]):
        assert math.isnan(canonical[1])
    else:
        assert original == canonical


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(_names, st.sampled_from(["=", "+=", "-=", "*=", "/="]), expressions),
        min_size=1,
        max_size=5,
    )
)
def test_statement_lists_round_trip(lines):
    code = "\n".join(f"{target} {op} {expr}" for target, op, expr in lines)
    statements = parse_statements(code)
    assert [(s.target, s.op) for s in statements] == [(t, op) for t, op, _ in lines]
    assert [s.expr for s in statements] == [Expression(expr) for _, _, expr in lines]
    assert parse_statements("\n".join(map(str, statements))) == statements


_garbage = st.lists(
    st.sampled_from(list("vt/=:()+-*# \n,.x_12eE\\<>!&|'\"[]{}@~^%") + ["lambda", "import"]),
    max_size=30,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_garbage)
def test_any_text_parses_or_raises_an_expression_error(text):
    for parse in (parse_expression, parse_statements):
        try:
            parse(text, owner="g")
        except ExpressionError as error:
            assert str(error).startswith("In 'g'")
