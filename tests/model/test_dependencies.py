"""Subexpression order and substitution into the right-hand sides of differential equations."""

import pytest

from axonal.model import EquationError, Equations
from axonal.model.dependencies import (
    differential_right_hand_sides,
    subexpression_order,
    substitute_names,
)
from axonal.model.ir import Expression


def test_subexpressions_come_after_what_they_read():
    eqs = Equations("dv/dt = -a/tau : 1\na = b*2 : 1\nc = v : 1\nb = c + 1 : 1")
    order = subexpression_order(eqs)
    assert order.index("c") < order.index("b") < order.index("a")
    assert sorted(order) == ["a", "b", "c"]


def test_substitution_is_recursive_and_keeps_precedence():
    eqs = Equations("dv/dt = -a/tau : 1\na = b*2 : 1\nb = v + 1 : 1\ndw/dt = b**2 : 1")
    assert differential_right_hand_sides(eqs) == {
        "v": Expression("-((v + 1) * 2) / tau"),
        "w": Expression("(v + 1) ** 2"),
    }


def test_substituted_right_hand_side_evaluates_like_the_original_chain():
    eqs = Equations("dv/dt = (I - v)/tau : 1\nI = g*(E - v) - k : 1\nk = v**2/3 : 1")
    values = {"v": 0.3, "tau": 2.0, "g": 1.5, "E": -0.7}
    k = values["v"] ** 2 / 3
    current = values["g"] * (values["E"] - values["v"]) - k
    expected = (current - values["v"]) / values["tau"]
    (rhs,) = differential_right_hand_sides(eqs).values()
    assert eval(rhs.code, {}, dict(values)) == pytest.approx(expected)  # noqa: S307
    assert rhs.names == {"v", "tau", "g", "E"}


def test_constant_over_dt_subexpressions_stay_names():
    eqs = Equations("dv/dt = (I + J)/tau : 1\nI = 2*v : 1 (constant over dt)\nJ = I + v : 1")
    assert differential_right_hand_sides(eqs) == {"v": Expression("(I + (I + v)) / tau")}


def test_cyclic_subexpressions_are_a_clear_error():
    eqs = Equations("dv/dt = -a/tau : 1\na = b : 1\nb = c : 1\nc = a : 1")
    with pytest.raises(EquationError, match=r"cycle: a -> b -> c -> a") as info:
        differential_right_hand_sides(eqs)
    assert "line 'a = b : 1'" in str(info.value).replace("Line", "line")


def test_substitute_names_leaves_function_names_alone():
    result = substitute_names(Expression("exp(x) + y"), {"x": Expression("a + b")})
    assert result == Expression("exp(a + b) + y")
    assert substitute_names(Expression("y"), {"x": Expression("1")}) == Expression("y")
