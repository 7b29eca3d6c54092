"""Tests for axonal/units/parse.py: unit expressions from text, without eval."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

import axonal.units as u
from axonal.units.dimension import DIMENSIONLESS, Dimension
from axonal.units.parse import UnitParseError, parse_unit
from axonal.units.registry import public_names


@pytest.mark.parametrize(
    ("text", "scale", "dim"),
    [
        ("volt", 1.0, u.volt.dim),
        ("mV", 1e-3, u.volt.dim),
        ("1", 1.0, DIMENSIONLESS),
        ("siemens/metre**2", 1.0, Dimension(m=-4, kg=-1, s=3, A=2)),
        ("amp/meter**2", 1.0, Dimension(m=-2, A=1)),
        ("second**-0.5", 1.0, Dimension(s=-0.5)),
        ("Hz", 1.0, Dimension(s=-1)),
        ("1/ms", 1e3, Dimension(s=-1)),
        ("nS/um2", 1e3, Dimension(m=-4, kg=-1, s=3, A=2)),
        (" mV * ms ", 1e-6, u.volt.dim * u.second.dim),
        ("(metre/second)**2", 1.0, Dimension(m=2, s=-2)),
        ("mmolar", 1.0, Dimension(m=-3, mol=1)),
        ("mV/volt", 1e-3, DIMENSIONLESS),
    ],
)
def test_parse_unit(text, scale, dim):
    unit = parse_unit(text)
    assert isinstance(unit, u.Unit)
    assert unit.dim is dim
    assert unit.scale == pytest.approx(scale)


def test_parsed_unit_is_the_registered_one():
    assert parse_unit("mV") is u.mV
    assert parse_unit("1") * 1 == 1


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("boolean", "'boolean' is not a known unit name"),
        ("mV + ms", "only unit names"),
        ("2*mV", "the number 2 is not a unit"),
        ("volt**mV", "exponent after ** must be a number"),
        ("__import__('os')", "only unit names"),
        ("mV)", "not a valid expression"),
        ("", "empty"),
        ("volt.__class__", "only unit names"),
    ],
)
def test_bad_text_is_explained(text, reason):
    with pytest.raises(UnitParseError, match="Cannot read the unit") as info:
        parse_unit(text)
    assert reason in str(info.value)
    assert repr(text) in str(info.value)


@given(
    st.sampled_from(sorted(public_names)),
    st.sampled_from(sorted(public_names)),
    st.sampled_from(["*", "/"]),
    st.integers(min_value=-3, max_value=3).filter(bool),
)
def test_parse_agrees_with_python_arithmetic(first, second, operation, exponent):
    text = f"{first} {operation} {second}**{exponent}"
    unit = parse_unit(text)
    expected = eval(text, vars(u))
    assert unit.dim is u.get_dimensions(expected)
    assert unit.scale == pytest.approx(float(u.asarray(expected)), rel=1e-12)


units_strategy = st.sampled_from([u.mV, u.nS, u.ms, u.um2, u.kHz, u.mmolar, u.siemens, u.cm])


@st.composite
def unit_expressions(draw):
    unit = draw(units_strategy)
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        other = draw(units_strategy)
        step = draw(st.sampled_from(["*", "/", "**"]))
        if step == "*":
            unit = unit * other
        elif step == "/":
            unit = unit / other
        else:
            unit = unit ** draw(st.sampled_from([2, -1, 0.5]))
        if not isinstance(unit, u.Unit):  # the units cancelled: a plain number
            unit = draw(units_strategy)
    return unit


@given(unit_expressions())
def test_the_name_of_a_combined_unit_parses_back(unit):
    parsed = parse_unit(unit.name)
    assert parsed.dim is unit.dim
    assert parsed.scale == pytest.approx(unit.scale, rel=1e-12)
