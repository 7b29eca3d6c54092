"""Tests for axonal/units/quantity.py: arithmetic, comparisons, indexing, ufuncs, conversions."""

import copy
import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from axonal.units import *
from axonal.units import Dimension

VOLT = get_dimensions(volt)
finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
unit_choices = st.sampled_from([mV, nS, ms, pA, um2, kHz, mmolar, uF])


def test_tutorial_expected_value():
    tau = 10 * ms
    value = 1 - exp(-100 * ms / tau)
    assert value == pytest.approx(0.99995460007, abs=1e-11)
    assert type(100 * ms / tau) is np.float64


def test_units_multiply_and_divide():
    conductance = 3 * nS
    current = conductance * (2 * mV)
    assert current.dim is get_dimensions(amp)
    assert float(current / pA) == pytest.approx(6.0)
    rate = 1 / (4 * ms)
    assert rate.dim is Dimension(s=-1)
    assert float(rate / Hz) == pytest.approx(250.0)


def test_dimensionless_results_are_plain_numbers():
    assert type((3 * mV) / (1 * mV)) is np.float64
    values = np.array([1.0, 2.0]) * mV / mV
    assert type(values) is np.ndarray
    assert type(ms / second) is np.float64 and ms / second == pytest.approx(1e-3)
    assert type(Hz * second) is np.float64


def test_constructors_always_give_quantities():
    assert isinstance(Quantity(3), Quantity) and Quantity(3).dim is DIMENSIONLESS
    assert Quantity([1, 2]).dtype == float
    q = Quantity.with_dimensions(np.arange(3.0), VOLT)
    assert q.dim is VOLT and q[2] == 2 * volt
    assert Quantity([1 * mV, 2 * mV]).dim is VOLT
    assert Quantity(3 * mV).dim is VOLT
    from_unit = Quantity(mV)
    from_unit[()] = 2 * mV
    assert type(from_unit) is Quantity and mV.scale == 1e-3
    with pytest.raises(DimensionMismatchError):
        Quantity([1 * mV, 2 * ms])


def test_with_dimensions_does_not_copy():
    raw = np.zeros(3)
    q = Quantity.with_dimensions(raw, VOLT)
    raw[0] = 1.0
    assert q[0] == 1 * volt


def test_addition_needs_the_same_units():
    assert (3 * mV + 2 * mV) == 5 * mV
    assert float((3 * mV - 1 * volt) / mV) == pytest.approx(-997)
    with pytest.raises(DimensionMismatchError) as info:
        3 * mV + 1 * second
    message = str(info.value)
    assert "3. mV + 1. s" in message and "units are V and s" in message
    assert info.value.dims == (VOLT, get_dimensions(second))
    with pytest.raises(DimensionMismatchError, match="units are V and 1"):
        3 * mV + 1
    with pytest.raises(DimensionMismatchError):
        np.ones(3) * mV - np.ones(3) * nA


def test_a_plain_zero_adds_to_any_unit():
    """As in Brian 2: ``w = 0`` starts a sum, ``T - 0.0`` is what np.arange computes."""
    assert 3 * mV + 0 == 3 * mV and 0.0 - 3 * mV == -3 * mV
    assert (5 * second - 0.0).dim is get_dimensions(second)
    assert list((np.ones(2) * nA + np.zeros(2)) / nA) == [1.0, 1.0]
    spacing = np.arange(0.0, 3 * second, 1 * second)
    assert list(spacing) == [0.0, 1.0, 2.0]
    with pytest.raises(DimensionMismatchError, match="units are V and 1"):
        3 * mV + np.array([0.0, 1.0])  # zero only where every element is zero
    with pytest.raises(DimensionMismatchError, match="units are V and 1"):
        3 * mV + np.inf  # inf stands for any unit in comparisons only
    with pytest.raises(DimensionMismatchError):
        3 * mV + 0 * second  # a zero with a unit keeps its unit


