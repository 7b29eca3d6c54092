"""Scheduled items with the same code over several owners: one function, called per owner.

A network of 100 identical neurons schedules 100 copies of each kernel. Printed inline, the
loop function grows with the number of owners, and so does its parameter list; Numba's
compile time grows faster than that (100 ball-and-stick neurons did not compile in 15
minutes). Instead, an item is printed as a function of its own whose parameters are numbered
for that item alone, so identical items print identically; a **family** is such a function
with the items (its occurrences) that print it. The loop passes each of the function's
parameters as ONE container over the occurrences (a table of the owners' array addresses, or
a NumPy array of their single values; ``loop_views``), and calls the function with occurrence
``k``'s values taken from the containers. Consecutive occurrences that repeat a pattern of
items (each neuron's state update, membrane current and cable solve, then the next
neuron's) become one loop over the occurrences. The loop's code and parameters thus do not
depend on the number of identical owners; the printed arithmetic is the inline code's, so
results are unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from axonal.codegen.kernel_analysis import NumbaTargetError
from axonal.codegen.loop_tree import Function
from axonal.codegen.loop_views import address_table, witness_of
from axonal.codegen.parameters import Arguments, value_arguments

__all__: list[str] = []  # internal room: nothing here is part of the user's namespace

# Items printing the same function at least this often become a family (below it, inline
# code costs little: the loop's compile time grows with its size, faster than linearly).
FAMILY_MIN_OCCURRENCES = 3
# Longest pattern of consecutive items searched for repeats (a group's items in one slot).
MAX_PERIOD = 16
# Loop names every item function takes after its own parameters.
LOOP_NAMES = ("t", "dt", "step0", "_step")


@dataclass
class Family:
    """One function printed by several items: ``slots`` are its own parameters, and
    ``occurrences`` the identifiers of the loop's family table standing for them, per item."""

    name: str
    function: Function
    slots: list[str]
    returns: bool  # whether it may return a status (a buffer to grow)
    occurrences: list[list[str]] = field(default_factory=list)

    def container(self, slot: int) -> str:
        return f"{self.name}_{slot}"

    def parameters(self) -> list[str]:
        """The loop's parameters for this family: a witness and a container per slot."""
        return [name for slot in range(len(self.slots)) for name in self.pair(slot)]

    def pair(self, slot: int) -> tuple[str, str]:
        return f"{self.container(slot)}w", self.container(slot)


def register_occurrence(family: Family, local: Arguments, table: Arguments) -> int:
    """Add an item printed with ``local`` parameters to ``family``, its state keys and
    invariants to the family ``table``; returns the occurrence's index."""
    identifiers = {}
    for key, identifier in local.arrays.items():
        identifiers[identifier] = table.array(key)
    for key, identifier in local.values.items():
        identifiers[identifier] = table.value(key, local.value_dtypes[key])
    for identifier, expression, kernel in local.invariants:
        identifiers[identifier] = table.invariant(expression, kernel)
    family.occurrences.append([identifiers[slot] for slot in family.slots])
    return len(family.occurrences) - 1


def repeated_runs(keys: Sequence[object | None]) -> list[tuple[int, int, int]]:
    """The schedule cut into runs ``(start, period, repeats)``: items ``start`` to
    ``start + period*repeats - 1`` repeat the pattern ``keys[start:start + period]`` (keys
    None: items printed inline, each a run of its own)."""
    runs, start, n = [], 0, len(keys)
    while start < n:
        best = (1, 1)
        if keys[start] is not None:
            for period in range(1, min(MAX_PERIOD, n - start) + 1):
                pattern = keys[start : start + period]
                if None in pattern:
                    break
                repeats = 1
                while keys[start + repeats * period : start + (repeats + 1) * period] == pattern:
                    repeats += 1
                if repeats > 1 and period * repeats > best[0] * best[1]:
                    best = (period, repeats)
        runs.append((start, *best))
        start += best[0] * best[1]
    return runs


@dataclass(frozen=True)
class FamilyArguments:
    """The loop's family containers, built from the state for each call.

    ``table`` fields are those of the family table's parameters (``Arguments.call_fields``);
    ``containers`` lists, per container parameter of the loop, the table identifiers of its
    occurrences. Address tables are kept while their arrays stay the same objects.
    """

    array_keys: tuple[str, ...]
    value_dtypes: Mapping[str, str]
    invariants: Callable[[Mapping[str, object]], tuple]
    identifiers: tuple[str, ...]  # the table's identifiers: arrays, values, invariants
    containers: tuple[tuple[str, tuple[str, ...]], ...]  # (loop parameter, identifiers)
    _tables: dict = field(default_factory=dict, compare=False)  # name -> ids, arrays, ...
    _kinds: dict = field(default_factory=dict, compare=False)  # name -> 'arrays' or a dtype

    @classmethod
    def of(cls, table: Arguments, families: Sequence[Family], functions) -> FamilyArguments:
        fields = table.call_fields(functions)
        containers = tuple(
            (family.container(slot), tuple(occurrence[slot] for occurrence in family.occurrences))
            for family in families
            for slot in range(len(family.slots))
        )
        return cls(
            array_keys=fields["array_keys"],
            value_dtypes=fields["value_dtypes"],
            invariants=fields["invariants"],
            identifiers=tuple(table.parameters()),
            containers=containers,
        )

    def __call__(self, state: Mapping[str, object], dt: float, t: float) -> list:
        """Each container's witness and container, in the loop's parameter order."""
        values = [state[key] for key in self.array_keys]
        values += value_arguments(state, self.value_dtypes)
        values += self.invariants({**state, "dt": dt, "t": t})
        by_identifier = dict(zip(self.identifiers, values, strict=True))
        arguments = []
        for name, identifiers in self.containers:
            arguments += self._container(name, [by_identifier[i] for i in identifiers])
        return arguments

    def _container(self, name: str, values: list) -> tuple:
        kind = self._kinds.get(name)
        if kind is None:  # decided (and checked) on the first call
            kind = self._kinds[name] = _container_kind(name, values)
        if kind != "arrays":
            return None, np.array(values, dtype=kind)
        ids = tuple(map(id, values))
        known = self._tables.get(name)
        if known is not None and known[0] == ids:
            return known[2], known[3]
        try:
            table = address_table(name, values)
        except (TypeError, ValueError) as error:
            raise NumbaTargetError(str(error)) from None
        # The arrays are kept with their table: none is freed, so no id is reused.
        self._tables[name] = (ids, values, witness_of(values[0]), table)
        return witness_of(values[0]), table


def _container_kind(name: str, values: list) -> str:
    """'arrays' (a table of the arrays' addresses), or the dtype of an array of the values."""
    arrays = [isinstance(value, np.ndarray) and value.ndim > 0 for value in values]
    if all(arrays):
        return "arrays"
    if any(arrays):
        raise NumbaTargetError(
            f"the loop parameter {name!r} of identical items is an array in some owners "
            "and a single value in others"
        )
    dtypes = {np.asarray(value).dtype for value in values}
    if len(dtypes) > 1:
        raise NumbaTargetError(
            f"the loop parameter {name!r} of identical items has values of the types "
            f"{sorted(map(str, dtypes))} in different owners; expected one"
        )
    return dtypes.pop().str
