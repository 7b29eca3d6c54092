"""Group: the variables of a population, access to them with units, and kernels built over them."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

import numpy as np

from axonal.codegen.numpy_target import NUMPY_FUNCTIONS, evaluate_expression
from axonal.codegen.preferences import default_float_dtype
from axonal.groups.linked import LinkedVariable, LinkedVariableError, LinkTarget
from axonal.groups.names import External, KernelNames, own_entry
from axonal.groups.states import GroupStates
from axonal.groups.variables import Variable
from axonal.groups.views import VariableView
from axonal.model.builders import all_of
from axonal.model.dimensions import check_statement, expression_dimensions
from axonal.model.expressions import parse_expression
from axonal.model.factoring import group_kernel_factors
from axonal.model.ir import Expression, Kernel, KernelRole, Statement, VariableRef
from axonal.model.namespace import NameKind, ResolvedName, resolve_names
from axonal.network.base import RunContext, SimulationObject
from axonal.network.namespace import user_namespace
from axonal.network.run_state import LastEvents
from axonal.network.savepoint import before_write
from axonal.units import DIMENSIONLESS, DimensionMismatchError, get_dimensions

_RANDOM_FUNCTIONS = frozenset({"rand", "randn"})


class GroupError(ValueError):
    """Something about a group's definition or use is wrong; the message names the group."""


class _FixedAfterInit(type):
    """Once a group is built, setting an attribute that is neither a variable nor an existing
    attribute is an error (``G.V = -70*mV`` when the variable is ``v``), as in Brian 2."""

    def __call__(cls, *args, **kwargs):
        group = super().__call__(*args, **kwargs)
        object.__setattr__(group, "_attributes_fixed", True)
        return group


