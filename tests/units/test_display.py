"""Tests for axonal/units/display.py: readable str and repr that evaluates back."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import axonal.units as units_module
from axonal.units import *

NAMESPACE = {name: getattr(units_module, name) for name in units_module.__all__}
NAMESPACE["Quantity"] = Quantity


def round_trip(value):
    return eval(repr(value), dict(NAMESPACE))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (3 * mV, "3. mV"),
        (np.array([1.0, 2.0, 3.0]) * mV, "[1. 2. 3.] mV"),
        (10 * kHz, "10. kHz"),
        (0.5 * nA, "500. pA"),
        (70 * mV, "70. mV"),
        (-65 * mV, "-65. mV"),
        (2 * metre, "2. m"),
        (20 * um2, "20. um^2"),
        (1 * mmolar, "1. mM"),
        (1e-4 * siemens / cm**2, "1. S/m^2"),
        (4 * volt**2, "4. V^2"),
        (0 * mV, "0. V"),
        (3 * kilogram, "3. kg"),
        (np.array([0.001, 2.0]) * mV, "[1.e-03 2.e+00] mV"),
    ],
)
def test_str_picks_a_readable_unit(value, text):
    assert str(value) == text


def test_format_spec_applies_to_the_number():
    assert f"{3 * mV:.2f}" == "3.00 mV"
    assert f"{3 * mV}" == "3. mV"


def test_dimensionless_quantity_shows_bare_numbers():
    assert str(Quantity(3.0)) == "3."
    assert round_trip(Quantity([1.0, 2.0])).tolist() == [1.0, 2.0]


def test_unit_text_forms():
    assert str(mV) == "mV" and repr(mV) == "mvolt"
    assert str(siemens / cm**2) == "S/cm^2"


@pytest.mark.parametrize(
    "value",
    [
        3 * mV,
        0.1 * mV + 0.2 * mV,
        np.array([1.0, 2.5, -3.0]) * nS,
        np.array([[1.0, 2.0], [3.0, 4.0]]) * um,
        1e-4 * siemens / cm**2,
        2 * mV * ms,
        np.inf * mV,
        3 * second**-0.5,
        np.array([]) * volt,
    ],
)
def test_repr_evaluates_back_to_an_equal_quantity(value):
    clone = round_trip(value)
    assert get_dimensions(clone) is get_dimensions(value)
    assert np.array_equal(np.asarray(clone), np.asarray(value))


@given(
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e30, max_value=1e30),
    st.sampled_from([mV, nS, ms, pA, um2, kHz, mmolar, uF, siemens / cm**2, mV * ms]),
)
def test_repr_round_trip_is_exact(number, unit):
    value = number * unit
    clone = round_trip(value)
    assert get_dimensions(clone) is get_dimensions(value)
    assert np.asarray(clone) == np.asarray(value)
