"""Tests for axonal/units/checking.py: the check_units decorator."""

import pytest

from axonal.units import *


@check_units(v=volt, conductance=siemens, result=amp)
def current(v, conductance):
    return v * conductance


def test_right_units_pass_through():
    assert float(current(2 * mV, 3 * nS) / pA) == pytest.approx(6.0)


def test_wrong_argument_units_name_the_argument():
    with pytest.raises(DimensionMismatchError) as info:
        current(2 * ms, 3 * nS)
    message = str(info.value)
    assert "current: argument 'v' should have the units of V but got 2. ms" in message


def test_wrong_result_units():
    @check_units(x=1, result=volt)
    def bad(x):
        return x * amp

    with pytest.raises(DimensionMismatchError, match="the result should have the units of V"):
        bad(2)


def test_boolean_dimensionless_same_as_and_none():
    @check_units(flag=bool, ratio=1, other="reference", anything=None)
    def f(flag, ratio, reference, other, anything=None):
        return ratio

    assert f(True, 0.5, 1 * mV, 2 * mV, anything=3 * ms) == 0.5
    with pytest.raises(TypeError, match="must be a boolean"):
        f(1.0, 0.5, 1 * mV, 2 * mV)
    with pytest.raises(DimensionMismatchError):
        f(True, 0.5 * mV, 1 * mV, 2 * mV)
    with pytest.raises(DimensionMismatchError, match="argument 'other'"):
        f(True, 0.5, 1 * mV, 2 * ms)


def test_unknown_argument_names_are_refused_at_decoration():
    with pytest.raises(TypeError, match="no argument"):

        @check_units(w=volt)
        def g(v):
            return v
