"""The tutorial's models and the benchmark models parse, resolve and pass the unit checks."""

import pytest

from axonal.model import EquationError, Equations
from axonal.model.dependencies import differential_right_hand_sides
from axonal.model.dimensions import (
    check_equations,
    check_statement,
    expression_dimensions,
    is_boolean_expression,
)
from axonal.model.errors import EquationDimensionError, UnknownNameError
from axonal.model.expressions import parse_expression, parse_statements
from axonal.model.namespace import resolve_equation_names, resolve_names
from axonal.units import (
    DIMENSIONLESS,
    Dimension,
    Hz,
    cm,
    ms,
    msiemens,
    mV,
    nS,
    siemens,
    ufarad,
    umetre,
)

GROUP_VARIABLES = {
    "t": Dimension(s=1),
    "dt": Dimension(s=1),
    "i": DIMENSIONLESS,
    "N": DIMENSIONLESS,
}


def check_model(text, caller, threshold=None, reset=None, initial=None, owner="neurongroup"):
    """What a NeuronGroup does with its model text before a run."""
    eqs = Equations(text)
    own = {**GROUP_VARIABLES, **eqs.dimensions}
    check_equations(eqs, resolve_equation_names(eqs, own, None, caller, owner), owner=owner)
    for condition in [threshold] if threshold else []:
        expr = parse_expression(condition, owner)
        resolved = resolve_names(expr.names, own, None, caller, owner, called=expr.functions)
        assert expression_dimensions(expr, resolved, owner=owner) is DIMENSIONLESS
        assert is_boolean_expression(expr)
    for name, code in (initial or {}).items():
        expr = parse_expression(code, owner)
        resolved = resolve_names(expr.names, own, None, caller, owner, called=expr.functions)
        assert expression_dimensions(expr, resolved, owner=owner) is own[name]
    for statement in parse_statements(reset or "", owner):
        expr = statement.expr
        resolved = resolve_names(
            expr.names, own, None, caller, owner, called=expr.functions, line=str(statement)
        )
        check_statement(statement, {**own, **resolved}, owner=owner)
    return eqs


TUTORIAL = [
    ("dv/dt = (1-v)/tau : 1", {"tau": 10 * ms}, None, None),
    ("dv/dt = (sin(2*pi*100*Hz*t)-v)/tau : 1", {"tau": 10 * ms, "Hz": Hz}, None, None),
    ("dv/dt = (1-v)/tau : 1", {"tau": 10 * ms}, "v>0.8", "v = 0"),
    ("dv/dt = (1-v)/tau : 1 (unless refractory)", {"tau": 10 * ms}, "v>0.8", "v = 0"),
    ("dv/dt = (2-v)/tau : 1", {"tau": 10 * ms}, "v>1", "v=0"),
    (
        "dv/dt = (v0-v)/tau : 1 (unless refractory)\nv0 : 1",
        {"tau": 10 * ms},
        "v>1",
        "v=0",
    ),
    (
        "dv/dt = (v0-v)/tau+sigma*xi*tau**-0.5 : 1 (unless refractory)\nv0 : 1",
        {"tau": 10 * ms, "sigma": 0.2},
        "v>1",
        "v=0",
    ),
]


@pytest.mark.parametrize(("text", "caller", "threshold", "reset"), TUTORIAL)
def test_tutorial_neurons(text, caller, threshold, reset):
    check_model(text, caller, threshold, reset)


def test_tutorial_f_i_curve_initial_values():
    check_model(
        "dv/dt = (v0-v)/tau : 1 (unless refractory)\nv0 : 1",
        {"tau": 10 * ms, "v0_max": 3.0},
        initial={"v0": "i*v0_max/(N-1)"},
    )


def test_tutorial_adaptive_threshold_network():
    vr, vt0 = -70 * mV, -50 * mV
    caller = {
        "tau": 10 * ms,
        "vr": vr,
        "vt0": vt0,
        "delta_vt0": 5 * mV,
        "tau_t": 100 * ms,
        "sigma": 0.5 * (vt0 - vr),
        "v_drive": 2 * (vt0 - vr),
    }
    eqs = check_model(
        """
        dv/dt = (v_drive+vr-v)/tau + sigma*xi*tau**-0.5 : volt
        dvt/dt = (vt0-vt)/tau_t : volt
        """,
        caller,
        threshold="v>vt",
        reset="""
        v = vr
        vt += delta_vt0
        """,
        initial={"v": "rand()*(vt0-vr)+vr"},
    )
    assert eqs.stochastic_variables == {"xi"}


def test_tutorial_missing_tau_is_a_unit_error_naming_group_and_line():
    with pytest.raises(EquationDimensionError) as info:
        check_model("dv/dt = 1-v : 1", {})
    assert "In 'neurongroup', line 'dv/dt = 1-v : 1'" in str(info.value)


CUBA = {
    "taum": 20 * ms,
    "taue": 5 * ms,
    "taui": 10 * ms,
    "Vt": -50 * mV,
    "Vr": -60 * mV,
    "El": -49 * mV,
    "we": 60 * 0.27 / 10 * mV,
    "wi": -20 * 4.5 / 10 * mV,
}


