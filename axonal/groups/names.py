"""What a name means inside a group's code: one table per owner, read by kernels and Python.

``Group.name_entry(name)`` gives the entry of a name: an array of the group (or, in synapses, a
neuron's array read through ``_pre_idx``/``_post_idx``), a subexpression computed from its own
names, a linked variable, the clock's ``t``/``dt``, a size (``N``, ``N_pre``), a subgroup's own
index, or nothing (an external constant, resolved in the namespace). Each entry says both
what it is in a kernel (``to_kernel``: a reference, statements computing it, the arrays the
run's state must hold) and what its values are for elements of the group in Python
(``value``: string indexing ``G.v['i > 5']``, ``S.w['v_pre > 0']``, string assignments). So
Synapses, Subgroup and linked variables are entries of the table, not overrides of two
look-ups that must agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from axonal.model.dependencies import substitute_names
from axonal.model.ir import Expression, Statement, VariableKind, VariableRef
from axonal.model.namespace import NameKind, ResolvedName

__all__: list[str] = []  # internal room: nothing here is part of the user's namespace

_KIND_OF_STORED = {
    "array": VariableKind.ARRAY,
    "shared": VariableKind.SHARED,
    "index": VariableKind.ARRAY,
}


@dataclass
class KernelNames:
    """What building one kernel collects from the table: references, statements computing
    subexpressions first (``prelude``), user functions, and the arrays and values the run's
    state must hold for the kernel (``bindings``; ``initial``: only where the state has none
    yet, a clock's ``t``). Building is pure: ``bind`` puts them in a run's state."""

    namespace: Mapping[str, object]  # the owner's (its own, else the run's)
    run_namespace: Mapping[str, object]
    refs: dict[str, VariableRef] = field(default_factory=dict)
    prelude: list[Statement] = field(default_factory=list)
    functions: dict[str, object] = field(default_factory=dict)
    bindings: dict[str, object] = field(default_factory=dict)
    initial: dict[str, object] = field(default_factory=dict)

    def inner(self, namespace: Mapping[str, object]) -> KernelNames:
        """Names of another group read inside this kernel: own references and prelude, the
        same bindings."""
        inner = KernelNames(namespace, self.run_namespace)
        inner.bindings, inner.initial = self.bindings, self.initial
        return inner

    def bind(self, state: dict) -> None:
        state.update(self.bindings)
        for key, value in self.initial.items():
            state.setdefault(key, value)


def _through(owner, through: str | None, positions: np.ndarray) -> np.ndarray:
    """Positions in the neuron group of the owner's (synapses') elements at ``positions``."""
    return positions if through is None else owner.variables[through].values[positions]


@dataclass(frozen=True)
class Stored:
    """An array (or a shared value) of a group; in synapses, of a neuron read through the
    synapses' index ``through`` (``'_pre_idx'``/``'_post_idx'``)."""

    variable: object
    through: str | None = None

    def to_kernel(self, owner, name: str, names: KernelNames) -> None:
        variable = self.variable
        shared = variable.kind == "shared"
        index = None
        if self.through is not None and not shared:
            through = owner.variables[self.through]
            index = through.key
            names.bindings[index] = through.values
        names.refs[name] = VariableRef(
            name,
            _KIND_OF_STORED.get(variable.kind, VariableKind.ARRAY),
            dtype=variable.dtype,
            array=variable.key,
            index=index,
            read_only=variable.read_only or variable.kind == "index",
            dimensions=variable.dimensions,
        )
        names.bindings[variable.key] = variable.values

    def value(self, owner, name: str, positions: np.ndarray, namespace):
        if self.variable.kind == "shared":
            return self.variable.values[0]
        return self.variable.values[_through(owner, self.through, positions)]


@dataclass(frozen=True)
class SubgroupIndex(Stored):
    """A subgroup's ``i``: its parent's index in kernels (renumbered by ``local_kernel`` /
    ``storage_kernel``), the position within the subgroup in Python."""

    start: int = 0

    def value(self, owner, name: str, positions: np.ndarray, namespace):
        return positions - self.start


