"""Exponential Euler: exact for each equation alone, first order for coupled ones."""

import numpy as np
import pytest

from axonal.integrate import IntegrationError, state_update
from axonal.model.ir import Expression


def _update(equations):
    return state_update(
        {x: Expression(rhs) for x, rhs in equations.items()}, "exponential_euler", owner="hh"
    )


def test_single_linear_equation_is_exact(run):
    update = _update({"v": "(1 - v) / tau"})
    final = run(update, {"v": 0.0}, {"tau": 0.01}, dt=1e-4, steps=1000)
    assert final["v"][0] == pytest.approx(1 - np.exp(-10.0), rel=1e-13)


def test_conditionally_linear_system_converges_at_first_order_or_better(run, order):
    """y' = -y, x' = -y x: x(T) = exp(-(1 - exp(-T))), with y frozen during each step."""
    update = _update({"x": "-y * x", "y": "-y"})
    dts = np.array([0.2, 0.1, 0.05, 0.025])
    errors = []
    for dt in dts:
        final = run(update, {"x": 1.0, "y": 1.0}, dt=dt, steps=round(2.0 / dt))
        assert final["y"][0] == pytest.approx(np.exp(-2.0), rel=1e-12)
        errors.append(abs(final["x"][0] - np.exp(-(1 - np.exp(-2.0)))))
    assert order(dts, errors) == pytest.approx(1.0, abs=0.2)


def test_gating_variable_with_voltage_dependent_rates(run):
    """m' = alpha(v) (1 - m) - beta(v) m at fixed v relaxes exactly to alpha / (alpha + beta)."""
    update = _update({"m": "alpha * exp(v / k) * (1 - m) - beta * m", "v": "0"})
    final = run(update, {"m": 0.0, "v": 0.5}, {"alpha": 2.0, "beta": 3.0, "k": 1.0},
                dt=0.05, steps=20)  # fmt: skip
    a = 2.0 * np.exp(0.5)
    rate = a + 3.0
    assert final["m"][0] == pytest.approx(a / rate * (1 - np.exp(-rate * 1.0)), rel=1e-12)


def test_coefficient_that_may_vanish_goes_through_exprel(run):
    update = _update({"x": "a * x + b"})
    assert any("exprel(" in s.expr.code for s in update.statements)
    final = run(update, {"x": 1.0}, {"a": 0.0, "b": 2.0}, dt=0.1, steps=10)
    assert final["x"][0] == pytest.approx(3.0, rel=1e-13)


def test_own_variable_inside_a_function_is_frozen_over_the_step(run):
    """x' = -k (1 + sin(x)**2) x: one step is x exp(-k (1 + sin(x0)**2) dt), as in Brian 2."""
    update = _update({"x": "-k * (1 + sin(x)**2) * x"})
    final = run(update, {"x": 0.8}, {"k": 3.0}, dt=0.01, steps=1)
    assert final["x"][0] == pytest.approx(0.8 * np.exp(-3.0 * (1 + np.sin(0.8) ** 2) * 0.01))


def test_frozen_coefficients_still_converge_at_first_order(run, order):
    """A Morris-Lecar-like current g(v) (E - v) with g = 1 + tanh(v), against fine RK4."""
    rhs = {"v": "(1 + tanh(v)) * (2 - v) - v"}
    reference = run(state_update({"v": Expression(rhs["v"])}, "rk4", owner="ref"),
                    {"v": -1.0}, dt=1e-4, steps=20000)["v"][0]  # fmt: skip
    dts = np.array([0.1, 0.05, 0.025, 0.0125])
    errors = [
        abs(run(_update(rhs), {"v": -1.0}, dt=dt, steps=round(2.0 / dt))["v"][0] - reference)
        for dt in dts
    ]
    assert order(dts, errors) == pytest.approx(1.0, abs=0.2)


def test_own_variable_only_inside_a_function_is_rejected():
    with pytest.raises(IntegrationError, match="the equation for v is not linear in its own"):
        _update({"v": "exp(v) - 1"})


def test_nonlinear_in_own_variable_is_rejected():
    with pytest.raises(IntegrationError, match="the equation for v is not linear in its own"):
        _update({"v": "-v**3 + w", "w": "-w"})


def test_noise_is_rejected():
    with pytest.raises(IntegrationError, match=r"'hh' with method 'exponential_euler'.*stochastic"):
        _update({"v": "-v + xi"})
