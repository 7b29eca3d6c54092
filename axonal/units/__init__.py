"""Physical units: dimensions, quantities, the unit registry and unit-aware NumPy functions."""

__all__: list[str] = []
