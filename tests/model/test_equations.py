"""The equation language: line kinds, units, flags, combination, substitution and errors."""

import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from axonal.model import EquationError, Equations
from axonal.model.equations import (
    FLAGS_BY_KIND,
    RESERVED_NAMES,
    SingleEquation,
    check_variable_name,
)
from axonal.model.errors import ShadowedUnitWarning
from axonal.model.ir import Expression
from axonal.units import DIMENSIONLESS, Dimension, amp, ms, mV, nS, siemens, volt

VOLT = volt.dim


def test_each_kind_of_line():
    eqs = Equations(
        """
        dv/dt = (v0 - v) / tau : volt   # a differential equation
        I = g * (E - v) : amp           # a subexpression
        v0 : volt                       # a parameter
        """
    )
    v, current, v0 = eqs["v"], eqs["I"], eqs["v0"]
    assert (v.kind, v.expr, v.dimensions, v.dtype) == (
        "differential",
        Expression("(v0 - v) / tau"),
        VOLT,
        "float64",
    )
    assert (current.kind, current.expr, current.dimensions) == (
        "subexpression",
        Expression("g * (E - v)"),
        amp.dim,
    )
    assert (v0.kind, v0.expr, v0.dimensions) == ("parameter", None, VOLT)
    assert v.lineno == 2 and current.lineno == 3 and v0.lineno == 4
    assert v.line == "dv/dt = (v0 - v) / tau : volt   # a differential equation"


def test_names_by_kind_in_definition_order():
    eqs = Equations("b : 1\ndz/dt = -z/tau : 1\na = b * 2 : 1\ndy/dt = -y/tau : 1\nc : 1")
    assert eqs.names == ("b", "z", "a", "y", "c")
    assert list(eqs) == ["b", "z", "a", "y", "c"]
    assert eqs.diff_eq_names == ("z", "y")
    assert eqs.subexpr_names == ("a",)
    assert eqs.parameter_names == ("b", "c")
    assert len(eqs) == 5 and "z" in eqs and "tau" not in eqs
    assert all(isinstance(eq, SingleEquation) for eq in eqs.values())
    assert eqs.identifiers == {"tau"}


@pytest.mark.parametrize(
    ("unit_text", "dims", "dtype"),
    [
        ("1", DIMENSIONLESS, "float64"),
        ("boolean", DIMENSIONLESS, "bool"),
        ("integer", DIMENSIONLESS, "int32"),
        ("volt", VOLT, "float64"),
        ("mV", VOLT, "float64"),
        ("siemens / metre ** 2", siemens.dim / Dimension(m=2), "float64"),
        ("amp/meter**2", amp.dim / Dimension(m=2), "float64"),
        ("second**-0.5", Dimension(s=-0.5), "float64"),
        ("Hz", Dimension(s=-1), "float64"),
    ],
)
def test_unit_specifications(unit_text, dims, dtype):
    equation = Equations(f"x : {unit_text}")["x"]
    assert (equation.dimensions, equation.dtype) == (dims, dtype)


def test_flags_single_and_several():
    eqs = Equations(
        """
        dv/dt = -v / tau : volt (unless refractory)
        dg/dt = -g / tau : siemens (event-driven)
        dh/dt = -h / tau : 1 (clock-driven)
        I = g * v : amp (constant over dt, shared)
        Isyn_post = g * v : amp (summed)
        w : 1 (constant, shared)
        x : 1 (linked)
        """
    )
    assert eqs["v"].flags == {"unless refractory"}
    assert eqs["g"].flags == {"event-driven"}
    assert eqs["h"].flags == {"clock-driven"}
    assert eqs["I"].flags == {"constant over dt", "shared"}
    assert eqs["Isyn_post"].flags == {"summed"}
    assert eqs["w"].flags == {"constant", "shared"}
    assert eqs["x"].flags == {"linked"}


def test_flag_spacing_is_normalised_and_flags_may_follow_on_their_own_line():
    eqs = Equations(
        "I = 2*v : volt ( constant   over dt )\ndv/dt = -v/tau : volt\n(unless refractory)"
    )
    assert eqs["I"].flags == {"constant over dt"}
    assert eqs["v"].flags == {"unless refractory"}


