"""User-defined explicit schemes in Brian 2's notation."""

import numpy as np
import pytest

from axonal.integrate import IntegrationError, state_update
from axonal.model.ir import Expression

MIDPOINT = """
k = dt * f(x, t)  # the Euler increment
x_new = x + dt * f(x + k/2, t + dt/2)
"""
OSCILLATOR = {"x": Expression("y"), "y": Expression("-k * x + sin(t)")}


def test_midpoint_description_matches_the_builtin_rk2(run):
    described = state_update(OSCILLATOR, MIDPOINT, owner="osc")
    builtin = state_update(OSCILLATOR, "rk2", owner="osc")
    assert described.method == MIDPOINT.strip()
    finals = [
        run(update, {"x": 1.0, "y": 0.0}, {"k": 4.0}, dt=0.01, steps=300)
        for update in (described, builtin)
    ]
    for name in ("x", "y"):
        assert finals[0][name][0] == pytest.approx(finals[1][name][0], rel=1e-13, abs=1e-15)


def test_parameter_named_like_an_intermediate_is_kept_apart():
    """The equations' parameter k and the description's k are different things."""
    update = state_update(OSCILLATOR, MIDPOINT)
    assert "-k * x" in update.statements[1].expr.code
    assert "_k_x" in update.statements[-2].expr.code + update.statements[-3].expr.code


def test_euler_description_converges_at_first_order(run, order):
    update = state_update({"x": Expression("-x**2")}, "x_new = x + dt * f(x, t)")
    dts = np.array([0.1, 0.05, 0.025])
    errors = [abs(run(update, {"x": 1.0}, dt=dt, steps=round(2 / dt))["x"][0] - 1 / 3)
              for dt in dts]  # fmt: skip
    assert order(dts, errors) == pytest.approx(1.0, abs=0.15)


def test_stochastic_description_uses_g_and_dW(run):
    update = state_update(
        {"x": Expression("-x + s * xi")}, "x_new = x + dt * f(x, t) + g(x, t) * dW"
    )
    final = run(update, {"x": 1.0}, {"s": 2.0}, dt=0.25, steps=1,
                normals=iter([np.array([0.5])]))  # fmt: skip
    assert final["x"][0] == pytest.approx(1.0 - 0.25 + 2.0 * 0.5 * 0.5)


@pytest.mark.parametrize(
    "description, message",
    [
        ("k = dt * f(x, t)", "must end with the line 'x_new = ...'"),
        ("x_new = x + dt * f(x)", "f takes two arguments"),
        ("x_new = x + dt * q", "uses 'q' before defining it"),
        ("k == 2\nx_new = x", "expected 'name = expression'"),
        ("dt = 1\nx_new = x", "assigns 'dt', which is already defined"),
        ("x_new = x\nx_new = x + dt * f(x, t)", "'x_new' may be assigned only once"),
    ],
)
def test_malformed_descriptions(description, message):
    with pytest.raises(IntegrationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        state_update({"x": Expression("-x")}, description)


def test_deterministic_description_refuses_noise():
    with pytest.raises(IntegrationError) as caught:
        state_update({"x": Expression("-x + xi")}, "x_new = x + dt * f(x, t)", owner="n")
    assert str(caught.value) == (
        "Cannot integrate the equations of 'n' with the method description: the equations "
        "are stochastic, and the description has no dW term."
    )


def test_euler_maruyama_description_has_strong_order_one_half_on_ito_gbm(run, order):
    """The built-in euler refuses multiplicative noise; written out, Euler-Maruyama reads the
    equation in the Ito sense: dX = mu X dt + sigma X dW, X(T) = exp((mu - sigma**2/2) T +
    sigma W(T)), reached with strong order 1/2."""
    mu, sigma, paths, fine_steps = 0.5, 1.0, 400, 1024
    rng = np.random.default_rng(3)
    fine = rng.standard_normal((fine_steps, paths)) * np.sqrt(1.0 / fine_steps)
    exact = np.exp(mu - sigma**2 / 2 + sigma * fine.sum(axis=0))
    update = state_update(
        {"X": Expression("mu * X + sigma * X * xi")}, "x_new = x + dt * f(x, t) + g(x, t) * dW"
    )
    dts, errors = [], []
    for factor in (256, 64, 16, 4):
        dt = factor / fine_steps
        increments = fine.reshape(fine_steps // factor, factor, paths).sum(axis=1) / np.sqrt(dt)
        final = run(update, {"X": 1.0}, {"mu": mu, "sigma": sigma}, dt=dt,
                    steps=fine_steps // factor, size=paths, normals=iter(increments))  # fmt: skip
        dts.append(dt)
        errors.append(np.mean(np.abs(final["X"] - exact)))
    assert order(dts, errors) == pytest.approx(0.5, abs=0.15)
