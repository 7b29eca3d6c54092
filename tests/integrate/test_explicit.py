"""Explicit schemes against analytic solutions: accuracy and order of convergence."""

import numpy as np
import pytest

from axonal.integrate import state_update
from axonal.model.ir import Expression

DETERMINISTIC_ORDERS = {"euler": 1, "rk2": 2, "heun": 2, "rk4": 4, "milstein": 1}

# (equations, initial values, parameters, duration, exact final values)
PROBLEMS = {
    "harmonic oscillator": (
        {"x": "y", "y": "-w**2 * x"},
        {"x": 1.0, "y": 0.0},
        {"w": 2.0},
        3.0,
        {"x": np.cos(6.0), "y": -2.0 * np.sin(6.0)},
    ),
    "nonlinear decay x' = -x**2": ({"x": "-x**2"}, {"x": 1.0}, {}, 2.0, {"x": 1 / 3}),
    "time-dependent x' = cos(t) x": (
        {"x": "cos(t) * x"},
        {"x": 1.0},
        {},
        2.0,
        {"x": np.exp(np.sin(2.0))},
    ),
}


def _errors(run, method, problem, dts):
    equations, initial, parameters, duration, exact = PROBLEMS[problem]
    update = state_update({x: Expression(rhs) for x, rhs in equations.items()}, method)
    errors = []
    for dt in dts:
        final = run(update, initial, parameters, dt=dt, steps=round(duration / dt))
        errors.append(max(abs(final[x][0] - value) for x, value in exact.items()))
    return np.array(errors)


@pytest.mark.parametrize("problem", list(PROBLEMS))
@pytest.mark.parametrize("method", list(DETERMINISTIC_ORDERS))
def test_order_of_convergence(run, order, method, problem):
    expected = DETERMINISTIC_ORDERS[method]
    # Coarse enough that rk4 stays above rounding error, fine enough for the asymptotic rate.
    dts = np.array([0.1, 0.05, 0.025, 0.0125]) if expected < 4 else np.array([0.2, 0.1, 0.05])
    errors = _errors(run, method, problem, dts)
    assert order(dts, errors) == pytest.approx(expected, abs=0.25)


def test_rk4_is_accurate_on_the_oscillator(run):
    errors = _errors(run, "rk4", "harmonic oscillator", [0.01])
    # Global error of order (w dt)**4 * w T / 30 = 3.2e-8; Euler would be off by ~0.1.
    assert errors[0] < (2.0 * 0.01) ** 4 * 2.0 * 3.0 / 30


def test_tutorial_decay_with_euler_is_close_to_the_exact_value(run):
    update = state_update({"v": Expression("(1 - v) / tau")}, "euler")
    final = run(update, {"v": 0.0}, {"tau": 0.01}, dt=1e-4, steps=1000)
    # Euler's per-step factor (1 - dt/tau) instead of exp(-dt/tau).
    assert final["v"][0] == pytest.approx(1 - (1 - 0.01) ** 1000, rel=1e-12)


def test_each_noise_symbol_is_drawn_once_per_step_and_shared(run):
    update = state_update(
        {"x": Expression("s * xi"), "y": Expression("s * xi"), "z": Expression("s * xi_2")},
        "euler",
    )
    draws = sum(statement.expr.code.count("randn()") for statement in update.statements)
    assert draws == 2
    sequence = iter([np.array([0.5]), np.array([-1.0]), np.array([2.0]), np.array([0.25])])
    final = run(update, {"x": 0.0, "y": 0.0, "z": 0.0}, {"s": 3.0}, dt=0.04, steps=2,
                normals=sequence)  # fmt: skip
    assert final["x"][0] == final["y"][0] == pytest.approx(3.0 * 0.2 * (0.5 + 2.0))
    assert final["z"][0] == pytest.approx(3.0 * 0.2 * (-1.0 + 0.25))