def test_multi_line_expressions_continue_until_the_unit():
    eqs = Equations(
        """
        dv/dt = (gl * (El - v)
                 + ge * (Ee - v)   # excitatory
                 + gi * (Ei - v)) / Cm : volt
        dm/dt = a \\
                - m / tau : 1
        """
    )
    assert eqs["v"].expr == Expression("(gl*(El - v) + ge*(Ee - v) + gi*(Ei - v)) / Cm")
    assert eqs["m"].expr == Expression("a - m / tau")
    assert eqs["v"].lineno == 2 and eqs["m"].lineno == 5


def test_comparison_in_a_boolean_subexpression_is_not_an_assignment():
    equation = Equations("active = v >= 0*mV : boolean")["active"]
    assert equation.expr == Expression("v >= 0 * mV")


def test_str_gives_back_readable_equations_that_parse_to_the_same():
    text = (
        "dv/dt = (v0 - v) / tau + sigma * xi * tau ** (-0.5) : volt (unless refractory)\n"
        "I = g * (E - v) : amp (constant over dt)\n"
        "v0 : mV (constant, shared)\n"
        "spiking : boolean"
    )
    eqs = Equations(text)
    assert str(eqs) == text
    assert Equations(str(eqs)) == eqs
    assert eval(repr(eqs), {"Equations": Equations}) == eqs  # noqa: S307


def test_stochastic_variables():
    eqs = Equations("dv/dt = -v/tau + sigma*xi/sqrt(tau) + xi_2*s : 1\ndw/dt = -w/tau : 1")
    assert eqs.stochastic_variables == {"xi", "xi_2"}
    assert eqs["v"].stochastic_variables == {"xi", "xi_2"}
    assert eqs["w"].stochastic_variables == frozenset()
    assert eqs.is_stochastic and not Equations("dw/dt = -w/tau : 1").is_stochastic
    assert eqs.identifiers == {"tau", "sigma", "s"}
    assert eqs.functions == {"sqrt"}


def test_empty_equations():
    eqs = Equations("")
    assert len(eqs) == 0 and eqs.names == () and str(eqs) == ""


# --- combination and substitution -----------------------------------------------------------


def test_equations_combine_with_plus_in_order():
    neuron = Equations("dv/dt = (I - v)/tau : volt")
    synapse = Equations("I = g*(E - v) : volt\ng : 1")
    combined = neuron + synapse
    assert combined.names == ("v", "I", "g")
    assert (neuron + "w : 1").names == ("v", "w")
    assert ("w : 1" + neuron).names == ("w", "v")
    assert Equations([neuron, synapse]) == combined
    assert Equations(combined) == combined


def test_combining_a_variable_twice_is_an_error_naming_both_lines():
    with pytest.raises(EquationError, match=r"'v' is defined twice: by 'v : volt' and by 'v : 1'"):
        Equations("v : volt") + Equations("v : 1")
    with pytest.raises(EquationError, match="defined twice"):
        Equations("dv/dt = -v/tau : 1\nv = 2 : 1")


def test_substitution_renames_names_everywhere():
    eqs = Equations("dv/dt = (E - v)/tau : volt\nI = g*v : amp", tau="tau_e", v="u")
    assert eqs.names == ("u", "I")
    assert eqs["u"].expr == Expression("(E - u) / tau_e")
    assert eqs["I"].expr == Expression("g * u")
    assert str(eqs["u"]) == "du/dt = (E - u) / tau_e : volt"
    assert eqs["u"].line == "du/dt = (E - u) / tau_e : volt"


def test_substitution_by_values_keeps_units():
    eqs = Equations(
        "dv/dt = (E - v)/tau + I/C : volt\nI = gmax*(E - v)*n : amp",
        E=-80 * mV,
        gmax=10 * nS,
        n=3,
    )
    assert eqs["v"].expr == Expression("(-0.08 * volt - v) / tau + I / C")
    assert eqs["I"].expr == Expression("1e-08 * siemens * (-0.08 * volt - v) * 3")
    assert eqs.identifiers == {"tau", "C", "volt", "siemens"}  # the units are names too


