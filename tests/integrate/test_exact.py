"""Exact integration of linear systems: machine-precision agreement with analytic solutions."""

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from axonal.integrate import IntegrationError, state_update
from axonal.model.ir import Expression


def _update(equations, **options):
    return state_update({x: Expression(rhs) for x, rhs in equations.items()}, "exact", **options)


def test_tutorial_value_after_100_ms(run):
    update = _update({"v": "(1 - v) / tau"})
    final = run(update, {"v": 0.0}, {"tau": 0.010}, dt=0.1e-3, steps=1000)
    assert final["v"][0] == pytest.approx(0.99995460007, abs=1e-11)
    assert final["v"][0] == pytest.approx(1 - np.exp(-10.0), rel=1e-13)


@pytest.mark.parametrize("dt", [1e-4, 1e-3, 1e-2])
def test_error_does_not_depend_on_the_step(run, dt):
    """Exact means exact: only rounding error, whatever the step."""
    update = _update({"v": "(v0 - v) / tau"})
    final = run(update, {"v": -0.07}, {"tau": 0.02, "v0": 0.01}, dt=dt, steps=round(0.1 / dt))
    assert final["v"][0] == pytest.approx(0.01 - 0.08 * np.exp(-5.0), rel=1e-12, abs=1e-15)


def test_coupled_synaptic_system_cuba(run):
    """v' = (ge - v)/taum, ge' = -ge/taue from v=0, ge=1."""
    taum, taue, duration = 0.02, 0.005, 0.05
    update = _update({"v": "(ge - v) / taum", "ge": "-ge / taue"})
    final = run(update, {"v": 0.0, "ge": 1.0}, {"taum": taum, "taue": taue}, dt=1e-3, steps=50)
    expected_v = taue / (taue - taum) * (np.exp(-duration / taue) - np.exp(-duration / taum))
    assert final["v"][0] == pytest.approx(expected_v, rel=1e-12)
    assert final["ge"][0] == pytest.approx(np.exp(-duration / taue), rel=1e-12)


def test_harmonic_oscillator_is_written_with_sin_and_cos(run):
    update = _update({"x": "y", "y": "-w**2 * x"})
    code = " ".join(statement.expr.code for statement in update.statements)
    assert "cos(" in code and "sin(" in code and "I" not in code.split()
    final = run(update, {"x": 1.0, "y": 0.0}, {"w": 2.0}, dt=0.1, steps=30)
    assert final["x"][0] == pytest.approx(np.cos(6.0), abs=1e-13)
    assert final["y"][0] == pytest.approx(-2.0 * np.sin(6.0), abs=1e-13)


def test_forced_oscillator_relaxes_around_its_fixed_point(run):
    """x'' = -x / tau**2 + F: x = F tau**2 + (x0 - F tau**2) cos(t / tau) from rest."""
    update = _update({"x": "y", "y": "-x / tau**2 + F"})
    final = run(update, {"x": 0.0, "y": 0.0}, {"tau": 0.5, "F": 3.0}, dt=0.05, steps=40)
    assert final["x"][0] == pytest.approx(0.75 * (1 - np.cos(4.0)), rel=1e-12)


def test_unstable_pair_uses_hyperbolic_functions(run):
    update = _update({"x": "y", "y": "x / tau**2"})
    final = run(update, {"x": 1.0, "y": 0.0}, {"tau": 2.0}, dt=0.1, steps=10)
    assert final["x"][0] == pytest.approx(np.cosh(0.5), rel=1e-13)


def test_rate_that_may_vanish_goes_through_exprel(run):
    update = _update({"x": "a * x + b"})
    assert "exprel(" in update.statements[-1].expr.code
    for a, expected in [(0.0, 1.0 + 2.0 * 1.0), (-1.0, 2.0 - 1.0 * np.exp(-1.0))]:
        final = run(update, {"x": 1.0}, {"a": a, "b": 2.0}, dt=0.1, steps=10)
        assert final["x"][0] == pytest.approx(expected, rel=1e-13)


def test_pure_integration_has_no_division_by_zero(run):
    update = _update({"q": "I0 / C"})
    final = run(update, {"q": 1.0}, {"I0": 2.0, "C": 4.0}, dt=0.01, steps=100)
    assert final["q"][0] == pytest.approx(1.5, rel=1e-13)