class Group(GroupStates, SimulationObject, metaclass=_FixedAfterInit):
    """Base of NeuronGroup, Synapses and the input groups: ``N`` elements with variables."""

    _grows = False  # whether the number of elements changes after creation (Synapses)

    def __init__(self, N: int, *, namespace=None, **kwargs):
        object.__setattr__(self, "variables", {})
        super().__init__(**kwargs)
        self.namespace = dict(namespace) if namespace is not None else None
        # Its events of the last step that ran, in the run state (see load_events).
        self._last_events = LastEvents(self.name)
        self._N = N

    @property
    def events(self) -> dict[str, np.ndarray]:
        """The elements that had each event in the last step that ran."""
        return self._last_events.found()

    # -- size and identity ---------------------------------------------------------------
    @property
    def N(self) -> int:
        return self._N

    def __len__(self) -> int:
        return self.N

    # -- variables -------------------------------------------------------------------------
    def add_variable(
        self,
        name: str,
        *,
        dimensions=DIMENSIONLESS,
        dtype="float64",
        kind="array",
        size=None,
        read_only=False,
        expression=None,
        flags=frozenset(),
        initial=0,
    ) -> Variable:
        if kind in ("array", "index"):
            values = np.full(self.N if size is None else size, initial, dtype=dtype)
        elif kind == "shared":
            values = np.full(1, initial, dtype=dtype)
        else:
            values = None
        variable = Variable(
            name=name,
            owner=self.name,
            dimensions=dimensions,
            dtype=dtype,
            kind=kind,
            values=values,
            read_only=read_only,
            expression=expression,
            flags=frozenset(flags),
        )
        self.variables[name] = variable
        return variable

    def add_equation_variable(self, equation) -> Variable:
        """The variable that one line of the model equations defines."""
        if equation.name in self.variables:
            raise GroupError(f"{self.name}: the variable {equation.name!r} is defined twice")
        if "linked" in equation.flags:
            if equation.flags != {"linked"}:
                others = ", ".join(sorted(equation.flags - {"linked"}))
                raise LinkedVariableError(
                    f"{self.name}: {equation.name} is (linked); the flag cannot be combined with "
                    f"others ({others}): a linked variable is whatever its source is"
                )
            variable = LinkedVariable(
                equation.name, self, equation.dimensions, equation.dtype, equation.flags
            )
            self.variables[equation.name] = variable
            return variable
        if equation.kind == "subexpression":
            kind = "subexpression"
        else:
            kind = "shared" if "shared" in equation.flags else "array"
        return self.add_variable(
            equation.name,
            dimensions=equation.dimensions,
            dtype=default_float_dtype() if equation.dtype == "float64" else equation.dtype,
            kind=kind,
            expression=equation.expr if kind == "subexpression" else None,
            flags=equation.flags,
        )

    def __getattr__(self, name: str):
        variables = self.__dict__.get("variables", {})
        if name in variables:
            return VariableView(self, name)
        if name.endswith("_") and name[:-1] in variables:
            return self.get_raw(name[:-1])
        raise AttributeError(
            f"{type(self).__name__} {self.__dict__.get('name', '')!r} has no "
            f"attribute or variable {name!r}"
        )

    def __setattr__(self, name: str, value) -> None:
        variables = self.__dict__.get("variables", {})
        if isinstance(value, LinkTarget):
            self.link_variable(name, value)
        elif name in variables:
            self.set_values(name, slice(None), value)
        elif name.endswith("_") and name[:-1] in variables:
            self._check_writable(name[:-1])
            self.set_raw(name[:-1], value)
        elif self.__dict__.get("_attributes_fixed") and not _known_attribute(self, name):
            raise AttributeError(_unknown_attribute_message(self, name))
        else:
            object.__setattr__(self, name, value)

    def add_attribute(self, name: str) -> None:
        """Allow ``G.name = value`` for a new attribute that is not a model variable."""
        if name in self.variables:
            raise AttributeError(f"{self.name} has a variable {name!r} already")
        object.__setattr__(self, name, None)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self.variables))

    def dimensions_of(self) -> dict[str, object]:
        """The dimensions of every variable, plus the names every group knows."""
        dims = {name: var.dimensions for name, var in self.variables.items()}
        dims.setdefault("t", get_dimensions(_second()))
        dims.setdefault("dt", get_dimensions(_second()))
        dims.setdefault("N", DIMENSIONLESS)
        dims.setdefault("i", DIMENSIONLESS)
        return dims

    # -- reading and writing values (at the API boundary, with units) ---------------------------
    def storage_indices(self, item) -> np.ndarray | slice:
        """The positions in the storage arrays that ``item`` selects (int, slice, array, str)."""
        if isinstance(item, str):
            condition = parse_expression(item, owner=self.name)
            first = self.storage_offset  # (evaluated at the elements' storage positions)
            mask = self.evaluate(condition, np.arange(first, first + self.N))
            return np.flatnonzero(np.broadcast_to(mask, (self.N,)))
        if isinstance(item, slice):
            return item
        index = np.asarray(item)
        if index.dtype == bool:
            if index.shape != (self.N,):
                raise IndexError(f"{self.name}: a boolean index needs {self.N} values")
            return np.flatnonzero(index)
        if index.dtype.kind not in "iu":
            raise IndexError(f"{self.name}: cannot index with {item!r}")
        if index.size and (index.max() >= self.N or index.min() < -self.N):
            raise IndexError(f"{self.name}: index {item!r} is out of range for {self.N} elements")
        return index

    def get_raw(self, name: str) -> np.ndarray:
        """The stored array of ``name`` (raw values), which the caller may write in place."""
        variable = self.variables[name]
        if variable.values is None:
            raise GroupError(f"{self.name}.{name} is a {variable.kind}; it has no stored values")
        return variable.values

    def set_raw(self, name: str, value) -> None:
        """All of ``name``'s stored values set to ``value`` (raw values, no unit check)."""
        self.get_raw(name)[...] = value

    def read_raw(self, name: str) -> np.ndarray:
        """The stored values of ``name`` to read, not to write in place (Synapses keep a
        delay shared by all synapses once: a read-only view)."""
        return self.get_raw(name)

    def get_values(self, name: str, item=slice(None)):
        variable = self.variables[name]
        if variable.kind == "subexpression" or name == "i":  # (a subgroup's i is its own)
            indices = np.arange(self.storage_offset + self.N)[self.storage_indices(item)]
            positions = np.atleast_1d(indices)
            raw = self._raw_name(name, positions, {}, self._namespace_for())
            raw = np.broadcast_to(raw, positions.shape).copy()
            raw = raw if np.ndim(indices) else raw[0]
        elif variable.kind == "shared":
            raw = variable.values[0]
        else:
            # A view for a slice, which ``G.v[:3] += x`` changes in place: in a step with a
            # savepoint, the array is copied before (see axonal.network.savepoint).
            before_write(variable.values)
            raw = variable.values[self.storage_indices(item)]
        return variable.with_units(raw)

    def link_variable(self, name: str, target: LinkTarget) -> None:
        """``G.x = linked_var(H, 'y')``: ``x``, a ``(linked)`` parameter, reads ``H.y``."""
        variable = self.variables.get(name)
        if not isinstance(variable, LinkedVariable):
            what = "has no variable" if variable is None else "cannot link its variable"
            raise LinkedVariableError(
                f"{self.name} {what} {name!r}: only a parameter declared with the (linked) "
                f"flag can be linked, e.g. '{name} : volt (linked)'"
            )
        if self.storage_root is not self:
            raise LinkedVariableError(
                f"{self.name}: link {name!r} on the whole group {self.storage_root.name}, "
                "not on a subgroup"
            )
        source = target.group.variables[target.name]
        if source.dimensions is not variable.dimensions:
            raise DimensionMismatchError(
                f"cannot link {self.name}.{name} (in {_unit_text(variable.dimensions)}) to "
                f"{target.group.name}.{target.name} (in {_unit_text(source.dimensions)}): "
                "the units differ",
                variable.dimensions,
                source.dimensions,
            )
        if (source.dtype == "bool") != (variable.declared_dtype == "bool"):
            raise LinkedVariableError(
                f"cannot link {self.name}.{name} ({variable.declared_dtype}) to "
                f"{target.group.name}.{target.name} ({source.dtype}): only a boolean can be "
                "linked to a boolean"
            )
        variable.link(target)

    def _check_writable(self, name: str) -> None:
        variable = self.variables[name]
        if isinstance(variable, LinkedVariable):
            source = variable.target
            if source is None:
                raise LinkedVariableError(
                    f"{self.name}.{name} is a linked variable: it takes no values of its own; "
                    f"link it with {self.name}.{name} = linked_var(other_group, 'name')"
                )
            raise LinkedVariableError(
                f"{self.name}.{name} is linked to {source.group.name}.{source.name} and is "
                f"read-only; set {source.group.name}.{source.name} instead"
            )
        if variable.read_only or variable.kind in ("subexpression", "index", "constant"):
            raise GroupError(f"{self.name}.{name} is read-only; it cannot be set")

    def set_values(self, name: str, item, value) -> None:
        """``G.name[item] = value``; ``value`` may be a quantity, a number or a string of code."""
        self._check_writable(name)
        variable = self.variables[name]
        if variable.kind == "shared":
            item = slice(None)
        indices = self.storage_indices(item)
        if isinstance(value, str):
            expression = parse_expression(value, owner=self.name)
            self._check_assignment(name, expression, value)
            positions = np.arange(len(variable.values))[indices]
            raw = self.evaluate(expression, positions)
            guard = self.write_guard(name)
            if guard is not None:  # code does not write a refractory neuron's variable
                writable = self.evaluate(Expression(guard), positions)
                raw = np.where(writable, raw, variable.values[indices])
        else:
            value_dims = get_dimensions(value)
            plain_zero = value_dims is DIMENSIONLESS and not np.any(np.asarray(value))
            # A plain 0 means zero in any unit (G.w = 0), as in Brian 2.
            if (
                variable.dtype != "bool"
                and value_dims is not variable.dimensions
                and not plain_zero
            ):
                raise DimensionMismatchError(
                    f"cannot set {self.name}.{name} (in {_unit_text(variable.dimensions)}) to "
                    f"{value!r} (in {_unit_text(value_dims)})",
                    value_dims,
                    variable.dimensions,
                )
            raw = np.asarray(value)
        self.validate_values(name, raw)
        variable.write(indices, raw)  # (a network_operation's write, undone if its step fails)

    def validate_values(self, name: str, raw) -> None:
        """Refuse values a variable cannot take (e.g. negative delays) before any is written."""

    def _check_assignment(self, name: str, expression: Expression, text: str) -> None:
        dims = self._expression_dimensions(expression, text)
        target = self.variables[name]
        if target.dtype == "bool" or target.dtype.startswith("int") and dims is DIMENSIONLESS:
            return
        if dims is not target.dimensions:
            raise DimensionMismatchError(
                f"{self.name}: {name} = {text!r}: the expression is in {_unit_text(dims)}, "
                f"but {name} is in {_unit_text(target.dimensions)}",
                dims,
                target.dimensions,
            )

    # -- evaluating expressions from Python (initial values, string indices) -------------------
    def _namespace_for(self, namespace=None) -> Mapping[str, object]:
        if namespace is not None:
            return namespace
        return self.namespace if self.namespace is not None else user_namespace()

    def resolve(self, names, namespace, called=(), line=None) -> dict[str, ResolvedName]:
        """What each name means for this group: own variables first, then ``namespace``."""
        return resolve_names(
            names,
            own_variables=self.dimensions_of(),
            namespace=self.namespace,
            caller_namespace=namespace,
            owner=self.name,
            called=called,
            line=line,
        )

    def _expression_dimensions(self, expression: Expression, text: str, namespace=None):
        namespace = self._namespace_for(namespace)
        resolved = self.resolve(expression.names, namespace, expression.functions, text)
        return expression_dimensions(expression, resolved, owner=self.name, line=text)

    def evaluate(self, expression: Expression, positions: np.ndarray, namespace=None):
        """Raw values of ``expression`` for the elements at storage ``positions``.

        External names are looked up in ``namespace``, else in the group's own namespace, else
        in the script that called axonal.
        """
        namespace = self._namespace_for(namespace)
        resolved = self.resolve(expression.names, namespace, expression.functions, expression.code)
        values = {
            name: self._raw_name(name, positions, resolved, namespace) for name in expression.names
        }
        functions = {n: f.numpy_function() for n, f in _user_functions(resolved).items()}
        return evaluate_expression(expression, values, len(positions), functions)

    def _raw_name(self, name, positions, resolved, namespace):
        """The values of ``name`` for the elements at storage ``positions`` (the name table's
        entry, as kernels read it)."""
        entry = self.name_entry(name)
        if entry is None:
            return resolved[name].raw_value
        return entry.value(self, name, positions, namespace)

    def name_entry(self, name: str):
        """What ``name`` means in this group's code (axonal.groups.names), or None for a name
        of the namespace. Synapses and subgroups add their own entries."""
        return own_entry(self, name)

    # -- where the elements are stored -------------------------------------------------------
    # (Properties of the class, so that a variable named ``start`` or ``parent`` cannot hide them.)
    @property
    def storage_root(self) -> Group:
        """The group whose arrays hold this group's elements: itself, or a subgroup's parent."""
        return self

    @property
    def storage_offset(self) -> int:
        """Where this group's elements begin in ``storage_root``'s arrays (0, or a subgroup's
        start)."""
        return 0

    # -- kernels for a run ---------------------------------------------------------------
    def local_kernel(self, kernel: Kernel, context: RunContext) -> Kernel:
        """``kernel`` (made over this group's variables) as a loop over the group's own
        elements 0..N-1. A group's elements are its storage; a Subgroup reads its parent's."""
        return kernel

    def storage_kernel(self, kernel: Kernel, context: RunContext) -> Kernel:
        """``kernel`` (made over this group's variables) as a loop over storage positions
        (for a subgroup its parent's elements, e.g. the parent's events), ``i`` still this
        group's own index. A group's elements are its storage."""
        return kernel

    def make_kernel(
        self,
        name: str,
        role: KernelRole,
        statements: Sequence[Statement],
        context: RunContext,
        *,
        condition: Expression | None = None,
        when: str = "groups",
        order: int | None = None,
        event: str = "spike",
        extra: Mapping[str, VariableRef] | None = None,
    ) -> tuple[Kernel, dict[str, Callable]]:
        """A kernel over this group's variables; returns it with the user functions it calls.

        Names are resolved here: own variables become array references, subexpressions become
        temporaries computed at the top of the kernel, external constants are put in the run's
        state under ``'<group>.<name>'`` so that a new value needs no new code.
        """
        kernel, functions, names = self.build_kernel(
            name, role, statements, context.namespace,
            condition=condition, when=when, order=order, event=event, extra=extra,
        )  # fmt: skip
        names.bind(context.state)
        for statement in kernel.statements:  # (a step's savepoint copies what kernels write)
            ref = kernel.variables.get(statement.target)
            if not statement.temporary and ref is not None and ref.array is not None:
                context.written.add(ref.array)
        context.draws |= any(_RANDOM_FUNCTIONS & s.expr.functions for s in kernel.statements)
        if kernel.condition is not None:
            context.draws |= bool(_RANDOM_FUNCTIONS & kernel.condition.functions)
        return kernel, functions

    def build_kernel(
        self,
        name: str,
        role: KernelRole,
        statements: Sequence[Statement],
        run_namespace: Mapping[str, object],
        *,
        condition: Expression | None = None,
        when: str = "groups",
        order: int | None = None,
        event: str = "spike",
        extra: Mapping[str, VariableRef] | None = None,
    ) -> tuple[Kernel, dict[str, Callable], KernelNames]:
        """The kernel, its user functions, and what the run's state must hold for it
        (``KernelNames.bind``); changes nothing (see ``make_kernel``)."""
        namespace = run_namespace if self.namespace is None else self.namespace
        names = KernelNames(namespace, run_namespace, refs=dict(extra or {}))
        statements = with_temporaries(statements, {**self.dimensions_of(), **(extra or {})})
        if role != KernelRole.RESET:  # a reset starts the refractory period: it must write
            statements = self._guard_writes(statements)
        defined = {s.target for s in statements if s.temporary}
        used: set[str] = set()
        for statement in statements:
            used |= statement.expr.names | {statement.target}
            if statement.condition is not None:
                used |= statement.condition.names
        if condition is not None:
            used |= condition.names
        self.add_references(sorted(used - defined), names)
        all_functions = set()
        for statement in [*names.prelude, *statements]:
            all_functions |= statement.expr.functions
        if condition is not None:
            all_functions |= condition.functions
        self._add_functions(all_functions, names.functions, namespace)
        names.bindings[f"{self.name}.N"] = self.N
        # Both targets get the same regrouped arithmetic, so they still agree to the bit.
        all_statements, condition = group_kernel_factors(
            (*names.prelude, *statements), condition, names.refs
        )
        kernel = Kernel(
            name=f"{self.name}.{name}",
            owner=self.name,
            role=role,
            statements=all_statements,
            variables=names.refs,
            condition=condition,
            when=when,
            order=self.order if order is None else order,
            event=event,
        )
        return kernel, names.functions, names

    def write_guard(self, name: str) -> str | None:
        """The boolean variable that must be true for code to write ``name``, or None.

        A variable of an ``(unless refractory)`` equation is held during the refractory
        period: not only by its own equation but against every write from code (synapses,
        inputs, run_regularly, string assignments), as in Brian 2; only resets write it.
        """
        variable = self.variables.get(name)
        if variable is None or "unless refractory" not in variable.flags:
            return None
        return "not_refractory" if "not_refractory" in self.variables else None

    def _guard_writes(self, statements: Sequence[Statement]) -> list[Statement]:
        """``statements`` with each write to a guarded variable made conditional on its guard."""
        guarded = []
        for s in statements:
            guard = None if s.temporary else self.write_guard(s.target)
            if guard is None:
                guarded.append(s)
                continue
            condition = Expression(guard) if s.condition is None else all_of(guard, s.condition)
            guarded.append(Statement(s.target, s.op, s.expr, s.temporary, condition))
        return guarded

    def add_references(self, names, found: KernelNames) -> None:
        """Each of ``names`` as the kernel being built reads it (its name table's entry)."""
        unresolved = [name for name in names if name not in found.refs]
        resolved = self.resolve(unresolved, found.namespace) if unresolved else {}
        for name in unresolved:
            if name in found.refs:  # (a subexpression's names may have added it)
                continue
            entry = self.name_entry(name)
            if entry is None:
                entry = External(resolved[name])
            entry.to_kernel(self, name, found)

    def _add_functions(self, names, functions, namespace) -> None:
        if names:
            functions.update(_user_functions(self.resolve([], namespace, called=names)))

    def check_statements(
        self,
        statements: Sequence[Statement],
        text: str,
        context: RunContext,
        extra_dims: Mapping[str, object] | None = None,
    ) -> None:
        """Check the units of user statements (a reset, on_pre code) before the run."""
        namespace = context.namespace if self.namespace is None else self.namespace
        known = {**self.dimensions_of(), **(extra_dims or {})}
        statements = with_temporaries(statements, known)
        names, called = set(), set()
        for statement in statements:
            if not statement.temporary and statement.target not in known:
                raise GroupError(
                    f"{self.name}: the code {text!r} assigns to {statement.target!r}, which is "
                    f"not a variable of {self.name}"
                )
            names |= statement.expr.names | {statement.target}
            called |= statement.expr.functions
        temporaries = {s.target for s in statements if s.temporary}
        resolved = resolve_names(
            sorted(names - temporaries),
            own_variables=known,
            namespace=self.namespace,
            caller_namespace=namespace,
            owner=self.name,
            called=called,
            line=text,
        )
        for statement in statements:
            if statement.temporary:  # its units are those of its expression
                dims = expression_dimensions(statement.expr, resolved, owner=self.name, line=text)
                resolved[statement.target] = ResolvedName(statement.target, NameKind.VARIABLE, dims)
                continue
            if statement.target in ("i", "N", "t", "dt") or (
                statement.target in self.variables and self.variables[statement.target].read_only
            ):
                raise GroupError(
                    f"{self.name}: {text!r} writes to the read-only {statement.target!r}"
                )
            check_statement(statement, resolved, owner=self.name, line=text)

    # -- store and restore ---------------------------------------------------------------
    def state_arrays(self) -> dict[str, object]:
        return {name: var.values for name, var in self.variables.items() if var.is_stored}

    def summary(self) -> dict:
        return {**super().summary(), "N": self.N}


