"""Expression builders (axonal/model/builders.py): trees, not f-strings, with the same text."""

import pytest

from axonal.model.builders import all_of, call, difference, greater, negation, product
from axonal.model.ir import Expression


def test_built_expressions_have_the_text_their_formatted_strings_parsed_to():
    condition = Expression("v > vt or (w < 1 and x)")
    assert all_of(condition, "not_refractory") == Expression(f"({condition}) and not_refractory")
    assert negation(condition) == Expression(f"not ({condition})")
    period = Expression("tau_ref + 2 * dt")
    built = greater(difference("t", "lastspike"), difference(period, product(0.5, "dt")))
    assert built == Expression(f"t - lastspike > ({period}) - 0.5 * dt")
    assert call("_sample", call("rand")) == Expression("_sample(rand())")
    assert product("_n", Expression("w + 1")).names == {"_n", "w"}


def test_a_built_expression_shares_its_parts_trees_and_leaves_them_unchanged():
    condition = Expression("v > 1")
    before = condition.tree
    both = all_of(condition, "ok")
    assert both.tree.values[0] is before and condition.code == "v > 1"


def test_text_that_is_no_name_is_refused():
    with pytest.raises(ValueError, match="a name or an Expression"):
        all_of("v > 1", "ok")
