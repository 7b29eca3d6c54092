"""Linked variables: a group's ``(linked)`` parameter that reads another group's variable.

``G.x = linked_var(H, 'y')`` makes every read of ``x`` in ``G`` (state update, threshold,
reset, ``x_pre`` in synapses, monitors, ``G.x``) read ``H.y`` as it is at that moment; with
``index=`` element ``k`` of ``G`` reads element ``index[k]`` of ``H``. Nothing is copied: in a
kernel the name becomes a reference to ``H``'s storage array, through an index array of storage
positions when the elements do not coincide. A linked variable is read-only.
"""

from __future__ import annotations

import dataclasses
import weakref
from dataclasses import dataclass

import numpy as np

from axonal.groups.variables import Variable
from axonal.model.dependencies import substitute_names
from axonal.model.ir import Expression, Statement, VariableKind, VariableRef

# The positions of a link to a shared variable: every element reads its one value.
SHARED_SOURCE = "shared"


class LinkedVariableError(ValueError):
    """A linked variable is set, read or linked wrongly; the message names the variable."""


@dataclass(frozen=True)
class LinkTarget:
    """What ``linked_var`` returns: the variable a ``(linked)`` parameter will read."""

    group: object
    name: str
    index: np.ndarray | str | None = None


def linked_var(group_or_variable, name: str | None = None, index=None) -> LinkTarget:
    """The target of a link: ``G.x = linked_var(H, 'y')``, or ``linked_var(H.y)``.

    ``index`` (an integer array with one entry per element of ``G``, or the name of an integer
    variable of ``G``) says which element of ``H`` each element of ``G`` reads; without it
    ``H`` must have as many elements as ``G``, or one, or ``y`` must be shared.

    Example:

    >>> source = NeuronGroup(2, 'x : 1')
    >>> source.x = [3, 4]
    >>> G = NeuronGroup(4, 'y : 1 (linked)')
    >>> G.y = linked_var(source, 'x', index=[0, 0, 1, 1])
    >>> G.y[:]
    array([3., 3., 4., 4.])
    """
    group = getattr(group_or_variable, "group", None)
    if group is not None and hasattr(group_or_variable, "variable"):  # a view such as H.y
        if name is not None and name != group_or_variable.name:
            raise LinkedVariableError(
                f"linked_var({group.name}.{group_or_variable.name}, {name!r}): give either a "
                "variable or a group and a name"
            )
        name = group_or_variable.name
    else:
        group = group_or_variable
        if not hasattr(group, "variables"):
            raise LinkedVariableError(
                f"linked_var needs a group and a variable name, or a variable such as G.v; "
                f"got {group_or_variable!r}"
            )
        if name is None:
            raise LinkedVariableError(
                f"linked_var({group.name}) needs the name of the variable to link to, "
                f"e.g. linked_var({group.name}, 'v')"
            )
    if name not in group.variables:
        known = ", ".join(sorted(n for n in group.variables if not n.startswith("_")))
        raise LinkedVariableError(
            f"linked_var: {group.name} has no variable {name!r} to link to (it has: {known})"
        )
    if index is not None and not isinstance(index, str):
        index = np.array(index)
    return LinkTarget(group, name, index)


