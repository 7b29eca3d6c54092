"""Variables of groups and synapses: raw storage, and the unit-carrying views users read and set."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from axonal.model.ir import Expression
from axonal.network.savepoint import before_write
from axonal.units import DIMENSIONLESS, Quantity


@dataclass(eq=False)
class Variable:
    """One named quantity of an owner (group or synapses).

    ``kind`` is 'array' (a value per element, stored), 'shared' (one stored value),
    'subexpression' (computed from ``expression`` when read), 'index' (the element's own
    index, stored as an array for kernels), or 'constant' (``N``).
    Values are raw NumPy arrays in SI base units; ``dimensions`` says what they measure.
    """

    name: str
    owner: str
    dimensions: object = DIMENSIONLESS
    dtype: str = "float64"
    kind: str = "array"
    values: np.ndarray | None = None
    read_only: bool = False
    expression: Expression | None = None
    flags: frozenset[str] = field(default_factory=frozenset)

    @property
    def key(self) -> str:
        """The name of the storage array in a run's state mapping."""
        return f"{self.owner}.{self.name}"

    @property
    def is_stored(self) -> bool:
        return self.kind in ("array", "shared", "index")

    def write(self, indices, raw) -> None:
        """``values[indices] = raw`` (raw values), the array first copied into the savepoint
        of a step in progress (axonal.network.savepoint)."""
        before_write(self.values)
        self.values[indices] = raw

    def with_units(self, raw):
        """``raw`` values of this variable as a Quantity (plain values when dimensionless)."""
        if self.dtype == "bool" or self.dimensions is DIMENSIONLESS:
            return raw
        return Quantity.with_dimensions(raw, self.dimensions)
