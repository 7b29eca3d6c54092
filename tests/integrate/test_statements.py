"""Ordering of the final assignments, common subexpressions and noise draws."""

import pytest

from axonal.integrate import state_update
from axonal.model.ir import Expression


def _equations(**rhs):
    return {x: Expression(code) for x, code in rhs.items()}


def test_chain_is_ordered_so_that_nothing_reads_an_overwritten_value(run):
    update = state_update(_equations(x="y", y="z", z="-x0"), "euler")
    assert [s.target for s in update.statements] == ["x", "y", "z"]
    final = run(update, {"x": 0.0, "y": 0.0, "z": 1.0}, {"x0": 0.0}, dt=0.5, steps=1)
    assert (final["x"][0], final["y"][0], final["z"][0]) == (0.0, 0.5, 1.0)


def test_a_cycle_goes_through_one_temporary(run):
    update = state_update(_equations(x="y", y="-x"), "euler")
    assert [s.target for s in update.statements] == ["_x_new", "y", "x"]
    final = run(update, {"x": 1.0, "y": 0.0}, dt=0.1, steps=1)
    assert (final["x"][0], final["y"][0]) == pytest.approx((1.0, -0.1))


def test_common_subexpressions_become_numbered_temporaries():
    update = state_update(_equations(m="a * exp(v / k) * (1 - m) - b * exp(v / k) * m"), "rk2")
    targets = [s.target for s in update.statements]
    assert targets[-1] == "m"
    subexpressions = [t for t in targets if t.startswith("_sub")]
    assert subexpressions == [f"_sub{n}" for n in range(1, len(subexpressions) + 1)]


def test_noise_draw_is_a_scaled_standard_normal():
    update = state_update(_equations(v="-v + s * xi_input"), "euler")
    first = update.statements[0]
    assert (first.target, first.temporary) == ("_dW_xi_input", True)
    assert first.expr == Expression("dt ** 0.5 * randn()")
