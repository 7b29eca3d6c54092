"""Tests for axonal/units/registry.py: every prefix, squared and cubed lengths, get_unit."""

import pytest

import axonal.units as units
from axonal.units.dimension import DIMENSIONLESS, Dimension
from axonal.units.registry import PREFIXES, get_unit, public_names, registry

PREFIXED_FAMILIES = [
    ("metre", "m", 1.0),
    ("meter", "m", 1.0),
    ("gram", "g", 1e-3),
    ("second", "s", 1.0),
    ("amp", "A", 1.0),
    ("ampere", "A", 1.0),
    ("kelvin", "K", 1.0),
    ("mole", "mol", 1.0),
    ("candela", "cd", 1.0),
    ("coulomb", "C", 1.0),
    ("farad", "F", 1.0),
    ("hertz", "Hz", 1.0),
    ("joule", "J", 1.0),
    ("litre", "l", 1e-3),
    ("liter", "l", 1e-3),
    ("molar", "M", 1e3),
    ("pascal", "Pa", 1.0),
    ("ohm", "ohm", 1.0),
    ("siemens", "S", 1.0),
    ("volt", "V", 1.0),
    ("watt", "W", 1.0),
    ("newton", "N", 1.0),
    ("tesla", "T", 1.0),
    ("henry", "H", 1.0),
    ("weber", "Wb", 1.0),
]


@pytest.mark.parametrize(("name", "symbol", "scale"), PREFIXED_FAMILIES)
def test_every_prefix_of_every_unit(name, symbol, scale):
    base = registry[name]
    assert base.scale == pytest.approx(scale, rel=1e-15)
    for prefix, power in PREFIXES.items():
        long_unit = registry[prefix + name]
        assert long_unit.dim is base.dim
        assert long_unit.scale == pytest.approx(scale * 10.0**power, rel=1e-12)
        short_name = prefix + symbol
        if short_name in registry and short_name != "as":
            assert registry[short_name].scale == long_unit.scale


def test_common_neuroscience_units():
    u = units
    assert u.mV.scale == 1e-3 and u.mV.dim is u.volt.dim
    assert u.nS.scale == 1e-9 and u.pA.scale == 1e-12 and u.uF.scale == 1e-6
    assert u.um.scale == 1e-6 and u.cmetre.scale == 0.01 and u.cmeter is u.cmetre
    assert u.mmolar.scale == 1.0 and u.mM is u.mmolar
    assert u.kHz.scale == 1e3 and u.kHz.dim is Dimension(s=-1)
    assert u.ms.scale == 1e-3
    assert u.kilogram.scale == 1.0 and u.kg.scale == 1.0 and u.mg.scale == 1e-6


def test_no_prefixed_kilogram():
    assert "mkilogram" not in registry and "kkilogram" not in registry


def test_squared_and_cubed_lengths():
    u = units
    assert u.um2.scale == pytest.approx(1e-12) and u.um2.dim is Dimension(m=2)
    assert u.cm2.scale == pytest.approx(1e-4)
    assert u.mm3.scale == pytest.approx(1e-9) and u.mm3.dim is Dimension(m=3)
    assert u.metre3.scale == 1.0 and u.meter2 is u.metre2
    assert u.cmetre2.scale == pytest.approx(1e-4)


def test_python_keywords_are_not_unit_names():
    assert "as" not in registry  # attosecond would shadow the keyword


def test_star_import_gets_common_prefixes_only():
    assert {"mV", "nS", "pA", "uF", "um", "cmetre", "mmolar", "kHz", "um2", "cm2"} <= set(
        public_names
    )
    assert "dametre" in registry and "dametre" not in public_names
    assert "Ysecond" in registry and "Ysecond" not in units.__all__
    assert units.dametre.scale == 10.0
    for bare_symbol in ("m", "s", "V", "A", "S", "F", "M", "g", "l", "T"):
        assert bare_symbol not in units.__all__


def test_get_unit_names_the_si_unit():
    u = units
    assert get_unit(u.mV.dim) is u.volt
    assert get_unit((3 * u.nS).dim) is u.siemens
    assert get_unit(u.kHz.dim) is u.hertz
    assert get_unit(u.um2.dim) is u.metre2
    assert get_unit(DIMENSIONLESS).scale == 1.0
    composite = get_unit((u.siemens / u.cm**2).dim)
    assert composite.scale == 1.0 and composite.dispname == "S/m^2"
    assert eval(composite.name, vars(u)) == composite
    assert get_unit(u.mV**2).dispname == "V^2"
    assert get_unit(u.amp / u.metre**2).dispname == "A/m^2"


def test_unit_names_shadow_no_function_or_module():
    import axonal.units.numpy_functions as functions

    clashes = set(registry) & (set(functions.__all__) | {"constants", "registry", "display"})
    assert not clashes
    assert len(units.__all__) == len(set(units.__all__))


def test_every_registered_name_is_a_module_attribute():
    for name, unit in registry.items():
        assert getattr(units, name) is unit