def with_temporaries(statements: Sequence[Statement], known) -> list[Statement]:
    """``name = expr`` to a name that is no variable but is read later is a temporary (Brian 2).

    ``w_minus = A*x`` then ``w = clip(w - w_minus, 0, 1)`` in on_pre code: ``w_minus`` lives only
    in the kernel. A target that nothing reads stays an error (most likely a misspelt variable).
    """
    result = list(statements)
    for position, statement in enumerate(result):
        if statement.temporary or statement.op != "=" or statement.target in known:
            continue
        later = result[position + 1 :]
        if any(statement.target in s.expr.names for s in later):
            result[position] = replace(statement, temporary=True)
    return result


def _known_attribute(group: Group, name: str) -> bool:
    return name.startswith("_") or name in group.__dict__ or hasattr(type(group), name)


def _unknown_attribute_message(group: Group, name: str) -> str:
    variables = sorted(group.variables)
    close = [v for v in variables if v.lower() == name.lower()]
    close = close or difflib.get_close_matches(name, variables, n=3)
    hint = f" Did you mean {' or '.join(map(repr, close))}?" if close else ""
    return (
        f"{type(group).__name__} {group.name!r} has no variable {name!r}.{hint} (Variables: "
        f"{', '.join(variables) or 'none'}; to add an attribute of your own, call "
        f"{group.name}.add_attribute({name!r}) first.)"
    )


def _user_functions(resolved: Mapping[str, ResolvedName]) -> dict[str, object]:
    """The Function objects in ``resolved`` that kernels do not know by themselves."""
    return {
        name: found.value
        for name, found in resolved.items()
        if found.kind is NameKind.FUNCTION and name not in NUMPY_FUNCTIONS
    }


def _second():
    from axonal.units import second

    return second


def _unit_text(dimensions) -> str:
    from axonal.units.display import dimension_display_name

    if dimensions is DIMENSIONLESS:
        return "dimensionless units"
    return dimension_display_name(dimensions)


__all__: list[str] = []
