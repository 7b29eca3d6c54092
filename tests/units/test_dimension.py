"""Tests for axonal/units/dimension.py: dimension algebra, interning, text forms, the error."""

import copy
import pickle
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from axonal.units.dimension import DIMENSIONLESS, Dimension, DimensionMismatchError

VOLT = Dimension(m=2, kg=1, s=-3, A=-1)
SECOND = Dimension(s=1)

exponents = st.integers(min_value=-4, max_value=4)
dimensions = st.builds(
    lambda values: Dimension(tuple(values)), st.lists(exponents, min_size=7, max_size=7)
)


def test_equal_exponents_give_the_same_object():
    assert Dimension((2, 1, -3, -1, 0, 0, 0)) is VOLT
    assert Dimension((2.0, 1.0, -3.0, -1.0, 0.0, 0.0, 0.0)) is VOLT
    assert hash(VOLT) == hash(Dimension(m=2, kg=1, s=-3, A=-1))


def test_product_quotient_power():
    amp = Dimension(A=1)
    watt = Dimension(m=2, kg=1, s=-3)
    assert VOLT * amp is watt
    assert watt / amp is VOLT
    assert SECOND**2 is Dimension(s=2)
    assert SECOND**-0.5 is Dimension(s=-0.5)
    assert (SECOND**2) ** Fraction(1, 2) is SECOND
    assert VOLT / VOLT is DIMENSIONLESS


def test_float_noise_in_exponents_is_removed():
    cube_root = SECOND ** (1 / 3)
    assert cube_root**3 is SECOND


def test_is_dimensionless():
    assert DIMENSIONLESS.is_dimensionless
    assert not SECOND.is_dimensionless


def test_text_forms():
    assert str(VOLT) == "m^2 kg s^-3 A^-1"
    assert str(DIMENSIONLESS) == "1"
    assert str(SECOND**-0.5) == "s^-0.5"
    assert eval(repr(VOLT), {"Dimension": Dimension}) is VOLT
    assert repr(DIMENSIONLESS) == "DIMENSIONLESS"


def test_immutable_and_survives_pickle_and_copy():
    with pytest.raises(AttributeError):
        VOLT.exponents = (0,) * 7
    assert pickle.loads(pickle.dumps(VOLT)) is VOLT
    assert copy.deepcopy(VOLT) is VOLT


def test_bad_construction_is_explained():
    with pytest.raises(ValueError, match="7 exponents"):
        Dimension((1, 2))
    with pytest.raises(TypeError, match="Unknown base dimension symbol"):
        Dimension(metres=1)
    with pytest.raises(TypeError, match="real number"):
        SECOND ** "2"


def test_mismatch_error_names_both_units_and_keeps_dims():
    error = DimensionMismatchError("Cannot add", VOLT, SECOND)
    assert error.dims == (VOLT, SECOND)
    assert str(error) == "Cannot add (units are V and s)."


@given(dimensions, dimensions)
def test_multiplication_commutes(first, second):
    assert first * second is second * first


@given(dimensions, dimensions, dimensions)
def test_multiplication_associates(first, second, third):
    assert (first * second) * third is first * (second * third)


@given(dimensions, dimensions)
def test_division_undoes_multiplication(first, second):
    assert (first * second) / second is first
    assert first / first is DIMENSIONLESS


@given(dimensions, st.integers(min_value=-3, max_value=3), st.integers(min_value=-3, max_value=3))
def test_powers_add(dimension, p, q):
    assert dimension**p * dimension**q is dimension ** (p + q)
