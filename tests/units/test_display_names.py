"""Units in error messages are spelled as a scientist writes them (issue #12, item 6):
``F/m^2`` for a membrane capacitance, not ``kg/Wb^2`` or ``m^-4 kg^-1 s^4 A^2``."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from axonal import NeuronGroup, run
from axonal.units import *
from axonal.units.display import dimension_display_name
from axonal.units.registry import registry

# The symbol of every unit of scale 1 (V, S, F, m, s, mol...), to read a spelling back.
SYMBOLS = {u.dispname: u for u in registry.values() if u.scale == 1 and not u.is_compound}


def read_back(text: str):
    """The dimension of a spelling such as ``S/(m^2 s)`` or ``V^0.5``."""
    code = text.replace("^", "**")
    code = re.sub(r"(?<=[\w)])\s+(?=[\w(])", "*", code)  # "V s" -> "V*s"
    return get_dimensions(eval(code, {"__builtins__": {}}, dict(SYMBOLS)))


@pytest.mark.parametrize(
    "quantity, text",
    [
        (volt, "V"),
        (mV / ms, "V/s"),
        (uF / cm**2, "F/m^2"),  # was kg/Wb^2
        (siemens / metre**2, "S/m^2"),
        (nS / ms, "S/s"),  # was 1/H
        (uF / cm**2 * mV, "C/m^2"),  # was S T
        (1 / (mV * ms), "1/(V s)"),  # was 1/Wb
        (mV * ms, "V s"),  # was Wb
        (mmolar * um / ms, "mol/(m^2 s)"),  # was kat/m^2
        (mV**0.5, "V^0.5"),  # was N s^0.5/(kg^0.5 A^0.5)
        (mV / ms**0.5, "V/s^0.5"),
        (ohm * cm**2, "ohm m^2"),
        (joule / mole / kelvin, "J/(K mol)"),
        (coulomb / metre**3, "C/m^3"),  # was Pa/V
        (nA / pF, "V/s"),
        (Hz, "Hz"),
        (kilogram, "kg"),
    ],
)
def test_dimensions_are_spelled_in_the_units_a_scientist_writes(quantity, text):
    dim = get_dimensions(quantity)
    assert dimension_display_name(dim) == text
    assert read_back(text) is dim


UNITS = [volt, amp, siemens, farad, ohm, second, metre, mole, kilogram, kelvin, coulomb, hertz]


@settings(deadline=None)  # the first spelling builds the table of candidates
@given(
    st.lists(
        st.tuples(st.sampled_from(UNITS), st.sampled_from([1, -1, 2, -2, 3, 0.5, -0.5])),
        max_size=3,
    )
)
def test_every_spelling_reads_back_to_its_dimension_without_base_exponent_lists(factors):
    quantity = 1.0
    for unit, exponent in factors:
        quantity = quantity * unit**exponent
    dim = get_dimensions(quantity)
    text = dimension_display_name(dim)
    assert read_back(text) is dim
    # Never the raw exponent list of str(Dimension), e.g. "m^2 kg s^-3 A^-1".
    assert "^-" not in text


def test_a_mismatch_error_names_both_units_as_a_scientist_would():
    with pytest.raises(DimensionMismatchError) as error:
        3 * mV + 2 * uF / cm**2
    assert str(error.value).endswith("(units are V and F/m^2).")
    assert "0.02 F/m^2" in str(error.value)  # the value too


def test_an_equation_error_names_the_units_as_a_scientist_would():
    G = NeuronGroup(2, "dv/dt = -v/(10*ms) : volt\nI = Cm*v : amp\nCm : farad/metre**2")
    with pytest.raises(Exception, match=r"units of C/m\^2, but 'I' is declared in A") as error:
        run(0.1 * ms)
    assert "Wb" not in str(error.value) and "kg" not in str(error.value)
    assert G.N == 2


def test_a_threshold_that_is_no_condition_names_its_unit_not_base_exponents():
    G = NeuronGroup(2, "v : volt", threshold="v + 1*mV", name="no_condition")
    with pytest.raises(Exception, match="gives a value in V\\)") as error:
        run(0.1 * ms)
    assert "kg" not in str(error.value)
    assert G.N == 2
