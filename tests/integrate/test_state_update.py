"""Choosing a method, the shape of a StateUpdate, and every refusal's message."""

import logging
import re
import time

import numpy as np
import pytest

from axonal.integrate import METHODS, IntegrationError, StateUpdate, state_update
from axonal.model.ir import Expression

ALLOWED_FUNCTIONS = {"exp", "log", "sqrt", "sin", "cos", "exprel", "randn"}


def _equations(**rhs):
    return {x: Expression(code) for x, code in rhs.items()}


def test_methods_are_the_seven_named_ones():
    assert set(METHODS) == {
        "exact", "euler", "rk2", "rk4", "heun", "milstein", "exponential_euler"
    }  # fmt: skip


@pytest.mark.parametrize(
    "equations, chosen",
    [
        (_equations(v="(1 - v) / tau"), "exact"),
        (_equations(v="(sin(2 * pi * f * t) - v) / tau"), "euler"),
        (_equations(v="-v**3 / tau"), "euler"),
        (_equations(v="(v0 - v) / tau + sigma * xi * tau**-0.5"), "euler"),
        (_equations(X="mu * X + s * X * xi"), "heun"),
    ],
)
def test_automatic_choice_follows_exact_euler_heun(caplog, equations, chosen):
    with caplog.at_level(logging.INFO, logger="axonal.integrate"):
        update = state_update(equations, owner="neurongroup")
    assert update.method == chosen
    [record] = [r for r in caplog.records if r.name == "axonal.integrate"]
    assert record.levelno == logging.INFO
    assert record.getMessage().startswith(
        f"No integration method given for 'neurongroup', using '{chosen}' (took "
    )


@pytest.mark.parametrize("method", METHODS)
def test_statements_are_temporaries_then_one_assignment_per_variable(method):
    if method == "exact":
        equations = _equations(v="(ge - v) / tau", ge="-ge / taue")
    elif method in ("euler", "milstein", "heun"):
        equations = _equations(v="(ge - v) / tau + s * xi", ge="-ge / taue")
    else:
        equations = _equations(v="(ge - v) / tau", ge="-ge * v / taue")
    update = state_update(equations, method)
    assert isinstance(update, StateUpdate) and update.method == method
    temporary = [s.temporary for s in update.statements]
    assert temporary == sorted(temporary, reverse=True)  # all temporaries come first
    finals = [s for s in update.statements if not s.temporary]
    assert sorted(s.target for s in finals) == ["ge", "v"]
    assert all(s.op == "=" for s in update.statements)
    assert all(s.target.startswith("_") for s in update.statements if s.temporary)
    for statement in update.statements:
        assert statement.expr.functions <= ALLOWED_FUNCTIONS
        names = statement.expr.names
        assert names <= {"v", "ge", "tau", "taue", "s", "dt", "t"} | {
            s.target for s in update.statements if s.temporary
        }


def test_unknown_method():
    with pytest.raises(IntegrationError) as caught:
        state_update(_equations(v="-v"), "runge_kutta", owner="cells")
    assert str(caught.value) == (
        "Unknown integration method 'runge_kutta' for 'cells'; choose one of "
        "exact, euler, rk2, rk4, heun, milstein, exponential_euler."
    )


@pytest.mark.parametrize(
    "method, equations, reason",
    [
        ("euler", _equations(v="-v / tau + s * v * xi"),
         "the noise term xi multiplies v in the equation for v (multiplicative noise); "
         "use 'heun' or 'milstein'"),
        ("euler", _equations(v="w * xi_a", w="-w"), "the noise term xi_a multiplies w in the "
         "equation for v"),
        ("rk2", _equations(v="-v + xi"), "the equation for v is stochastic (xi), and this "
         "method is for deterministic equations only"),
        ("rk4", _equations(v="-v + xi_1", w="xi_2"), "the equations for v and w are "
         "stochastic (xi_1 and xi_2)"),
        ("exact", _equations(v="(sin(t) - v) / tau", w="t"), "the equations for v and w "
         "depend on t"),
        ("milstein", _equations(v="v * xi_1 + v * xi_2"), "the equation for v has several "
         "noise terms (xi_1, xi_2) with multiplicative noise; 'milstein' supports one noise "
         "term per equation, use 'heun'"),
    ],
)  # fmt: skip
def test_a_method_that_cannot_apply_says_why(method, equations, reason):
    with pytest.raises(IntegrationError) as caught:
        state_update(equations, method, owner="cells")
    assert str(caught.value).startswith(
        f"Cannot integrate the equations of 'cells' with method '{method}': "
    )
    assert reason in str(caught.value)


