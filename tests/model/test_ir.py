"""The intermediate form: canonical expressions and well-formed statements."""

import pytest

from axonal.model.ir import Expression, Kernel, KernelRole, Statement


def test_expression_text_is_canonical():
    assert Expression("(v0-v)/ tau") == Expression("(v0 - v) / tau")
    assert hash(Expression("a+b")) == hash(Expression("a + b"))


def test_expression_names_exclude_called_functions():
    expr = Expression("exp(-t/tau) * v + rand()")
    assert expr.names == {"t", "tau", "v"}
    assert expr.functions == {"exp", "rand"}


def test_statement_rejects_unknown_operator():
    with pytest.raises(ValueError, match="operator"):
        Statement("v", "**=", Expression("2"))


def test_kernel_describes_its_statements():
    kernel = Kernel(
        name="g.reset",
        owner="g",
        role=KernelRole.RESET,
        statements=(
            Statement("v", "=", Expression("vr")),
            Statement("vt", "+=", Expression("dvt")),
        ),
    )
    assert kernel.describe().splitlines()[1:] == ["v = vr", "vt += dvt"]


def test_a_name_both_called_and_read_counts_as_read():
    expr = Expression("exp(-exp)")
    assert expr.names == {"exp"} and expr.functions == {"exp"}