def test_the_same_template_twice_with_different_values():
    template = "I = g * (E - v) : amp\ndg/dt = -g/tau : siemens"
    both = Equations(template, I="I_e", g="g_e", E=0 * mV, tau="tau_e") + Equations(
        template, I="I_i", g="g_i", E=-80 * mV, tau="tau_i"
    )
    assert both.names == ("I_e", "g_e", "I_i", "g_i")
    assert both["I_e"].expr == Expression("g_e * (0.0 * volt - v)")
    assert both["I_i"].expr == Expression("g_i * (-0.08 * volt - v)")


def test_function_names_are_not_substituted():
    with pytest.raises(EquationError, match="Cannot substitute 'exp'"):
        Equations("dv/dt = exp(-v)/tau : 1", exp="other")


@pytest.mark.parametrize(
    ("substitution", "message"),
    [
        ({"q": 3}, "Cannot substitute 'q': the equations neither define nor use it"),
        ({"v": 3 * mV}, "Cannot replace the model variable 'v' by a value"),
        ({"tau": "2*t"}, "must give a variable name"),
        ({"tau": [1, 2]}, "must be a name"),
        ({"v": "t"}, "special meaning"),
        ({"tau": ms * [1.0, 2.0]}, "scalar quantity"),
    ],
)
def test_substitution_errors(substitution, message):
    with pytest.raises(EquationError, match=message):
        Equations("dv/dt = -v/tau : volt", **substitution)


def test_renaming_onto_an_existing_variable_is_a_duplicate():
    with pytest.raises(EquationError, match="defined twice"):
        Equations("v : 1\nw : 1", v="w")


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "bad_line", "message"),
    [
        ("dv/dt = -v/tau", "dv/dt = -v/tau", "no ':' followed by its unit"),
        ("v :", "v :", "unit of 'v' is missing"),
        (
            "v : volts",
            "v : volts",
            "Cannot read the unit 'volts': 'volts' is not a known unit name. The unit of 'v'",
        ),
        ("v : volt (refractory)", "v : volt (refractory)", "Unknown flag 'refractory'"),
        ("v : volt (unless refractory)", "v : volt (unless refractory)", "does not apply"),
        ("dv/dt = 1/ms : 1 (constant)", "dv/dt = 1/ms : 1 (constant)", "does not apply"),
        ("I = 2 : 1 (linked)", "I = 2 : 1 (linked)", "does not apply"),
        ("dv/dt = -v/tau : 1 (event-driven, clock-driven)", None, "not both"),
        ("dv/dt = 1/ms : boolean", "dv/dt = 1/ms : boolean", "real-valued"),
        ("dv/dt = 1/ms : integer", "dv/dt = 1/ms : integer", "real-valued"),
        ("I = I + 1 : 1", "I = I + 1 : 1", "refers to itself"),
        ("v + w : 1", "v + w : 1", "Cannot read 'v + w' as an equation"),
        ("dv/ds = 1 : 1", "dv/ds = 1 : 1", "Cannot read the left-hand side 'dv/ds'"),
        ("dv/dt = v.x : 1", "dv/dt = v.x : 1", "attribute access"),
        ("dv/dt = (v : 1", "dv/dt = (v : 1", "not a valid expression"),
        ("v : volt : 1", "v : volt : 1", "only one ':'"),
    ],
)
def test_equation_errors_name_the_line(text, bad_line, message):
    with pytest.raises(EquationError) as info:
        Equations("w : 1\n" + text)
    assert message.lower() in str(info.value).lower()
    if bad_line is not None:
        assert f"line {bad_line!r}" in str(info.value).replace("Line '", "line '")


@pytest.mark.parametrize("name", sorted(RESERVED_NAMES) + ["xi_1", "_x", "lambda", "exp", "pi"])
def test_reserved_names_cannot_be_variables(name):
    with pytest.raises(EquationError, match=f"'{name}'"):
        Equations(f"{name} : 1")


def test_a_variable_named_like_a_unit_warns():
    with pytest.warns(ShadowedUnitWarning, match="'mV'"):
        Equations("mV : 1")


def test_check_variable_name_names_the_owner():
    with pytest.raises(EquationError, match=r"In 'neurongroup', line 'N : 1'"):
        check_variable_name("N", "neurongroup", "N : 1")