@pytest.mark.parametrize(
    "equations, options, message",
    [
        (_equations(v="-v + exp(xi)"), {}, "the noise term xi must enter linearly"),
        (_equations(v="-v + xi**2"), {}, "must enter linearly"),
        (_equations(xi="-xi"), {}, "'xi' is reserved, not a state variable"),
        (_equations(v="-v + rand()"), {}, "the equation for v calls rand() or randn()"),
        (_equations(t="1"), {}, "'t' is reserved"),
        (_equations(v="-v"), {"constant_over_dt": ["v"]}, "v cannot be constant over a time"),
        ({}, {}, "no differential equations to integrate for 'cells'"),
        (_equations(v="-v + w[0]"), {}, "the equation for v: unsupported syntax"),
    ],
)
def test_equations_no_method_can_take(equations, options, message):
    with pytest.raises(IntegrationError, match=re.escape(message)):
        state_update(equations, "euler", owner="cells", **options)
    assert issubclass(IntegrationError, ValueError)


def test_additive_noise_with_heun_and_milstein_equals_euler(run):
    """With additive noise all three stochastic schemes agree on a linear drift's noise part."""
    equations = _equations(x="s * xi")
    finals = {}
    for method in ("euler", "heun", "milstein"):
        values = iter([np.array([0.3]), np.array([-1.2]), np.array([0.7])])
        finals[method] = run(state_update(equations, method), {"x": 0.0}, {"s": 2.0},
                             dt=0.01, steps=3, normals=values)["x"][0]  # fmt: skip
    assert finals["euler"] == pytest.approx(2.0 * 0.1 * (0.3 - 1.2 + 0.7))
    assert finals["heun"] == pytest.approx(finals["euler"])
    assert finals["milstein"] == pytest.approx(finals["euler"])


def test_refusing_exact_for_hodgkin_huxley_is_quick():
    """The automatic choice must not spend seconds proving that HH is nonlinear."""
    hh = _equations(
        v="(gl * (El - v) - g_na * m**3 * h * (v - ENa) - g_kd * n**4 * (v - EK) + I) / Cm",
        m="0.32 / mV * 4 * mV / exprel((13 * mV - v + VT) / (4 * mV)) / ms * (1 - m)"
        " - 0.28 / mV * 5 * mV / exprel((v - VT - 40 * mV) / (5 * mV)) / ms * m",
        n="0.032 / mV * 5 * mV / exprel((15 * mV - v + VT) / (5 * mV)) / ms * (1 - n)"
        " - 0.5 * exp((10 * mV - v + VT) / (40 * mV)) / ms * n",
        h="0.128 * exp((17 * mV - v + VT) / (18 * mV)) / ms * (1 - h)"
        " - 4 / (1 + exp((40 * mV - v + VT) / (5 * mV))) / ms * h",
    )
    started = time.process_time()
    assert state_update(hh, owner="hh").method == "euler"
    assert time.process_time() - started < 3.0  # CPU seconds: a loaded machine does not fail it
    assert state_update(hh, "exponential_euler").method == "exponential_euler"


def test_linearity_is_seen_through_cancelling_terms(run):
    update = state_update(_equations(v="v * (1 - v) + v**2 - 2 * v"), "exact")
    final = run(update, {"v": 1.0}, dt=0.1, steps=10)
    assert final["v"][0] == pytest.approx(np.exp(-1.0), rel=1e-13)
