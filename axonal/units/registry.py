"""Every named unit: SI base and derived units, all SI prefixes, squared and cubed lengths.

``registry`` maps each unit name (``mvolt``, ``mV``, ``um2``, ...) to its Unit. ``public_names``
is the subset that ``from axonal import *`` gives: the unprefixed units and the prefixes used in
neuroscience (f, p, n, u, m, k, M, G, T, and c for lengths); every other SI prefix
(``dametre``, ``Ysecond``, ...) stays reachable through ``registry`` and ``parse_unit``.
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass

from axonal.units.dimension import DIMENSIONLESS, Dimension
from axonal.units.quantity import ONE, Unit

__all__ = [
    "PREFIXES",
    "display_families",
    "get_unit",
    "public_names",
    "registry",
]

# SI prefix -> power of ten.
PREFIXES: dict[str, int] = {
    "y": -24,
    "z": -21,
    "a": -18,
    "f": -15,
    "p": -12,
    "n": -9,
    "u": -6,
    "m": -3,
    "c": -2,
    "d": -1,
    "da": 1,
    "h": 2,
    "k": 3,
    "M": 6,
    "G": 9,
    "T": 12,
    "P": 15,
    "E": 18,
    "Z": 21,
    "Y": 24,
}
# The prefixes exported by the star import (plus "c" for lengths).
PUBLIC_PREFIXES = ("f", "p", "n", "u", "m", "k", "M", "G", "T")

LENGTH = Dimension(m=1)
MASS = Dimension(kg=1)
TIME = Dimension(s=1)
CURRENT = Dimension(A=1)
TEMPERATURE = Dimension(K=1)
AMOUNT = Dimension(mol=1)
LUMINOSITY = Dimension(cd=1)


@dataclass(frozen=True)
class UnitFamily:
    """A unit and its prefixed forms: long names (``volt``) and a symbol (``V``)."""

    names: tuple[str, ...]
    symbol: str
    dim: Dimension
    # The unit is 10**power SI base units (gram: -3, molar: 3, litre: -3).
    power: int = 0
    prefixable: bool = True
    # Used to choose the unit in which quantities of this dimension are displayed.
    for_display: bool = True


FAMILIES = (
    UnitFamily(("metre", "meter"), "m", LENGTH),
    UnitFamily(("gram", "gramme"), "g", MASS, power=-3),
    UnitFamily(("kilogram", "kilogramme"), "kg", MASS, prefixable=False, for_display=False),
    UnitFamily(("second",), "s", TIME),
    UnitFamily(("amp", "ampere"), "A", CURRENT),
    UnitFamily(("kelvin",), "K", TEMPERATURE),
    UnitFamily(("mole", "mol"), "mol", AMOUNT),
    UnitFamily(("candela",), "cd", LUMINOSITY),
    UnitFamily(("hertz",), "Hz", Dimension(s=-1)),
    UnitFamily(("newton",), "N", Dimension(m=1, kg=1, s=-2)),
    UnitFamily(("pascal",), "Pa", Dimension(m=-1, kg=1, s=-2)),
    UnitFamily(("joule",), "J", Dimension(m=2, kg=1, s=-2)),
    UnitFamily(("watt",), "W", Dimension(m=2, kg=1, s=-3)),
    UnitFamily(("coulomb",), "C", Dimension(s=1, A=1)),
    UnitFamily(("volt",), "V", Dimension(m=2, kg=1, s=-3, A=-1)),
    UnitFamily(("farad",), "F", Dimension(m=-2, kg=-1, s=4, A=2)),
    UnitFamily(("ohm",), "ohm", Dimension(m=2, kg=1, s=-3, A=-2)),
    UnitFamily(("siemens",), "S", Dimension(m=-2, kg=-1, s=3, A=2)),
    UnitFamily(("weber",), "Wb", Dimension(m=2, kg=1, s=-2, A=-1)),
    UnitFamily(("tesla",), "T", Dimension(kg=1, s=-2, A=-1)),
    UnitFamily(("henry",), "H", Dimension(m=2, kg=1, s=-2, A=-2)),
    UnitFamily(("molar",), "M", Dimension(m=-3, mol=1), power=3),
    UnitFamily(("katal",), "kat", Dimension(s=-1, mol=1)),
    UnitFamily(("liter", "litre"), "l", Dimension(m=3), power=-3, for_display=False),
    UnitFamily(("becquerel",), "Bq", Dimension(s=-1), for_display=False),
    UnitFamily(("gray",), "Gy", Dimension(m=2, s=-2), for_display=False),
    UnitFamily(("sievert",), "Sv", Dimension(m=2, s=-2), for_display=False),
    UnitFamily(("lumen",), "lm", LUMINOSITY, for_display=False),
    UnitFamily(("lux",), "lx", Dimension(m=-2, cd=1), for_display=False),
    UnitFamily(("radian",), "rad", DIMENSIONLESS, for_display=False),
    UnitFamily(("steradian",), "sr", DIMENSIONLESS, for_display=False),
)

registry: dict[str, Unit] = {}
public_names: list[str] = []
# Dimension -> the units (sorted by scale) among which display chooses.
display_families: dict[Dimension, list[Unit]] = {}


def _decimal(power: int) -> float:
    # Parsing "1e-3" gives the correctly rounded float, unlike 10.0 ** -3 on some platforms.
    return float(f"1e{power}")


def _register(name: str, unit: Unit, public: bool) -> None:
    if keyword.iskeyword(name) or name in registry:
        return
    registry[name] = unit
    if public:
        public_names.append(name)


def _is_public_prefix(prefix: str, dim: Dimension) -> bool:
    return prefix in PUBLIC_PREFIXES or (prefix == "c" and dim is LENGTH)


def _define_family(family: UnitFamily) -> None:
    prefixes = PREFIXES if family.prefixable else {}
    main_name = family.names[0]
    base_unit = Unit(_decimal(family.power), family.dim, main_name, family.symbol)
    for name in family.names:
        _register(name, base_unit, public=True)
    if family.symbol not in family.names and family.symbol in ("Hz", "ohm", "kg", "mol"):
        _register(family.symbol, base_unit, public=True)
    if family.for_display:
        display_families.setdefault(family.dim, []).append(base_unit)
    for prefix, power in prefixes.items():
        unit = Unit(
            _decimal(power + family.power),
            family.dim,
            prefix + main_name,
            prefix + family.symbol,
        )
        public = _is_public_prefix(prefix, family.dim)
        for name in family.names:
            _register(prefix + name, unit, public)
        _register(prefix + family.symbol, unit, public)
        # Display and repr only use prefixes of the star import, so that a repr evaluates.
        if family.for_display and public and power % 3 == 0:
            display_families[family.dim].append(unit)


def _define_powers_of_length() -> None:
    """Squared and cubed lengths: ``metre2``, ``cmetre2``, ``um2``, ``mm3``, ..."""
    for exponent in (2, 3):
        dim = LENGTH**exponent
        for prefix, power in {"": 0, **PREFIXES}.items():
            public = prefix == "" or _is_public_prefix(prefix, LENGTH)
            scale = _decimal(power * exponent)
            unit = Unit(
                scale, dim, f"{prefix}metre{exponent}", f"{prefix}m^{exponent}", is_compound=False
            )
            for name in (f"{prefix}metre{exponent}", f"{prefix}meter{exponent}"):
                _register(name, unit, public)
            _register(f"{prefix}m{exponent}", unit, public and prefix != "")
            if public and (power % 3 == 0 or prefix == "c" and exponent == 2):
                display_families.setdefault(dim, []).append(unit)


for _family in FAMILIES:
    _define_family(_family)
_define_powers_of_length()
for _units in display_families.values():
    _units.sort(key=lambda unit: unit.scale)
del _family, _units

# Dimensions whose SI unit has a name of its own, for get_unit and error messages.
_NAMED_SI_UNITS: dict[Dimension, Unit] = {}
for _name in (
    "metre",
    "kilogram",
    "second",
    "amp",
    "kelvin",
    "mole",
    "candela",
    "hertz",
    "newton",
    "pascal",
    "joule",
    "watt",
    "coulomb",
    "volt",
    "farad",
    "ohm",
    "siemens",
    "weber",
    "tesla",
    "henry",
    "katal",
    "metre2",
    "metre3",
):
    _NAMED_SI_UNITS[registry[_name].dim] = registry[_name]
del _name

_BASE_UNIT_NAMES = ("metre", "kilogram", "second", "amp", "kelvin", "mole", "candela")
_composed_units: dict[Dimension, Unit] = {}


def _composition_candidates(dim: Dimension):
    """Ways to write ``dim``: up to two named derived units (powers allowed) times base units."""
    derived = [
        unit
        for unit in _NAMED_SI_UNITS.values()
        if unit.name not in _BASE_UNIT_NAMES and unit.name not in ("metre2", "metre3")
    ]
    yield ()
    for unit in derived:
        for exponent in (1, 2, 3, -1, -2, -3):
            yield ((unit, exponent),)
    for index, first in enumerate(derived):
        for second in derived[index + 1 :]:
            yield ((first, 1), (second, 1))
            yield ((first, 1), (second, -1))
            yield ((second, 1), (first, -1))


def _compose_unit(dim: Dimension) -> Unit:
    """The SI unit of a dimension without a named unit, written with as few factors as possible."""
    best = None
    for factors in _composition_candidates(dim):
        residual = dim
        for unit, exponent in factors:
            residual = residual / unit.dim**exponent
        # Each named unit costs a little more than a base unit to the first power, so that
        # amp/metre^2 beats tesla/henry; positive and small exponents win ties (S/m^2, not
        # 1/(ohm m^2)).
        cost = sum(abs(exponent) for exponent in residual.exponents) + sum(
            1.6 + 0.5 * (exponent < 0) + 0.1 * (abs(exponent) - 1) for _, exponent in factors
        )
        if best is None or cost < best[0]:
            best = (cost, factors, residual)
    _, factors, residual = best
    base_factors = [
        (registry[name], exponent)
        for name, exponent in zip(_BASE_UNIT_NAMES, residual.exponents, strict=True)
        if exponent != 0
    ]
    numerator = [(unit, exponent) for unit, exponent in (*factors, *base_factors) if exponent > 0]
    denominator = [
        (unit, -exponent) for unit, exponent in (*factors, *base_factors) if exponent < 0
    ]

    def written(unit: Unit, exponent) -> tuple[str, str]:
        if exponent == 1:
            return unit.name, unit.dispname
        return f"{unit.name} ** {exponent}", f"{unit.dispname}^{exponent}"

    numerator_parts = [written(*factor) for factor in numerator]
    denominator_parts = [written(*factor) for factor in denominator]
    name = " * ".join(part[0] for part in numerator_parts) or "1"
    dispname = " ".join(part[1] for part in numerator_parts) or "1"
    for part_name, _ in denominator_parts:
        name += f" / {part_name}"
    if denominator_parts:
        joined = " ".join(part[1] for part in denominator_parts)
        dispname += f"/({joined})" if len(denominator_parts) > 1 else f"/{joined}"
    return Unit(1.0, dim, name, dispname, is_compound=True)


def get_unit(dim: Dimension | object) -> Unit:
    """The SI unit (scale 1) of a dimension, e.g. ``volt`` for the dimension of ``mV``.

    Example:

    >>> get_unit(get_dimensions(3 * mV))
    volt
    """
    if not isinstance(dim, Dimension):
        dim = getattr(dim, "dim", DIMENSIONLESS)
    if dim is DIMENSIONLESS:
        return ONE
    unit = _NAMED_SI_UNITS.get(dim)
    if unit is not None:
        return unit
    unit = _composed_units.get(dim)
    if unit is None:
        unit = _compose_unit(dim)
        _composed_units[dim] = unit
    return unit
