"""VariableView: ``G.v`` as users see it: indexable, settable, with units."""

from __future__ import annotations

import operator

import numpy as np


class VariableView:
    """A group's variable: ``G.v[0]``, ``G.v[5:10] = -60*mV``, ``G.v['i > 5']``, ``G.v + 1*mV``.

    Reading gives values with units (plain values for dimensionless variables); writing
    accepts quantities, plain numbers for dimensionless variables, and strings of code.
    """

    __slots__ = ("group", "name")

    def __init__(self, group, name: str):
        self.group = group
        self.name = name

    @property
    def variable(self):
        return self.group.variables[self.name]

    def get_with_index(self, item=slice(None)):
        return self.group.get_values(self.name, item)

    def __getitem__(self, item):
        if isinstance(item, tuple) and any(part is None or part is Ellipsis for part in item):
            # NumPy-style indexing with new axes, as matplotlib does (x[:, None]).
            return self.group.get_values(self.name)[item]
        return self.group.get_values(self.name, item)

    def __setitem__(self, item, value) -> None:
        self.group.set_values(self.name, item, value)

    def __array__(self, dtype=None, copy=None):
        raw = np.asarray(self.group.read_raw(self.name))
        return raw.astype(dtype) if dtype is not None else raw

    def __len__(self) -> int:
        raw = self.group.read_raw(self.name)
        if np.ndim(raw) == 0:  # (a synaptic delay given as one value: Synapses(delay=2*ms))
            shown = getattr(self.variable, "attribute", f"{self.group.name}.{self.name}")
            raise TypeError(
                f"len() of {shown}: it is one value for all synapses, not one per synapse "
                f"(len({self.group.name}) is the number of synapses)"
            )
        return len(raw)

    def __iter__(self):
        return iter(self[:])

    def __getattr__(self, name):
        # Quantity methods and attributes (mean(), shape, dim, ...) on the current values.
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self[:], name)

    def __repr__(self) -> str:
        return f"<{self.group.name}.{self.name}: {self[:]!r}>"

    def __str__(self) -> str:
        return str(self[:])

    def __format__(self, spec: str) -> str:
        return format(self[:], spec)


def _binary(op, reflected: bool = False):
    if reflected:
        return lambda self, other: op(other, self[:])
    return lambda self, other: op(self[:], other)


for _name, _op in {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "truediv": operator.truediv,
    "floordiv": operator.floordiv,
    "mod": operator.mod,
    "pow": operator.pow,
}.items():
    setattr(VariableView, f"__{_name}__", _binary(_op))
    setattr(VariableView, f"__r{_name}__", _binary(_op, reflected=True))
for _name, _op in {
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
    "eq": operator.eq,
    "ne": operator.ne,
}.items():
    setattr(VariableView, f"__{_name}__", _binary(_op))
VariableView.__neg__ = lambda self: -self[:]
VariableView.__pos__ = lambda self: +self[:]
VariableView.__abs__ = lambda self: abs(self[:])
# Hashable so that views can be keys, as in Brian 2's ``device.run(run_args={G.tau: 5*ms})``.
VariableView.__hash__ = lambda self: hash((id(self.group), self.name))
