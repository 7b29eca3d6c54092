"""``from brian2.core.functions import ...`` with brian2 swapped for axonal."""

from axonal.model.functions import DEFAULT_FUNCTIONS, Function, implementation, timestep

__all__ = ["DEFAULT_FUNCTIONS", "Function", "implementation", "timestep"]