def test_check_flags_for_an_owner():
    neuron_flags = {
        "differential": {"unless refractory"},
        "subexpression": {"shared", "constant over dt"},
        "parameter": {"constant", "shared", "linked"},
    }
    Equations("dv/dt = -v/tau : 1 (unless refractory)").check_flags(neuron_flags, "ng")
    with pytest.raises(EquationError, match=r"In 'ng', line 'dv/dt = -v/tau : 1 \(event-driven\)'"):
        Equations("dv/dt = -v/tau : 1 (event-driven)").check_flags(neuron_flags, "ng")


def test_missing_variable_lookup_names_the_defined_ones():
    with pytest.raises(KeyError, match="define no variable 'w'; they define v"):
        Equations("v : 1")["w"]


def test_error_owner_can_be_added_later():
    with pytest.raises(EquationError) as info:
        Equations("v : volts")
    error = info.value.with_owner("neurongroup_1")
    assert str(error).startswith("In 'neurongroup_1', line 'v : volts':")
    assert type(error) is type(info.value)


# --- property tests: random equation texts round-trip ----------------------------------------

_VARIABLES = ["v", "w", "ge", "I_syn", "v0", "alpha_m", "x1", "Vm"]
_UNITS = ["1", "volt", "siemens", "amp/metre**2", "second**-0.5", "boolean", "integer"]
_terms = st.recursive(
    st.sampled_from(["a", "b", "tau", "2", "0.5"]),
    lambda inner: st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(
        lambda p: f"({p[0]} {p[1]} {p[2]})"
    ),
    max_leaves=6,
)


@st.composite
def equation_lines(draw):
    names = draw(st.lists(st.sampled_from(_VARIABLES), min_size=1, max_size=6, unique=True))
    lines = []
    for name in names:
        kind = draw(st.sampled_from(["differential", "subexpression", "parameter"]))
        units = _UNITS[:5] if kind == "differential" else _UNITS
        unit = draw(st.sampled_from(units))
        allowed = sorted(FLAGS_BY_KIND[kind] - {"clock-driven"})
        flags = draw(st.lists(st.sampled_from(allowed), unique=True, max_size=2))
        spacing = draw(st.sampled_from(["", " ", "   "]))
        expr = draw(_terms)
        if kind == "differential":
            text = f"d{name}/dt{spacing}={spacing}{expr}"
        elif kind == "subexpression":
            if unit == "boolean":
                expr = f"{expr} > a"
            text = f"{name}{spacing}={spacing}{expr}"
        else:
            text = name
        text += f"{spacing}:{spacing}{unit}"
        if flags:
            text += f" ({', '.join(flags)})"
        if draw(st.booleans()):
            text += "  # a comment: with (parentheses)"
        lines.append((name, kind, unit, frozenset(flags), text))
    return lines


@settings(max_examples=80, deadline=None)
@given(equation_lines(), st.sampled_from(["\n", "\n\n", "\n   \n# only a comment\n"]))
def test_random_equations_parse_and_round_trip(lines, separator):
    eqs = Equations(separator.join(line[-1] for line in lines))
    assert eqs.names == tuple(line[0] for line in lines)
    for name, kind, unit, flags, _ in lines:
        assert (eqs[name].kind, eqs[name].flags, eqs[name].unit_text) == (kind, flags, unit)
        assert eqs[name].dtype == {"boolean": "bool", "integer": "int32"}.get(unit, "float64")
    assert Equations(str(eqs)) == eqs


def test_any_name_can_be_substituted_even_eqs():
    assert Equations("dv/dt = -v/eqs : 1", eqs="tau")["v"].expr == Expression("-v / tau")


def test_equations_and_errors_survive_pickling():
    import pickle

    eqs = Equations("dv/dt = -v/tau : volt (unless refractory)\nI = v/R : amp")
    assert pickle.loads(pickle.dumps(eqs)) == eqs
    with pytest.raises(EquationError) as info:
        Equations("v : volts")
    restored = pickle.loads(pickle.dumps(info.value.with_owner("g")))
    assert str(restored) == str(info.value.with_owner("g"))


_garbage = st.lists(
    st.sampled_from(list("dvt/=:()+-*# \n,.xi_12\\<>!'[]") + ["volt", "unless refractory"]),
    max_size=30,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_garbage)
def test_any_text_gives_equations_or_an_equation_error(text):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ShadowedUnitWarning)
        try:
            Equations(text)
        except EquationError:
            pass