def test_frozen_time_is_accepted_as_constant_over_the_step(run):
    update = _update({"v": "(sin(t) - v) / tau"}, constant_over_dt=("t",))
    assert update.method == "exact"
    final = run(update, {"v": 0.0}, {"tau": 1.0}, dt=0.5, steps=1, t0=1.0)
    assert final["v"][0] == pytest.approx(np.sin(1.0) * (1 - np.exp(-0.5)), rel=1e-13)


def test_state_dependent_terms_are_not_precomputed_but_exponentials_are_shared():
    update = _update({"v": "(ge + gi - v) / taum", "ge": "-ge / taue", "gi": "-gi / taui"})
    temporaries = [s for s in update.statements if s.temporary]
    finals = [s for s in update.statements if not s.temporary]
    assert [s.target for s in finals] == ["v", "ge", "gi"]
    assert all(s.target.startswith("_") for s in temporaries)
    assert sum(s.expr.code.count("exp(") for s in update.statements) == 3


@pytest.mark.parametrize(
    "equations, options, reason",
    [
        ({"v": "-v**2 / tau"}, {}, "the equation for v is not linear in the state variables"),
        ({"v": "(w - v) / tau", "w": "-v * w"}, {}, "the equation for w is not linear"),
        ({"v": "(sin(t) - v) / tau"}, {}, "the equation for v depends on t"),
        ({"v": "-v / tau + s * xi"}, {}, "the equation for v is stochastic (xi)"),
        ({"a": "b", "b": "c", "c": "a"}, {}, "a, b and c are coupled in a loop"),
        (
            {"x": "y", "y": "-k * x - c * y"},
            {},
            "whether x and y oscillate depends on the sign of -(c**2 - 4*k)/4",
        ),
    ],
)
def test_rejections_name_the_owner_method_and_reason(equations, options, reason):
    with pytest.raises(IntegrationError) as caught:
        state_update(
            {x: Expression(rhs) for x, rhs in equations.items()}, "exact", owner="cells", **options
        )
    message = str(caught.value)
    assert "'cells'" in message and "'exact'" in message
    assert reason in message


def test_time_inside_a_function_constant_over_the_step_is_allowed(run):
    """A TimedArray-like input stim(t): exact applies, and t in stim is the step's start."""
    equations = {"v": Expression("(stim(t) - v) / tau")}
    with pytest.raises(IntegrationError, match="depends on t"):
        state_update(equations, "exact")
    update = state_update(equations, "exact", constant_over_dt=("stim",))
    assert any("stim(t)" in s.expr.code for s in update.statements)
    stim = lambda t: np.where(t >= 0.001, 2.0, 0.0)  # noqa: E731
    final = run(update, {"v": 0.0}, {"tau": 0.002, "stim": stim}, dt=1e-4, steps=50)
    assert final["v"][0] == pytest.approx(2.0 * (1 - np.exp(-2.0)), rel=1e-12)


def test_equal_time_constants_give_the_resonant_solution(run):
    """v' = (ge - v)/tau, ge' = -ge/tau from v=0, ge=1: v = t/tau exp(-t/tau)."""
    update = _update({"v": "(ge - v) / tau", "ge": "-ge / tau"})
    final = run(update, {"v": 0.0, "ge": 1.0}, {"tau": 0.01}, dt=1e-3, steps=30)
    assert final["v"][0] == pytest.approx(3.0 * np.exp(-3.0), rel=1e-12)


_CHAIN = {"v": "a * v + c * ge + d * gi + e", "ge": "f * ge", "gi": "h * gi + k * ge"}


@pytest.fixture(scope="module")
def chain_update():
    return _update(_CHAIN)


def _matrix_exponential(matrix):
    """exp(M) for a diagonalisable matrix, independent of the code under test."""
    values, vectors = np.linalg.eig(matrix)
    return (vectors @ np.diag(np.exp(values)) @ np.linalg.inv(vectors)).real


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.lists(st.floats(-3, 3), min_size=7, max_size=7), st.floats(0.01, 1.0))
def test_triangular_chain_matches_the_matrix_exponential(run, chain_update, values, dt):
    a, c, d, e, f, h, k = values
    assume(min(abs(a - f), abs(a - h), abs(f - h), abs(a), abs(f), abs(h)) > 0.1)
    # The augmented matrix of (v, ge, gi, 1).
    augmented = np.array([[a, c, d, e], [0, f, 0, 0], [0, k, h, 0], [0, 0, 0, 0]], dtype=float)
    start = np.array([0.3, -1.2, 0.7, 1.0])
    expected = _matrix_exponential(augmented * dt) @ start
    parameters = dict(a=a, c=c, d=d, e=e, f=f, h=h, k=k)
    initial = {"v": start[0], "ge": start[1], "gi": start[2]}
    final = run(chain_update, initial, parameters, dt=dt, steps=1)
    for index, name in enumerate(["v", "ge", "gi"]):
        assert final[name][0] == pytest.approx(expected[index], rel=1e-9, abs=1e-9)