def test_cuba():
    check_model(
        """
        dv/dt  = (ge + gi - (v - El)) / taum : volt (unless refractory)
        dge/dt = -ge / taue : volt
        dgi/dt = -gi / taui : volt
        """,
        CUBA,
        threshold="v > Vt",
        reset="v = Vr",
        initial={"v": "Vr + rand() * (Vt - Vr)", "ge": "0*mV"},
    )


AREA = 20000 * umetre**2
COBA = {
    "area": AREA,
    "Cm": (1 * ufarad * cm**-2) * AREA,
    "gl": (5e-5 * siemens * cm**-2) * AREA,
    "El": -60 * mV,
    "Vt": -50 * mV,
    "Vr": -60 * mV,
    "Ee": 0 * mV,
    "Ei": -80 * mV,
    "taue": 5 * ms,
    "taui": 10 * ms,
    "we": 6 * nS,
    "wi": 67 * nS,
}


def test_coba():
    check_model(
        """
        dv/dt  = (gl*(El - v) + ge*(Ee - v) + gi*(Ei - v)) / Cm : volt (unless refractory)
        dge/dt = -ge / taue : siemens
        dgi/dt = -gi / taui : siemens
        """,
        COBA,
        threshold="v > Vt",
        reset="v = Vr",
        initial={
            "v": "El + (randn()*5 - 5)*mV",
            "ge": "(randn()*1.5 + 4) * 10*nS",
            "gi": "(randn()*12 + 20) * 10*nS",
        },
    )


COBAHH_EQUATIONS = """
dv/dt = (gl*(El-v)+ge*(Ee-v)+gi*(Ei-v)-
         g_na*(m*m*m)*h*(v-ENa)-
         g_kd*(n*n*n*n)*(v-EK))/Cm : volt
dm/dt = alpha_m*(1-m)-beta_m*m : 1
dn/dt = alpha_n*(1-n)-beta_n*n : 1
dh/dt = alpha_h*(1-h)-beta_h*h : 1
dge/dt = -ge*(1./taue) : siemens
dgi/dt = -gi*(1./taui) : siemens
alpha_m = 0.32*(mV**-1)*(13*mV-v+VT)/
         (exp((13*mV-v+VT)/(4*mV))-1.)/ms : Hz
beta_m = 0.28*(mV**-1)*(v-VT-40*mV)/
        (exp((v-VT-40*mV)/(5*mV))-1)/ms : Hz
alpha_h = 0.128*exp((17*mV-v+VT)/(18*mV))/ms : Hz
beta_h = 4./(1+exp((40*mV-v+VT)/(5*mV)))/ms : Hz
alpha_n = 0.032*(mV**-1)*(15*mV-v+VT)/
         (exp((15*mV-v+VT)/(5*mV))-1.)/ms : Hz
beta_n = .5*exp((10*mV-v+VT)/(40*mV))/ms : Hz
"""


def test_cobahh():
    caller = {
        **COBA,
        "EK": -90 * mV,
        "ENa": 50 * mV,
        "g_na": (100 * msiemens * cm**-2) * AREA,
        "g_kd": (30 * msiemens * cm**-2) * AREA,
        "VT": -63 * mV,
    }
    eqs = check_model(COBAHH_EQUATIONS, caller, threshold="v > -20*mV", reset="")
    assert eqs.diff_eq_names == ("v", "m", "n", "h", "ge", "gi")
    assert len(eqs.subexpr_names) == 6
    rhs = differential_right_hand_sides(eqs)
    assert "alpha_m" not in rhs["m"].names and "exp" in rhs["m"].functions
    assert rhs["m"].names == {"m", "v", "VT", "mV", "ms"}


def test_cobahh_with_a_wrong_unit_names_the_line():
    wrong = COBAHH_EQUATIONS.replace("beta_h = 4./", "beta_h = 4.*mS/")
    with pytest.raises(EquationDimensionError, match=r"line 'beta_h = 4\.\*mS/"):
        check_model(wrong, {**COBA, "EK": 1 * mV, "ENa": 1 * mV, "g_na": nS, "g_kd": nS, "VT": mV})


def test_unknown_constant_names_the_line_that_uses_it():
    with pytest.raises(UnknownNameError) as info:
        check_model("dv/dt = -v/tau : 1\ndw/dt = -w/tua : 1", {"tau": 10 * ms})
    assert "line 'dw/dt = -w/tua : 1'" in str(info.value)
    assert "did you mean 'tau'" in str(info.value)


def test_threshold_and_reset_errors():
    with pytest.raises(EquationDimensionError, match="compares quantities of different units"):
        check_model("dv/dt = -v/tau : volt", {"tau": ms}, threshold="v > 1")
    with pytest.raises(EquationError, match="assigns to 'u'"):
        check_model("dv/dt = -v/tau : volt", {"tau": ms}, reset="u = 0")