def test_comparisons():
    v = np.array([1.0, 2.0, 3.0]) * mV
    assert list(v > 1.5 * mV) == [False, True, True]
    assert (2 * mV < 3 * mV) and (3 * mV >= 3 * mV) and (2 * mV != 3 * mV)
    assert list(v > 0) == [True, True, True]  # a plain zero stands for any unit
    assert list(v < np.inf) == [True, True, True]
    with pytest.raises(DimensionMismatchError, match="mV > 1"):
        _ = v > 1
    with pytest.raises(DimensionMismatchError):
        _ = v == 1 * ms
    assert (mV == None) is False  # noqa: E711 - testing the operator itself
    assert (mV != "mV") is True


def test_in_place_operations_check_units():
    v = np.array([1.0, 2.0]) * mV
    view = v
    v += 1 * mV
    assert view is v and list(v / mV) == [2.0, 3.0]
    v *= 2
    assert list(v / mV) == [4.0, 6.0]
    with pytest.raises(DimensionMismatchError):
        v += 1 * ms
    with pytest.raises(DimensionMismatchError, match=r"Cannot store a result in V\^2"):
        v *= 2 * mV  # would change the unit of the array in place
    assert list(v / mV) == [4.0, 6.0]  # refused before anything was written
    plain = np.zeros(2)
    with pytest.raises(
        DimensionMismatchError, match="Cannot store a result in V into an array in 1"
    ):
        plain += 1 * mV  # zeros may take the unit, but a unitless array cannot store it


def test_units_are_constant():
    unit = mV
    unit += 1 * mV
    assert unit == 2 * mV and mV.scale == 1e-3
    with pytest.raises(ValueError):
        mV[()] = 5 * mV


def test_indexing_and_slicing_keep_units():
    v = np.arange(5.0) * mV
    assert v[1] == 1 * mV and isinstance(v[1], Quantity)
    sliced = v[1:3]
    assert sliced.dim is VOLT and list(sliced / mV) == [1.0, 2.0]
    sliced[0] = 10 * mV  # a view: writes through
    assert v[1] == 10 * mV
    v[v > 3 * mV] = 0 * mV
    assert v[4] == 0 * mV
    v[0] = 0  # plain zero is allowed
    v[:2] = [5 * mV, 6 * mV]
    assert list(v[:2] / mV) == [5.0, 6.0]
    with pytest.raises(DimensionMismatchError, match="Cannot assign 3. ms"):
        v[0] = 3 * ms
    assert [element / mV for element in np.array([1.0, 2.0]) * mV] == [1.0, 2.0]


def test_powers_and_roots():
    area = (3 * um) ** 2
    assert area.dim is Dimension(m=2) and float(area / um2) == pytest.approx(9.0)
    assert float(sqrt(4 * um2) / um) == pytest.approx(2)
    assert float((2 * second) ** -0.5 / second**-0.5) == pytest.approx(2**-0.5)
    with pytest.raises(DimensionMismatchError, match="exponent must be dimensionless"):
        mV ** (2 * mV)
    with pytest.raises(TypeError, match="several units"):
        mV ** np.array([1, 2])


def test_ufuncs():
    v = np.array([-1.0, 2.0]) * mV
    assert list(np.abs(v) / mV) == [1.0, 2.0]
    assert list(np.sign(v)) == [-1.0, 1.0]
    assert np.maximum(v, 0 * mV)[0] == 0 * mV
    assert np.square(v).dim is VOLT**2
    assert isnan(np.array([np.nan]) * mV)[0]
    assert exp(v / mV)[1] == pytest.approx(np.exp(2.0))
    with pytest.raises(DimensionMismatchError, match="exp needs dimensionless"):
        exp(v)
    with pytest.raises(DimensionMismatchError):
        np.sin(3 * second)
    quotient, remainder = divmod(7 * ms, 2 * ms)
    assert quotient == 3.0 and float(remainder / ms) == pytest.approx(1.0)
    out = np.zeros(2) * mV
    np.add(v, v, out=out)
    assert list(out / mV) == [-2.0, 4.0]