@dataclass(frozen=True)
class Computed:
    """A subexpression of ``group``, computed from its own names at the kernel's top; in
    synapses, a neuron's, its names read through ``through`` (renamed with ``suffix``)."""

    group: object
    variable: object
    through: str | None = None
    suffix: str = ""

    def to_kernel(self, owner, name: str, names: KernelNames) -> None:
        from axonal.groups.group import _user_functions as user_functions

        expression = self.variable.expression
        if self.through is not None:
            expression = substitute_names(
                expression,
                {
                    n: Expression(n + self.suffix)
                    for n in expression.names
                    if n in self.group.variables
                },
            )
        owner.add_references(sorted(expression.names), names)
        if self.through is None:
            called = owner.resolve([], names.namespace, called=expression.functions)
            names.functions.update(user_functions(called))
        names.prelude.append(Statement(name, "=", expression, temporary=True))
        names.refs[name] = VariableRef(name, VariableKind.TEMPORARY, dtype=self.variable.dtype)

    def value(self, owner, name: str, positions: np.ndarray, namespace):
        at = _through(owner, self.through, positions)
        return self.group.evaluate(self.variable.expression, at, namespace=namespace)


@dataclass(frozen=True)
class Linked:
    """A linked variable (``linked_var``); in synapses, a neuron's, read through ``through``."""

    variable: object
    through: str | None = None

    def to_kernel(self, owner, name: str, names: KernelNames) -> None:
        through = None
        if self.through is not None:
            index = owner.variables[self.through]
            through = (index.key, index.values)
        self.variable.add_to_kernel(name, names, through=through)

    def value(self, owner, name: str, positions: np.ndarray, namespace):
        return self.variable.values[_through(owner, self.through, positions)]


@dataclass(frozen=True)
class ClockValue:
    """``t`` or ``dt`` of the group's clock."""

    which: str

    def to_kernel(self, owner, name: str, names: KernelNames) -> None:
        clock = owner.clock
        key = f"{clock.name}.{self.which}"
        names.refs[name] = VariableRef(name, VariableKind.CLOCK, array=key, read_only=True)
        names.bindings[f"{clock.name}.dt"] = clock.dt_
        names.initial[f"{clock.name}.t"] = clock.t_

    def value(self, owner, name: str, positions: np.ndarray, namespace):
        return owner.clock.t_ if self.which == "t" else owner.clock.dt_


@dataclass(frozen=True)
class Size:
    """A number of elements (``N``; in synapses ``N_pre``, ``N_post``), a constant of the run."""

    key: str
    size: int

    def to_kernel(self, owner, name: str, names: KernelNames) -> None:
        names.refs[name] = VariableRef(
            name, VariableKind.CONSTANT, dtype="int64", array=self.key, read_only=True
        )
        names.bindings[self.key] = self.size

    def value(self, owner, name: str, positions: np.ndarray, namespace):
        return self.size


@dataclass(frozen=True)
class PositionIndex:
    """``i`` of a group without an index variable: the element's position (Python only)."""

    def to_kernel(self, owner, name: str, names: KernelNames) -> None:
        from axonal.groups.group import GroupError

        raise GroupError(f"{owner.name}: the index i is not available here")

    def value(self, owner, name: str, positions: np.ndarray, namespace):
        return positions


@dataclass(frozen=True)
class External:
    """A name from the namespace (a constant, a unit): a value of the run, never in code."""

    resolved: ResolvedName

    def to_kernel(self, owner, name: str, names: KernelNames) -> None:
        from axonal.groups.group import GroupError

        found = self.resolved
        if found.kind not in (NameKind.CONSTANT, NameKind.UNIT):
            raise GroupError(
                f"{owner.name}: {name!r} is a {found.kind.value}; it cannot be used as a "
                "value in this code"
            )
        key = f"{owner.name}.{name}"
        names.refs[name] = VariableRef(
            name, VariableKind.CONSTANT, array=key, read_only=True, dimensions=found.dimensions
        )
        names.bindings[key] = found.raw_value

    def value(self, owner, name: str, positions: np.ndarray, namespace):
        return self.resolved.raw_value


def own_entry(group, name: str):
    """The entry of ``name`` among a group's own names (None: look in the namespace)."""
    from axonal.groups.linked import LinkedVariable

    variable = group.variables.get(name)
    if variable is not None:
        if variable.kind == "subexpression":
            return Computed(group, variable)
        if isinstance(variable, LinkedVariable):
            return Linked(variable)
        return Stored(variable)
    if name in ("t", "dt"):
        return ClockValue(name)
    if name == "N":
        return Size(f"{group.name}.N", group.N)
    if name == "i":
        return PositionIndex()
    return None