def test_ornstein_uhlenbeck_stationary_variance_with_euler(run):
    tau, sigma, dt = 0.01, 2.0, 1e-4
    update = state_update({"v": Expression("-v / tau + sigma * (2 / tau)**0.5 * xi")}, "euler")
    final = run(update, {"v": 0.0}, {"tau": tau, "sigma": sigma}, dt=dt, steps=1000, size=20000)
    # Euler-Maruyama's own stationary variance, sigma**2 / (1 - dt / (2 tau)), after 10 tau.
    expected = sigma**2 / (1 - dt / (2 * tau)) * (1 - (1 - dt / tau) ** 2000)
    assert np.var(final["v"]) == pytest.approx(expected, rel=0.04)
    assert np.mean(final["v"]) == pytest.approx(0.0, abs=0.05)


def _wiener_paths(paths, fine_steps, duration, seed=7):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((fine_steps, paths)) * np.sqrt(duration / fine_steps)


def _increments_for(fine_increments, factor, dt):
    """randn() values for steps of ``factor`` fine steps: the summed increment / sqrt(dt)."""
    fine_steps, paths = fine_increments.shape
    coarse = fine_increments.reshape(fine_steps // factor, factor, paths).sum(axis=1)
    return iter(coarse / np.sqrt(dt))


@pytest.mark.parametrize("method, expected", [("milstein", 1.0), ("heun", 1.0)])
def test_geometric_brownian_motion_strong_order(run, order, method, expected):
    """Stratonovich GBM dX = mu X dt + sigma X o dW has X(T) = X0 exp(mu T + sigma W(T))."""
    mu, sigma, duration, paths, fine_steps = 0.5, 0.8, 1.0, 400, 512
    fine = _wiener_paths(paths, fine_steps, duration)
    exact = np.exp(mu * duration + sigma * fine.sum(axis=0))
    update = state_update({"X": Expression("mu * X + sigma * X * xi")}, method)
    dts, errors = [], []
    for factor in (64, 32, 16, 8, 4):
        dt = duration * factor / fine_steps
        final = run(update, {"X": 1.0}, {"mu": mu, "sigma": sigma}, dt=dt,
                    steps=fine_steps // factor, size=paths,
                    normals=_increments_for(fine, factor, dt))  # fmt: skip
        dts.append(dt)
        errors.append(np.mean(np.abs(final["X"] - exact)))
    assert order(dts, errors) == pytest.approx(expected, abs=0.2)


def test_euler_maruyama_strong_order_with_additive_noise(run, order):
    """Ornstein-Uhlenbeck on a fixed Wiener path; the reference is the exact discrete solution
    on the finest grid. With additive noise Euler-Maruyama has strong order 1."""
    tau, s, duration, paths, fine_steps = 0.5, 1.0, 1.0, 300, 1024
    fine = _wiener_paths(paths, fine_steps, duration, seed=11)
    h = duration / fine_steps
    reference = np.ones(paths)
    for increment in fine:  # exact mean decay, noise integrated on the fine grid
        reference = reference * np.exp(-h / tau) + s * increment * np.exp(-h / (2 * tau))
    update = state_update({"x": Expression("-x / tau + s * xi")}, "euler")
    dts, errors = [], []
    for factor in (128, 64, 32, 16):
        dt = duration * factor / fine_steps
        final = run(update, {"x": 1.0}, {"tau": tau, "s": s}, dt=dt, steps=fine_steps // factor,
                    size=paths, normals=_increments_for(fine, factor, dt))  # fmt: skip
        dts.append(dt)
        errors.append(np.mean(np.abs(final["x"] - reference)))
    assert order(dts, errors) == pytest.approx(1.0, abs=0.25)


def test_time_in_a_function_constant_over_the_step_is_not_shifted():
    update = state_update(
        {"v": Expression("stim(t) + sin(t) - v")}, "rk4", constant_over_dt=("stim",)
    )
    code = " ".join(s.expr.code for s in update.statements)
    assert "sin(t + dt / 2)" in code and "stim(t)" in code and "stim(t + " not in code