@pytest.fixture(scope="module")
def rotation_update():
    return _update({"x": "-g * x + w * y + p", "y": "-w * x - g * y + q"})


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-3, 3), min_size=4, max_size=4), st.floats(0.01, 1.0))
def test_damped_rotation_matches_the_matrix_exponential(run, rotation_update, values, dt):
    g, w, p, q = values
    assume(abs(w) > 0.05 and g**2 + w**2 > 0.05)
    augmented = np.array([[-g, w, p], [-w, -g, q], [0, 0, 0]], dtype=float)
    start = np.array([0.4, -0.9, 1.0])
    expected = _matrix_exponential(augmented * dt) @ start
    final = run(rotation_update, {"x": 0.4, "y": -0.9}, dict(g=g, w=w, p=p, q=q),
                     dt=dt, steps=1)  # fmt: skip
    assert final["x"][0] == pytest.approx(expected[0], rel=1e-9, abs=1e-9)
    assert final["y"][0] == pytest.approx(expected[1], rel=1e-9, abs=1e-9)


_FED = {"v": "a * v + c * ge + d * gi + e", "ge": "f * ge", "gi": "h * gi"}


@pytest.fixture(scope="module")
def fed_update():
    return _update(_FED)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.lists(st.floats(-3, 3), min_size=6, max_size=6), st.floats(0.01, 1.0))
def test_a_variable_fed_by_decays_matches_the_matrix_exponential(run, fed_update, values, dt):
    """The closed form written out for synaptic variables that only decay (no SymPy
    simplification), against exp(M dt) (diagonalisable: distinct rates; ``a = 0`` below)."""
    a, c, d, e, f, h = values
    assume(min(abs(a - f), abs(a - h), abs(f - h), abs(a), abs(f), abs(h)) > 0.1)
    augmented = np.array([[a, c, d, e], [0, f, 0, 0], [0, 0, h, 0], [0, 0, 0, 0]], dtype=float)
    start = np.array([0.3, -1.2, 0.7, 1.0])
    expected = _matrix_exponential(augmented * dt) @ start
    parameters = dict(a=a, c=c, d=d, e=e, f=f, h=h)
    initial = {"v": start[0], "ge": start[1], "gi": start[2]}
    final = run(fed_update, initial, parameters, dt=dt, steps=1)
    for index, name in enumerate(["v", "ge", "gi"]):
        assert final[name][0] == pytest.approx(expected[index], rel=1e-9, abs=1e-9)


def test_a_current_integrated_without_leak(run):
    """v' = I/C, I' = -I/tau from v=0, I=1: v = tau/C (1 - exp(-t/tau))."""
    update = _update({"v": "I / C", "I": "-I / tau"})
    final = run(update, {"v": 0.0, "I": 1.0}, {"C": 2.0, "tau": 0.01}, dt=1e-3, steps=30)
    assert final["v"][0] == pytest.approx(0.01 / 2.0 * (1 - np.exp(-3.0)), rel=1e-12)


def test_cubas_update_needs_no_simplification(monkeypatch):
    """The membrane fed by two decaying conductances is written out: SymPy's simplify, the
    slow part of the general route, is never called (and the result is CUBA's solution)."""
    import sympy

    from axonal.integrate import exact

    def refuse(expr, *args, **kwargs):
        raise AssertionError(f"simplify called on {expr}")

    monkeypatch.setattr(exact.sympy, "simplify", refuse)
    update = _update({"v": "(ge + gi - (v - El)) / taum", "ge": "-ge / taue", "gi": "-gi / taui"})
    assert sum(s.expr.code.count("exp(") for s in update.statements) == 3
    assert sympy.simplify is refuse