def test_reductions_keep_units():
    v = np.array([1.0, 2.0, 3.0]) * mV
    assert v.sum() == 6 * mV and np.add.reduce(v) == 6 * mV
    assert v.max() == 3 * mV and v.min() == 1 * mV
    assert v.var().dim is VOLT**2
    assert list(np.add.accumulate(v) / mV) == [1.0, 3.0, 6.0]
    with pytest.raises(DimensionMismatchError, match="prod"):
        v.prod()


def test_conversion_to_plain_numbers():
    assert float(3 * mV / mV) == 3.0
    assert float(3 * mV) == pytest.approx(3e-3)  # SI base units, like np.asarray
    assert np.array([1 * mV, 2 * mV]).tolist() == pytest.approx([1e-3, 2e-3])
    with pytest.raises(DimensionMismatchError, match="as an index"):
        [1, 2, 3][1 * ms]
    assert type(np.asarray(np.ones(2) * mV)) is np.ndarray
    assert list(in_unit(np.array([1.0, 2.0]) * mV, uV)) == pytest.approx([1000.0, 2000.0])
    with pytest.raises(DimensionMismatchError, match="Cannot express"):
        in_unit(3 * mV, ms)


def test_dimension_helpers():
    assert get_dimensions(3) is DIMENSIONLESS and get_dimensions(np.ones(2)) is DIMENSIONLESS
    assert get_dimensions(3 * mV) is VOLT and get_dimensions(VOLT) is VOLT
    assert have_same_dimensions(3 * mV, volt) and not have_same_dimensions(mV, ms)
    assert is_dimensionless(5.0) and not is_dimensionless(mV)


def test_pickle_and_copy_keep_units():
    v = np.array([1.0, 2.0]) * nS
    for clone in (pickle.loads(pickle.dumps(v)), copy.copy(v), copy.deepcopy(v), v.copy()):
        assert isinstance(clone, Quantity) and clone.dim is v.dim
        assert list(clone / nS) == [1.0, 2.0]
    assert pickle.loads(pickle.dumps(mV)) is mV
    compound = siemens / cm**2
    clone = pickle.loads(pickle.dumps(compound))
    assert clone == compound and clone.dispname == "S/cm^2"


def test_item_and_tolist_keep_units():
    v = np.array([[1.0, 2.0]]) * mV
    assert v.item(1) == 2 * mV
    assert v.tolist() == [[1 * mV, 2 * mV]]


def test_units_combine_into_units():
    density = siemens / cm**2
    assert isinstance(density, Unit) and density.scale == pytest.approx(1e4)
    assert str(density) == "S/cm^2" and repr(density) == "siemens / cmetre ** 2"
    product = mV * ms
    assert isinstance(product, Unit) and str(product) == "mV ms"
    assert isinstance(1 / ms, Unit) and str(1 / ms) == "1/ms"
    assert isinstance(3 * mV, Quantity) and not isinstance(3 * mV, Unit)


@given(finite, finite, unit_choices)
def test_addition_then_subtraction_returns_the_start(a, b, unit):
    first, second = a * unit, b * unit
    result = first + second - second
    assert result.dim is unit.dim
    assert float(result / unit) == pytest.approx(a, abs=1e-9 * (abs(a) + abs(b) + 1))


@given(finite, finite, unit_choices, unit_choices)
def test_multiplication_commutes(a, b, first_unit, second_unit):
    left = (a * first_unit) * (b * second_unit)
    right = (b * second_unit) * (a * first_unit)
    assert get_dimensions(left) is get_dimensions(right)
    assert np.asarray(left) == pytest.approx(np.asarray(right))


@given(st.lists(finite, min_size=1, max_size=20), unit_choices)
def test_array_and_scalar_paths_agree(values, unit):
    array_result = np.array(values) * unit + np.array(values) * unit
    for index, value in enumerate(values):
        scalar_result = value * unit + value * unit
        assert scalar_result.dim is array_result.dim
        assert float(scalar_result / unit) == pytest.approx(float(array_result[index] / unit))
