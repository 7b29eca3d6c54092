"""Equations and statements: parsing, name resolution, dimension checks, the intermediate form."""

from axonal.model.equations import Equations
from axonal.model.errors import EquationError
from axonal.model.functions import Function, implementation, timestep

__all__ = ["EquationError", "Equations", "Function", "implementation", "timestep"]
