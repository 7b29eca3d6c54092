"""Physical constants as quantities (CODATA 2018 values; exact where the 2019 SI defines them)."""

from __future__ import annotations

from axonal.units.registry import registry

__all__ = [
    "avogadro_constant",
    "boltzmann_constant",
    "electric_constant",
    "electron_mass",
    "elementary_charge",
    "faraday_constant",
    "gas_constant",
    "magnetic_constant",
    "molar_mass_constant",
    "zero_celsius",
]

_mole, _joule, _kelvin = registry["mole"], registry["joule"], registry["kelvin"]
_coulomb, _farad, _metre = registry["coulomb"], registry["farad"], registry["metre"]
_newton, _amp, _kilogram = registry["newton"], registry["amp"], registry["kilogram"]

avogadro_constant = 6.02214076e23 / _mole
boltzmann_constant = 1.380649e-23 * _joule / _kelvin
elementary_charge = 1.602176634e-19 * _coulomb
# Derived from the exact constants above, as the SI defines them.
faraday_constant = avogadro_constant * elementary_charge
gas_constant = avogadro_constant * boltzmann_constant
electric_constant = 8.8541878128e-12 * _farad / _metre
magnetic_constant = 1.25663706212e-6 * _newton / _amp**2
molar_mass_constant = 0.99999999965e-3 * _kilogram / _mole
electron_mass = 9.1093837015e-31 * _kilogram
# The temperature in kelvin of 0 degrees Celsius (there is no celsius unit).
zero_celsius = 273.15 * _kelvin
