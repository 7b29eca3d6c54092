"""Tests for axonal/units/constants.py: values (CODATA) and dimensions."""

import pytest

from axonal.units import *
from axonal.units import constants


def in_si(value, unit):
    return float(value / unit)


def test_values_and_units():
    assert in_si(constants.avogadro_constant, 1 / mole) == 6.02214076e23
    assert in_si(constants.boltzmann_constant, joule / kelvin) == 1.380649e-23
    assert in_si(constants.elementary_charge, coulomb) == 1.602176634e-19
    assert in_si(constants.faraday_constant, coulomb / mole) == pytest.approx(
        96485.33212, rel=1e-10
    )
    assert in_si(constants.gas_constant, joule / (kelvin * mole)) == pytest.approx(
        8.314462618, rel=1e-9
    )
    assert in_si(constants.electric_constant, farad / metre) == pytest.approx(8.8541878128e-12)
    assert in_si(constants.magnetic_constant, newton / amp**2) == pytest.approx(1.25663706212e-6)
    assert in_si(constants.molar_mass_constant, kilogram / mole) == pytest.approx(1e-3)
    assert in_si(constants.zero_celsius, kelvin) == 273.15


def test_nernst_potential_has_volt_units():
    temperature = constants.zero_celsius + 37 * kelvin
    potential = constants.gas_constant * temperature / constants.faraday_constant * log(10.0)
    assert get_dimensions(potential) is get_dimensions(volt)
    assert float(potential / mV) == pytest.approx(61.54, abs=0.01)


def test_vacuum_light_speed_from_the_constants():
    speed = (constants.electric_constant * constants.magnetic_constant) ** -0.5
    assert float(speed / (metre / second)) == pytest.approx(299792458, rel=1e-9)
