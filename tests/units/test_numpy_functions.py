"""Tests for axonal/units/numpy_functions.py: the NumPy names of a model script's namespace."""

import math

import numpy as np
import pytest

import axonal.units.numpy_functions as functions
from axonal.units import *


def test_min_max_sum_round_abs_work_both_ways():
    v = np.array([3.0, -1.0, 2.0]) * mV
    assert min(v) == -1 * mV and max(v) == 3 * mV
    assert min(3, 5) == 3 and max(2 * mV, 1 * mV) == 2 * mV and max([1, 7, 2]) == 7
    assert max(v, axis=0) == 3 * mV
    assert sum(v) == 4 * mV and sum(x for x in range(4)) == 6
    assert sum([1 * mV, 2 * mV]) == 3 * mV and sum([1, 2]) == 3
    assert round(2.6) == 3 and isinstance(round(2.6), int)
    assert float(round(np.array([1.26]) * mV, 5)[0] / mV) == pytest.approx(1.26)
    assert abs(-3 * mV) == 3 * mV and list(abs([-1, 2])) == [1, 2]
    assert list(abs([-1 * mV, 2 * mV]) / mV) == [1.0, 2.0]


def test_array_and_asarray_remove_units():
    values = array([1 * mV, 2 * mV])
    assert type(values) is np.ndarray and values.tolist() == pytest.approx([1e-3, 2e-3])
    assert type(asarray(np.ones(2) * mV)) is np.ndarray
    assert (array([1.0, 2.0]) * mV).dim is get_dimensions(volt)


def test_arange_with_units():
    times = arange(0 * ms, 1 * ms, 0.25 * ms)
    assert get_dimensions(times) is get_dimensions(second)
    assert (times / ms).tolist() == pytest.approx([0.0, 0.25, 0.5, 0.75])
    assert arange(3).tolist() == [0, 1, 2]
    assert (arange(2 * ms, step=1 * ms) / ms).tolist() == pytest.approx([0.0, 1.0])
    with pytest.raises(DimensionMismatchError, match="arange"):
        arange(0 * ms, 1 * mV, 0.1 * ms)


def test_full_zeros_ones():
    filled = full(3, 2 * nA)
    assert get_dimensions(filled) is get_dimensions(amp) and filled[0] == 2 * nA
    assert zeros(2).tolist() == [0.0, 0.0] and ones(2).tolist() == [1.0, 1.0]


def test_constants_and_random():
    assert pi == np.pi and e == np.e and np.isinf(inf) and np.isnan(nan)
    np.random.seed(1)
    assert rand(3).shape == (3,) and randn(2, 2).shape == (2, 2)


def test_everything_listed_exists_and_is_exported():
    import axonal.units as units

    for name in functions.__all__:
        assert getattr(units, name) is getattr(functions, name)
        assert name in units.__all__


def test_exprel_is_exact_near_zero_and_needs_no_unit():
    """(exp(x) - 1) / x: 1 at 0, its series where the quotient would cancel, expm1/x elsewhere."""
    assert exprel(0.0) == 1.0
    assert exprel(1e-10) == pytest.approx(1 + 1e-10 / 2, rel=1e-15)
    values = exprel(np.array([-3.0, 0.5, 4.0]))
    expected = [(1 - math.exp(-3)) / 3, (math.exp(0.5) - 1) / 0.5, (math.exp(4) - 1) / 4]
    assert values == pytest.approx(expected, rel=1e-14)
    assert exprel((-50 * mV - -50 * mV) / (4 * mV)) == 1.0  # the HH rate's removable point
    with pytest.raises(DimensionMismatchError, match="exprel needs a dimensionless argument"):
        exprel(3 * mV)
