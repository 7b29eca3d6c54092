"""Physical units: dimensions, quantities, the unit registry and unit-aware NumPy functions.

Other rooms use: ``Dimension``, ``DIMENSIONLESS``, ``Quantity`` (``.dim``,
``Quantity.with_dimensions``), ``Unit``, ``DimensionMismatchError``, ``get_dimensions``,
``have_same_dimensions``, ``is_dimensionless``, ``get_unit``, ``in_unit``, ``check_units``,
``parse_unit`` / ``UnitParseError`` and ``registry`` (every unit name -> Unit).
"""

from axonal.units import array_functions, constants, numpy_functions
from axonal.units.checking import check_units
from axonal.units.dimension import DIMENSIONLESS, Dimension, DimensionMismatchError
from axonal.units.numpy_functions import *  # noqa: F403 - listed in numpy_functions.__all__
from axonal.units.parse import UnitParseError, parse_unit
from axonal.units.quantity import (
    Quantity,
    Unit,
    get_dimensions,
    have_same_dimensions,
    in_unit,
    is_dimensionless,
)
from axonal.units.registry import get_unit, public_names, registry

# Every unit (all prefixes) is an attribute of this module; the star import gets the common ones.
globals().update(registry)

__all__ = [
    "DIMENSIONLESS",
    "DimensionMismatchError",
    "Quantity",
    "Unit",
    "check_units",
    "get_dimensions",
    "get_unit",
    "have_same_dimensions",
    "in_unit",
    "is_dimensionless",
    *numpy_functions.__all__,
    *public_names,
]

# Not in the star import, but part of the room's interface for other rooms.
_ROOM_INTERFACE = (Dimension, UnitParseError, array_functions, constants, parse_unit)