class LinkedVariable(Variable):
    """A ``(linked)`` parameter: no storage of its own; reads the variable it is linked to.

    ``values`` are the linked values as they are now (a read-only array); ``reference`` is
    what a kernel reads the name through.
    """

    def __init__(self, name: str, group, dimensions, dtype, flags):
        self.name, self.owner = name, group.name
        self._group = weakref.ref(group)  # where index='k' finds k (weak: no reference cycle)
        self.dimensions, self.declared_dtype = dimensions, dtype
        self.kind, self.read_only, self.expression = "linked", True, None
        self.flags = frozenset(flags)
        self.target: LinkTarget | None = None

    @property
    def size(self) -> int:
        """The owner's current number of elements (synapses grow with each connect())."""
        group = self._group()
        return 0 if group is None else len(group)

    @property
    def dtype(self) -> str:
        """The source's dtype once linked (kernels read its array), else the declared one."""
        if self.target is None:
            return self.declared_dtype
        return self.source()[1].dtype

    def describe(self) -> str:
        return f"{self.owner}.{self.name}"

    def __repr__(self) -> str:
        target = self.target
        linked = "not linked" if target is None else f"-> {target.group.name}.{target.name}"
        return f"<LinkedVariable {self.describe()} {linked}>"

    def link(self, target: LinkTarget) -> None:
        """Link to ``target`` (checked now: sizes, index range, what the source is)."""
        previous, self.target = self.target, target
        try:
            self.source()
        except LinkedVariableError:
            self.target = previous
            raise

    def source(self, _chain: tuple = ()) -> tuple[object, Variable, np.ndarray | str | None]:
        """The group that stores the variable read (a subgroup's parent), that variable, and
        the storage position each element reads in it: an int array, None (element k reads
        position k) or SHARED_SOURCE."""
        if self in _chain:
            names = " -> ".join(v.describe() for v in (*_chain, self))
            raise LinkedVariableError(f"linked variables link to each other in a loop: {names}")
        if self.target is None:
            raise LinkedVariableError(
                f"{self.describe()} is a linked variable that is not linked to anything; "
                f"link it first: {self.describe()} = linked_var(other_group, 'name')"
            )
        group, name = self.target.group, self.target.name
        if group._grows:
            raise LinkedVariableError(
                f"cannot link {self.describe()} to {group.name}.{name}: {group.name} gains "
                "elements with each connect(); link to a variable of a group of fixed size"
            )
        variable = group.variables[name]
        root = group.storage_root
        if isinstance(variable, LinkedVariable):
            root, variable, positions = variable.source((*_chain, self))
        elif variable.kind == "shared" or "shared" in variable.flags:
            return root, variable, SHARED_SOURCE
        elif variable.kind in ("array", "index", "subexpression"):
            positions = None
        else:
            raise LinkedVariableError(
                f"cannot link {self.describe()} to {group.name}.{name}: it is a "
                f"{variable.kind}, not a variable of the group's elements"
            )
        local = self._source_elements(group, f"{group.name}.{name}")
        offset = group.storage_offset
        if positions is SHARED_SOURCE:
            return root, variable, SHARED_SOURCE
        if local is None and offset == 0 and positions is None:
            return root, variable, None
        local = np.arange(self.size) if local is None else local
        storage = local + offset
        return root, variable, storage if positions is None else positions[storage]

    def _source_elements(self, group, where: str) -> np.ndarray | None:
        """The element of ``group`` each element reads (None: the same-numbered one)."""
        index, source_size = self.target.index, len(group)
        if index is None:
            if source_size == self.size:
                return None
            if source_size == 1:
                return np.zeros(self.size, dtype=np.int64)
            grows = getattr(self._group(), "_grows", False)
            when = " (after connect(), if it changed their number)" if grows else ""
            raise LinkedVariableError(
                f"cannot link {self.describe()} ({self.size} elements) to {where} "
                f"({source_size} elements): the sizes differ; give index= with the element "
                f"of {group.name} that each element of {self.owner} reads{when}"
            )
        if isinstance(index, str):
            index = self._index_variable(index)
        if index.dtype.kind not in "iu":
            raise LinkedVariableError(
                f"the index of the link {self.describe()} -> {where} must hold integers, "
                f"not {index.dtype} values"
            )
        if index.shape != (self.size,):
            raise LinkedVariableError(
                f"the index of the link {self.describe()} -> {where} must be a 1-D array of "
                f"{self.size} elements (one per element of {self.owner}), not shape {index.shape}"
            )
        if index.size and (index.min() < 0 or index.max() >= source_size):
            raise LinkedVariableError(
                f"the index of the link {self.describe()} -> {where} has values outside "
                f"0..{source_size - 1}"
            )
        return index.astype(np.int64, copy=False)

    def _index_variable(self, name: str) -> np.ndarray:
        group = self._group()
        variable = group.variables.get(name) if group is not None else None
        if variable is None or isinstance(variable, LinkedVariable) or variable.values is None:
            raise LinkedVariableError(
                f"the index of {self.describe()} names {name!r}, which is not a variable "
                f"stored in {self.owner}"
            )
        return np.asarray(variable.values)

    @property
    def values(self) -> np.ndarray:
        group, variable, positions = self.source()
        if variable.kind == "subexpression":
            if positions is SHARED_SOURCE:
                at = np.zeros(1, dtype=np.int64)
            else:
                at = np.arange(self.size) if positions is None else positions
            linked = np.broadcast_to(group.evaluate(variable.expression, at), (self.size,)).copy()
        elif positions is SHARED_SOURCE:
            linked = np.full(self.size, variable.values[0])
        elif positions is None:
            linked = variable.values.view()
        else:
            linked = variable.values[positions]
        linked.flags.writeable = False
        return linked

    @values.setter
    def values(self, _) -> None:
        raise LinkedVariableError(f"{self.describe()} is a linked variable; it has no storage")

    def add_to_kernel(self, name: str, names, through: tuple[str, np.ndarray] | None = None):
        """Make ``name`` in a kernel being built read this variable: a reference in
        ``names.refs`` (and, for a subexpression source, statements computing it in
        ``names.prelude``); the arrays it needs in ``names.bindings``
        (axonal.groups.names.KernelNames).

        ``through`` is (key, storage positions in this group) of an index the kernel reads
        the variable through (``_pre_idx`` for ``x_pre`` in synapses).
        """
        group, variable, positions = self.source()
        bindings = names.bindings
        if positions is not SHARED_SOURCE and through is not None:
            through_key, through_positions = through
            if positions is None:
                index_key, positions = through_key, through_positions
            else:
                index_key = f"{through_key}._linked_{self.owner}_{self.name}"
                positions = positions[through_positions]
        elif positions is None or positions is SHARED_SOURCE:
            index_key = None
        else:
            index_key = f"{self.key}._link_positions"
        if index_key is not None:
            bindings[index_key] = positions
        if variable.kind == "subexpression":
            self._add_subexpression(name, group, variable, index_key, names)
            return
        bindings[variable.key] = variable.values
        shared = positions is SHARED_SOURCE
        names.refs[name] = VariableRef(
            name,
            VariableKind.SHARED if shared else VariableKind.ARRAY,
            dtype=variable.dtype,
            array=variable.key,
            index=index_key,
            read_only=True,
            dimensions=self.dimensions,
        )

    def _add_subexpression(self, name, group, variable, index_key, names):
        """``name = <the source's subexpression>`` at the kernel's top, each of its names
        (prefixed ``_<name>_``) read from the source group through the link's index."""
        namespace = names.run_namespace if group.namespace is None else group.namespace
        inner = names.inner(namespace)
        group.add_references(sorted(variable.expression.names), inner)
        prefix = f"_{name}_"
        renamed = {own: Expression(prefix + own) for own in inner.refs}
        for own, ref in inner.refs.items():
            if ref.kind is VariableKind.ARRAY and ref.array is not None and index_key is not None:
                if ref.index is None:
                    ref = dataclasses.replace(ref, index=index_key)
                else:  # the source reads it through an index of its own: compose the two
                    composed = f"{ref.index}._via_{self.owner}_{self.name}"
                    bindings = names.bindings
                    bindings[composed] = bindings[ref.index][bindings[index_key]]
                    ref = dataclasses.replace(ref, index=composed)
            names.refs[prefix + own] = dataclasses.replace(ref, name=prefix + own, read_only=True)
        for statement in inner.prelude:
            expression = substitute_names(statement.expr, renamed)
            names.prelude.append(
                Statement(prefix + statement.target, "=", expression, temporary=True)
            )
        expression = substitute_names(variable.expression, renamed)
        names.prelude.append(Statement(name, "=", expression, temporary=True))
        names.refs[name] = VariableRef(name, VariableKind.TEMPORARY, dtype=variable.dtype)


__all__ = ["linked_var"]
