"""Synapses: connections between two groups, their variables, pathways, delays and plasticity."""

from __future__ import annotations

import dataclasses

import numpy as np

from axonal.codegen.numpy_target import ALL_ELEMENTS
from axonal.codegen.targets import compile_kernel
from axonal.groups.group import Group, GroupError
from axonal.groups.linked import LinkedVariable
from axonal.groups.state_updates import cached_state_update
from axonal.groups.variables import Variable
from axonal.model.dependencies import differential_right_hand_sides, substitute_names
from axonal.model.dimensions import check_equations, is_boolean_expression
from axonal.model.equations import Equations
from axonal.model.expressions import parse_expression, parse_statements
from axonal.model.ir import Expression, KernelRole, Statement, VariableKind, VariableRef
from axonal.network.base import Operation, RunContext, schedule_key
from axonal.network.namespace import user_namespace
from axonal.synapses.access import SynapseIndices, neuron_values_through_synapses
from axonal.synapses.connect import (
    Generator,
    SynapseConnectionError,
    check_targets,
    pairs_by_condition,
    pairs_by_generator,
    parse_generator,
    ranges,
)
from axonal.synapses.connectivity import PIECE, csr, index_counts
from axonal.synapses.spike_queue import SpikeQueue
from axonal.units import DIMENSIONLESS, get_dimensions, second

_SECOND = get_dimensions(second)
_ALLOWED_FLAGS = {
    "differential": {"event-driven", "clock-driven", "constant over dt"},
    "subexpression": {"summed", "shared", "constant over dt"},
    "parameter": {"constant", "shared"},
}


class SynapseCounts(Variable):
    """``N_incoming``/``N_outgoing``: for each synapse, how many synapses its target/source
    neuron has. Counted when first read (by a user or a kernel), kept until the synapses
    change: most models never read them, and they would cost 4 bytes per synapse each."""

    def __init__(self, variables: dict, index_name: str, group, **fields):
        self._variables, self._index_name, self._group = variables, index_name, group
        self._counted = None
        super().__init__(dtype="int32", kind="index", read_only=True, **fields)

    @property
    def values(self) -> np.ndarray:
        if self._counted is None:
            indices = self._variables[self._index_name].values
            counts = index_counts(indices, len(self._group)).astype(np.int32)
            self._counted = counts[indices]
        return self._counted

    @values.setter
    def values(self, values) -> None:
        self._counted = values  # None: count again when next read


class SynapticPathway:
    """One direction of events: ``on_pre`` (source spikes) or ``on_post`` (target spikes)."""

    def __init__(self, synapses: Synapses, name: str, code: str, direction: str, event: str):
        self.synapses, self.name, self.code = synapses, name, code
        self.direction, self.event = direction, event
        self.statements = parse_statements(code, owner=synapses.name)
        self.delay_variable = "delay" if name == "pre" else f"_delay_{name}"
        self.queue = SpikeQueue()

    @property
    def events_source(self) -> Group:
        return self.synapses.source if self.direction == "pre" else self.synapses.target

    @property
    def delay(self):
        return self.synapses.get_values(self.delay_variable)

    @delay.setter
    def delay(self, value) -> None:
        self.synapses.set_values(self.delay_variable, slice(None), value)


class Synapses(Group):
    """Synapses from ``source`` to ``target`` (the same group when not given).

    ``model`` holds synaptic variables (``w : 1``), clock-driven and ``(event-driven)``
    equations and ``(summed)`` variables; ``on_pre``/``on_post`` are statements run when a
    source/target neuron spikes, after the pathway's delay. Names ending in ``_pre``/``_post``
    are the variables of the source/target neuron; other names not defined by the synapses
    refer to the target neuron, as in Brian.
    """

    def __init__(
        self,
        source,
        target=None,
        model="",
        on_pre=None,
        on_post=None,
        delay=None,
        on_event="spike",
        multisynaptic_index=None,
        namespace=None,
        dtype=None,
        dt=None,
        clock=None,
        order=0,
        method=None,
        name=None,
    ):
        target = source if target is None else target
        super().__init__(
            0,
            namespace=namespace,
            name=name,
            dt=dt,
            clock=clock if clock is not None or dt is not None else source.clock,
            when="synapses",
            order=order,
        )
        self.source, self.target = source, target
        self.method = method
        self.equations = model if isinstance(model, Equations) else Equations(model)
        self.equations.check_flags(_ALLOWED_FLAGS, owner=self.name)
        self.multisynaptic_index = multisynaptic_index
        # 32-bit indices: half the memory per synapse, and no group has 2**31 neurons.
        for index_name in ("_pre_idx", "_post_idx", "i", "j"):
            self.add_variable(index_name, dtype="int32", kind="index", read_only=True)
        for count_name, index_name, group in (
            ("N_incoming", "j", target),
            ("N_outgoing", "i", source),
        ):
            self.variables[count_name] = SynapseCounts(
                self.variables, index_name, group, name=count_name, owner=self.name
            )
        if multisynaptic_index is not None:
            self.add_variable(multisynaptic_index, dtype="int32", kind="index", read_only=True)
        self.summed: dict[str, Expression] = {}
        for equation in self.equations.values():
            self._add_model_variable(equation)
        if self.event_driven and "lastupdate" not in self.variables:
            self.add_variable("lastupdate", dimensions=_SECOND)

        self.pathways: dict[str, SynapticPathway] = {}
        events = on_event if isinstance(on_event, dict) else {}
        default_event = on_event if isinstance(on_event, str) else "spike"
        for direction, code in (("pre", on_pre), ("post", on_post)):
            if code is None:
                continue
            named = code if isinstance(code, dict) else {direction: code}
            for pathway_name, pathway_code in named.items():
                event = events.get(pathway_name, default_event)
                pathway = SynapticPathway(self, pathway_name, pathway_code, direction, event)
                self.pathways[pathway_name] = pathway
                self.add_variable(pathway.delay_variable, dimensions=_SECOND)
        self._default_delays = {}
        if delay is not None:
            delays = delay if isinstance(delay, dict) else {"pre": delay}
            for pathway_name, value in delays.items():
                if pathway_name not in self.pathways:
                    raise GroupError(
                        f"{self.name}: a delay for {pathway_name!r}, which has no code"
                    )
                self._check_delay(value, pathway_name)
                self._default_delays[pathway_name] = value

    # -- model variables ---------------------------------------------------------------------
    def _add_model_variable(self, equation) -> None:
        name = equation.name
        if "summed" in equation.flags:
            for suffix, group in (("_post", self.target), ("_pre", self.source)):
                if name.endswith(suffix) and name[: -len(suffix)] in group.variables:
                    self.summed[name] = equation.expr
                    return
            raise GroupError(
                f"{self.name}: the summed variable {name!r} must name a variable "
                "of the target (x_post) or source (x_pre)"
            )
        self.add_equation_variable(equation)

    @property
    def event_driven(self) -> list[str]:
        return [
            eq.name
            for eq in self.equations.values()
            if eq.kind == "differential" and "event-driven" in eq.flags
        ]

    @property
    def N(self) -> int:
        return self._N

    def __getitem__(self, item) -> np.ndarray:
        """``S[i, j]``, ``S['i > j']``: the synapse numbers selected (e.g. for ``record=``)."""
        return SynapseIndices(self)[item]

    def __getattr__(self, name: str):
        pathways = self.__dict__.get("pathways", {})
        if name in pathways:
            return pathways[name]
        if name == "indices":
            return SynapseIndices(self)
        if "variables" in self.__dict__ and name not in self.variables:
            values = neuron_values_through_synapses(self, name)  # S.v_post, S.x_pre
            if values is not None:
                return values
        return super().__getattr__(name)

    # -- names: _pre/_post suffixes and the target's variables ---------------------------------
    def _neuron_variable(self, name: str):
        """(group, variable name, index array name) for a name read through the connectivity."""
        for suffix, group, index in (
            ("_pre", self.source, "_pre_idx"),
            ("_post", self.target, "_post_idx"),
        ):
            if name.endswith(suffix) and name[: -len(suffix)] in group.variables:
                return group, name[: -len(suffix)], index
        if name not in self.variables and name in self.target.variables and name not in ("i", "N"):
            return self.target, name, "_post_idx"
        return None

    def write_guard(self, name: str) -> str | None:
        """A neuron's ``(unless refractory)`` variable written through the connectivity is
        guarded by that neuron's ``not_refractory`` (read through the same index)."""
        found = self._neuron_variable(name)
        if found is None:
            return super().write_guard(name)
        group, variable_name, index = found
        if group.write_guard(variable_name) is None:
            return None
        return "not_refractory_pre" if index == "_pre_idx" else "not_refractory_post"

    def dimensions_of(self) -> dict[str, object]:
        dims = super().dimensions_of()
        for name, var in self.target.variables.items():
            dims.setdefault(name, var.dimensions)
            dims[f"{name}_post"] = var.dimensions
        for name, var in self.source.variables.items():
            dims[f"{name}_pre"] = var.dimensions
        dims["N_pre"] = dims["N_post"] = DIMENSIONLESS
        return dims

    def _raw_name(self, name, positions, resolved, namespace):
        found = self._neuron_variable(name)
        if found is not None:
            group, variable_name, index = found
            neuron_positions = self.variables[index].values[positions]
            variable = group.variables[variable_name]
            if variable.kind == "subexpression":
                return group.evaluate(variable.expression, neuron_positions, namespace=namespace)
            if variable.kind == "shared":
                return variable.values[0]
            return variable.values[neuron_positions]
        if name in ("N_pre", "N_post"):
            return len(self.source) if name == "N_pre" else len(self.target)
        if name == "i" or name == "j":
            return self.variables[name].values[positions]
        return super()._raw_name(name, positions, resolved, namespace)

    def _add_references(self, names, refs, prelude, functions, context, namespace) -> None:
        rest = []
        for name in names:
            if name in refs:
                continue
            found = self._neuron_variable(name)
            if name in ("N_pre", "N_post"):
                key = f"{self.name}.{name}"
                context.state[key] = len(self.source) if name == "N_pre" else len(self.target)
                refs[name] = VariableRef(
                    name, VariableKind.CONSTANT, dtype="int64", array=key, read_only=True
                )
            elif name in ("i", "j"):
                variable = self.variables[name]
                refs[name] = VariableRef(
                    name,
                    VariableKind.ARRAY,
                    dtype=variable.dtype,
                    array=variable.key,
                    read_only=True,
                )
                context.state[variable.key] = variable.values
            elif found is not None:
                group, variable_name, index = found
                variable = group.variables[variable_name]
                if variable.kind == "subexpression":
                    suffix = "_pre" if index == "_pre_idx" else "_post"
                    renamed = substitute_names(
                        variable.expression,
                        {
                            n: Expression(f"{n}{suffix}")
                            for n in variable.expression.names
                            if n in group.variables
                        },
                    )
                    self._add_references(
                        sorted(renamed.names), refs, prelude, functions, context, namespace
                    )
                    prelude.append(Statement(name, "=", renamed, temporary=True))
                    refs[name] = VariableRef(name, VariableKind.TEMPORARY, dtype=variable.dtype)
                    continue
                if isinstance(variable, LinkedVariable):  # read through both indices
                    through = self.variables[index]
                    variable.add_to_kernel(
                        name, refs, prelude, context, through=(through.key, through.values)
                    )
                    continue
                index_key = self.variables[index].key
                refs[name] = VariableRef(
                    name,
                    VariableKind.SHARED if variable.kind == "shared" else VariableKind.ARRAY,
                    dtype=variable.dtype,
                    array=variable.key,
                    index=None if variable.kind == "shared" else index_key,
                    read_only=variable.read_only or variable.kind == "index",
                    dimensions=variable.dimensions,
                )
                context.state[variable.key] = variable.values
                context.state[index_key] = self.variables[index].values
            else:
                rest.append(name)
        super()._add_references(rest, refs, prelude, functions, context, namespace)

    # -- connecting ------------------------------------------------------------------------
    def connect(
        self, condition=None, i=None, j=None, p=1.0, n=1, skip_if_invalid=False, namespace=None
    ) -> None:
        """Create synapses: all-to-all, by ``condition``/``p``, explicit ``i``/``j``, or a
        generator ``j='k for k in range(i-3, i+4) if i != k'``; ``n`` synapses per pair."""
        caller = namespace if namespace is not None else user_namespace()
        n_pre, n_post = len(self.source), len(self.target)
        if condition is True:
            condition = None
        elif condition is False:
            return
        if not isinstance(p, str):
            p_value = float(np.asarray(p))
            if not 0 <= p_value <= 1:
                raise SynapseConnectionError(
                    f"{self.name}: connect(p={p}) needs a probability between 0 and 1"
                )
        if isinstance(i, str) or isinstance(j, str):
            pre, post = self._pairs_by_generator(i, j, condition, p, skip_if_invalid, caller)
        elif i is not None or j is not None:
            if condition is not None or (i is None or j is None):
                raise SynapseConnectionError(
                    f"{self.name}: give both i= and j= as indices, "
                    "or one of them as a string, without a condition"
                )
            pre = np.atleast_1d(np.asarray(i, dtype=np.int64))
            post = np.atleast_1d(np.asarray(j, dtype=np.int64))
            pre, post = np.broadcast_arrays(pre, post)
            if np.any((pre < 0) | (pre >= n_pre)):
                raise SynapseConnectionError(
                    f"{self.name}: source index out of range 0..{n_pre - 1} in i={i!r}"
                )
            pre, post = check_targets(pre, post, n_post, skip_if_invalid, self.name)
            pre, post = pre.astype(np.int32), post.astype(np.int32)
        else:
            evaluate = self._pair_evaluator(caller)
            expression = None
            if condition is not None:
                expression = parse_expression(condition, owner=self.name)
                self._check_pair_expression(expression, caller, boolean=True)
            probability = p
            if isinstance(p, str):
                probability = parse_expression(p, owner=self.name)
                self._check_pair_expression(probability, caller, boolean=False)
            pre_only = expression is not None and not (
                expression.names
                & ({"j", "N_incoming"} | {f"{v}_post" for v in self.target.variables})
            )
            pre, post = pairs_by_condition(
                n_pre, n_post, expression, probability, evaluate, pre_only
            )
        copies = self._copies(n, pre, post, caller)
        if not (isinstance(copies, int) and copies == 1):
            pre, post = np.repeat(pre, copies), np.repeat(post, copies)
        self._add_synapses(pre, post, copies)

    def _pairs_by_generator(self, i, j, condition, p, skip_if_invalid, caller):
        """Pairs of ``j='k for k in ...'`` (over the sources), ``i='k for k in ...'`` (over
        the targets), or of a plain expression such as ``j='i'``."""
        over_pre = isinstance(j, str)
        text = j if over_pre else i
        given = f"{'j' if over_pre else 'i'}={text!r}"
        if condition is not None or (i is not None and j is not None):
            raise SynapseConnectionError(
                f"{self.name}: connect({given}) takes neither a condition nor the other index"
            )
        if isinstance(p, str) or float(np.asarray(p)) != 1:
            raise SynapseConnectionError(
                f"{self.name}: connect({given}) cannot take p=; write the probability into "
                "the generator: 'k for k in sample(N_post, p=0.1)'"
            )
        generator = parse_generator(text, self.name)
        if generator is None:  # 'i + 1': one value for each neuron of the other side
            generator = Generator(
                variable="_",
                element=parse_expression(text, owner=self.name),
                low=Expression("0"),
                high=Expression("1"),
                step=Expression("1"),
                p=None,
                condition=None,
            )
        return pairs_by_generator(
            generator,
            len(self.source),
            len(self.target),
            self._pair_evaluator(caller),
            skip_if_invalid,
            self.name,
            over_pre=over_pre,
        )

    def _copies(self, n, pre, post, caller) -> np.ndarray | int:
        """Synapses per pair: one number for all pairs, or an array (``n`` an expression)."""
        if isinstance(n, str):
            expression = parse_expression(n, owner=self.name)
            pre, post = pre.astype(np.int64), post.astype(np.int64)  # as 64-bit arithmetic
            values = self._pair_evaluator(caller)(expression, pre, post)
            copies = np.broadcast_to(values, pre.shape).astype(np.int64)
            if np.any(copies < 0):
                raise SynapseConnectionError(f"{self.name}: n= must not be negative")
            return copies
        if int(n) < 0:
            raise SynapseConnectionError(f"{self.name}: n= must not be negative")
        return int(n)

    def _pair_evaluator(self, caller):
        from axonal.codegen.numpy_target import evaluate_expression

        def evaluate(expression: Expression, pre: np.ndarray, post: np.ndarray):
            resolved = self._resolve_pair_names(expression, caller)
            values = {}
            for name in expression.names:
                if name == "i":
                    values[name] = pre
                elif name == "j":
                    values[name] = post
                elif name in ("N_pre", "N_post"):
                    values[name] = len(self.source) if name == "N_pre" else len(self.target)
                elif name.endswith("_pre") and name[:-4] in self.source.variables:
                    values[name] = self.source.evaluate(
                        Expression(name[:-4]), _storage(self.source, pre), namespace=caller
                    )
                elif name.endswith("_post") and name[:-5] in self.target.variables:
                    values[name] = self.target.evaluate(
                        Expression(name[:-5]), _storage(self.target, post), namespace=caller
                    )
                else:
                    values[name] = resolved[name].raw_value
            functions = {
                n: f.value.numpy_function()
                for n, f in resolved.items()
                if f.kind.value == "function" and n not in ("rand", "randn")
            }
            return evaluate_expression(expression, values, len(pre), functions)

        return evaluate

    def _pair_dimensions(self) -> dict[str, object]:
        dims = {
            "i": DIMENSIONLESS,
            "j": DIMENSIONLESS,
            "N_pre": DIMENSIONLESS,
            "N_post": DIMENSIONLESS,
        }
        dims.update({f"{n}_pre": v.dimensions for n, v in self.source.variables.items()})
        dims.update({f"{n}_post": v.dimensions for n, v in self.target.variables.items()})
        return dims

    def _resolve_pair_names(self, expression: Expression, caller):
        from axonal.model.namespace import resolve_names

        return resolve_names(
            expression.names,
            own_variables=self._pair_dimensions(),
            namespace=self.namespace,
            caller_namespace=caller,
            owner=self.name,
            called=expression.functions,
            line=expression.code,
        )

    def _check_pair_expression(self, expression: Expression, caller, boolean: bool) -> None:
        from axonal.model.dimensions import expression_dimensions

        resolved = self._resolve_pair_names(expression, caller)
        dims = expression_dimensions(expression, resolved, owner=self.name)
        if boolean and not is_boolean_expression(expression):
            raise SynapseConnectionError(
                f"{self.name}: the connection condition {expression.code!r} is not a condition"
            )
        if not boolean and dims is not DIMENSIONLESS:
            raise SynapseConnectionError(
                f"{self.name}: the connection probability {expression.code!r} must be dimensionless"
            )

    def _add_synapses(self, pre: np.ndarray, post: np.ndarray, copies: np.ndarray | int) -> None:
        """Append the pairs (int32 arrays the synapses may keep: no other reference to them)."""
        old, added = self.N, len(pre)
        new = old + added
        v = self.variables
        derived = {"_pre_idx", "_post_idx", "N_incoming", "N_outgoing"}
        for name, variable in v.items():
            if variable.kind not in ("array", "index") or name in derived:
                continue
            if name in ("i", "j"):
                appended = np.asarray(pre if name == "i" else post, dtype=variable.values.dtype)
                variable.values = (
                    appended if old == 0 else np.concatenate([variable.values, appended])
                )
                continue
            # np.zeros: pages nobody writes (a delay left at 0) cost no memory.
            grown = np.zeros(new, dtype=variable.values.dtype)
            grown[:old] = variable.values
            variable.values = grown
        self._share_storage_indices(compute=True)
        if self.multisynaptic_index is not None:
            if isinstance(copies, int):
                numbers = np.arange(added) % max(copies, 1)
            else:
                numbers = np.arange(added) - np.repeat(np.cumsum(copies) - copies, copies)
            v[self.multisynaptic_index].values[old:] = numbers
        for pathway_name, value in self._default_delays.items():
            variable = self.variables[self.pathways[pathway_name].delay_variable]
            variable.values[old:] = float(np.asarray(value)) if not isinstance(value, str) else 0
            if isinstance(value, str):
                self.set_values(variable.name, np.arange(old, new), value)
        self._N = new
        v["N_incoming"].values = v["N_outgoing"].values = None  # counted again when read

    def _share_storage_indices(self, compute: bool = False) -> None:
        """Storage positions equal the indices unless the group is a subgroup: one array.
        ``compute``: also (re)compute a subgroup's positions from its indices."""
        v = self.variables
        for storage, index, group in (
            ("_pre_idx", "i", self.source),
            ("_post_idx", "j", self.target),
        ):
            start = getattr(group, "start", 0)
            if start == 0:
                v[storage].values = v[index].values
            elif compute:
                v[storage].values = v[index].values + np.int32(start)

    # -- reading and setting by (i, j) ---------------------------------------------------------
    def storage_indices(self, item):
        if isinstance(item, tuple):
            if not 2 <= len(item) <= 3:
                raise IndexError(f"{self.name}: index synapses with (i, j) or (i, j, k)")
            mask = np.ones(self.N, dtype=bool)
            names = ("i", "j", self.multisynaptic_index)
            for name, selection in zip(names, item, strict=False):
                if name is None:
                    raise IndexError(f"{self.name}: (i, j, k) needs multisynaptic_index")
                values = self.variables[name].values
                wanted = np.arange(values.max() + 1 if len(values) else 0)[selection]
                mask &= np.isin(values, np.atleast_1d(wanted))
            return np.flatnonzero(mask)
        return super().storage_indices(item)

    def _check_delay(self, value, pathway_name: str) -> None:
        if isinstance(value, str):
            return
        if get_dimensions(value) is not _SECOND:
            raise GroupError(
                f"{self.name}: the delay of {pathway_name!r} must be a time, not {value!r}"
            )
        if np.any(np.asarray(value) < 0):
            raise GroupError(f"{self.name}: the delay of {pathway_name!r} must not be negative")

    def validate_values(self, name: str, raw) -> None:
        if name == "delay" or name.startswith("_delay_"):
            if np.any(np.asarray(raw) < 0):
                raise GroupError(f"{self.name}: delays must not be negative ({name})")

    # -- running ---------------------------------------------------------------------------
    def _event_statements(self) -> list[Statement]:
        """Bring event-driven variables from ``lastupdate`` to now, before a pathway's code."""
        names = self.event_driven
        if not names:
            return []
        rhs = differential_right_hand_sides(self.equations)
        update = cached_state_update({n: rhs[n] for n in names}, "exact", self.name, frozenset())
        elapsed = {"dt": Expression("t - lastupdate")}
        return [
            Statement(s.target, s.op, substitute_names(s.expr, elapsed), s.temporary)
            for s in update.statements
        ]

    def _clock_driven_statements(self) -> list[Statement]:
        rhs = differential_right_hand_sides(self.equations)
        driven = {n: e for n, e in rhs.items() if "event-driven" not in self.equations[n].flags}
        if not driven:
            return []
        return list(cached_state_update(driven, self.method, self.name, frozenset()).statements)

    def _kernels(self, context: RunContext):
        """(kernel, functions, pathway or None) of one step: clock-driven update, pathways."""
        self._check_model(context)
        kernels = []
        clock_driven = self._clock_driven_statements()
        if clock_driven:
            kernel, functions = self.make_kernel(
                "state_update", KernelRole.STATE_UPDATE, clock_driven, context, when="groups"
            )
            kernels.append((kernel, functions, None))
        event_updates = self._event_statements()
        for pathway in self.pathways.values():
            self.check_statements(pathway.statements, pathway.code, context)
            statements = [*event_updates, *pathway.statements]
            if event_updates:
                statements.append(Statement("lastupdate", "=", Expression("t")))
            kernel, functions = self.make_kernel(
                f"{pathway.name}_pathway",
                KernelRole.SYNAPTIC_EVENT,
                statements,
                context,
                when="synapses",
                order=self._pathway_order(pathway),
            )
            kernels.append((kernel, functions, pathway))
        return kernels

    def _pathway_order(self, pathway: SynapticPathway) -> int:
        return self.order + (0 if pathway.direction == "pre" else 1)

    def before_run(self, context: RunContext) -> None:
        self._operations: list[Operation] = []
        state = context.state
        for kernel, functions, pathway in self._kernels(context):
            compiled = compile_kernel(kernel, functions, context.target)
            if pathway is None:
                step = lambda compiled=compiled: compiled(state)  # noqa: E731
            else:
                step = self._pathway_step(pathway, compiled, state)
            self._operations.append(Operation(self, kernel.when, kernel.order, step, kernel.name))
        for name, expression in self.summed.items():
            self._operations.append(self._summed_operation(name, expression, context))

    def scheduled_items(self, context: RunContext) -> list[tuple[tuple, object]] | None:
        """Clock-driven update over all synapses, each pathway over the synapses its events
        reach, summed variables as two kernels (fused run)."""
        from axonal.codegen.numba_target import SynapsesOfEvents
        from axonal.network.fused import kernel_item

        self._fused_queues: dict[str, tuple] = {}
        items = []
        for kernel, functions, pathway in self._kernels(context):
            selection = (
                "all"
                if pathway is None
                else SynapsesOfEvents(self._loop_pathway(pathway, context.state))
            )
            item = kernel_item(context, kernel, functions, selection, self.clock)
            items.append((schedule_key(self, kernel.when, kernel.order), item))
        for name, expression in self.summed.items():
            summed = self._summed_items(name, expression, context)
            if summed is None:
                return None
            items.extend(summed)
        return items

    def _summed_kernels(self, name: str, expression: Expression, context):
        """``x_post = sum over synapses``: a kernel zeroing x over the group, then one adding
        each synapse's term through the index (writes through an index accumulate)."""
        suffix = "_post" if name.endswith("_post") else "_pre"
        group = self.target if suffix == "_post" else self.source
        variable = name[: -len(suffix)]
        zero = group.make_kernel(
            f"summed_{variable}_zero",
            KernelRole.STATE_UPDATE,
            [Statement(variable, "=", Expression("0.0"))],
            context,
            when="before_groups",
        )
        add = self.make_kernel(
            f"summed_{name}",
            KernelRole.STATE_UPDATE,
            [Statement(name, "+=", expression)],
            context,
            when="before_groups",
        )
        return group, zero, add

    def _summed_items(self, name: str, expression: Expression, context):
        from axonal.network.fused import kernel_item

        group, zero, add = self._summed_kernels(name, expression, context)
        if getattr(group, "start", None) is not None:
            return None  # a subgroup's kernel would run over the parent's first elements
        key = schedule_key(self, "before_groups", self.order)
        return [
            (key, kernel_item(context, *zero, "all", self.clock)),
            (key, kernel_item(context, *add, "all", self.clock)),
        ]

    def _connectivity(self, pathway: SynapticPathway, rows: int, storage: bool):
        """CSR of the pathway: synapses sorted by their source neuron (stable), row pointers;
        the order is None when the synapses are stored in that order already.

        ``storage``: rows are the source's storage positions (a subgroup's parent), not its
        own indices.
        """
        if storage:
            by_neuron = self.variables["_pre_idx" if pathway.direction == "pre" else "_post_idx"]
        else:
            by_neuron = self.variables["i" if pathway.direction == "pre" else "j"]
        return csr(by_neuron.values, rows)

    def _delay_steps(self, pathway: SynapticPathway) -> int | np.ndarray:
        """The delays in steps: one number when all synapses share it, else int64 each."""
        values = self.variables[pathway.delay_variable].values
        dt = self.clock.dt_
        if len(values) and values.min() == values.max():
            return int(np.round(values[0] / dt))
        steps = np.empty(len(values), dtype=np.int64)
        for first in range(0, len(values), PIECE):
            steps[first : first + PIECE] = np.round(values[first : first + PIECE] / dt)
        if len(steps) and steps.min() == steps.max():
            return int(steps[0])
        return steps

    def _loop_pathway(self, pathway: SynapticPathway, state: dict):
        """The pathway as the compiled loop sees it; its queued spikes put in ``state``."""
        from axonal.codegen.numba_target import SynapticPathway as LoopPathway
        from axonal.network.fused import event_root

        root, _ = event_root(pathway.events_source)
        order, pointers = self._connectivity(pathway, root.N, storage=True)
        prefix = f"{self.name}._{pathway.name}"
        state[f"{prefix}_indptr"] = pointers
        ids = None
        if order is not None:
            ids = f"{prefix}_synapse_ids"
            state[ids] = order
        delays = self._delay_steps(pathway)
        loop_pathway = LoopPathway(
            f"{self.name}.{pathway.name}", root.name, f"{prefix}_indptr", ids, pathway.event
        )
        now = self.clock.timestep
        queued = pathway.queue.snapshot()
        pending = {step: a for step, a in queued.items() if step >= now}
        # The ring buffer holds them during the run; fused_results puts back what is left.
        stale = {step: a for step, a in queued.items() if step < now}
        pathway.queue.restore(stale)
        if not np.any(delays) and not pending:
            return loop_pathway
        delay_key = f"{prefix}_delay_steps"
        sources = _queued_sources(pending, order, pointers, root.N)
        uniform = isinstance(delays, int) and sources is not None
        if isinstance(delays, int) and not uniform:
            delays = np.full(self.N, delays, dtype=np.int64)
        state[delay_key] = delays
        loop_pathway = dataclasses.replace(
            loop_pathway, delay=delay_key, heterogeneous_delays=not uniform
        )
        self._fused_queues[pathway.name] = (loop_pathway, order, pointers, stale)
        if uniform:
            content = sources
        else:
            content = {step: np.concatenate(arrays) for step, arrays in pending.items()}
        slots = int(max([np.max(delays, initial=0), *(step - now for step in content)])) + 1
        width = root.N if uniform else max([1024, *(len(a) for a in content.values())])
        queue = np.zeros((slots, width), np.int64)
        queued = np.zeros(slots, np.int64)
        for step, entries in content.items():
            queue[step - now, : len(entries)] = entries
            queued[step - now] = len(entries)
        name = loop_pathway.name
        state[f"{name}._queue"], state[f"{name}._queue_n"] = queue, queued
        state[f"{name}._queue_cursor"] = np.zeros(1, np.int64)
        return loop_pathway

    def fused_results(self, state: dict) -> None:
        """Spikes still in the loop's ring buffers go back to the pathways' queues."""
        now = self.clock.timestep
        for name, (loop_pathway, order, pointers, stale) in self._fused_queues.items():
            queue = self.pathways[name].queue
            kept = dict(stale)  # never delivered: steps before the run's start
            ring = state[f"{loop_pathway.name}._queue"]
            queued = state[f"{loop_pathway.name}._queue_n"]
            cursor = int(state[f"{loop_pathway.name}._queue_cursor"][0])
            slots = len(queued)
            for ahead in range(slots):
                slot = (cursor + ahead) % slots
                if queued[slot]:
                    entries = ring[slot, : queued[slot]].copy()
                    if not loop_pathway.heterogeneous_delays:
                        entries = _rows(entries, order, pointers)
                    kept[now + ahead] = [entries]
            queue.restore(kept)

    def _check_model(self, context: RunContext) -> None:
        names, called = set(), set()
        for equation in self.equations.values():
            if equation.expr is not None:
                names |= equation.expr.names
                called |= equation.expr.functions
        names = {n for n in names if not (n == "xi" or n.startswith("xi_"))}
        namespace = context.namespace if self.namespace is None else self.namespace
        resolved = self.resolve(sorted(names), namespace, called=called)
        model = Equations([eq for eq in self.equations.values() if eq.name not in self.summed])
        check_equations(model, resolved, owner=self.name)

    def _pathway_step(self, pathway: SynapticPathway, compiled, state):
        source, event, clock, queue = (
            pathway.events_source,
            pathway.event,
            self.clock,
            pathway.queue,
        )
        order, pointers = self._connectivity(pathway, len(source), storage=False)
        delay_steps = self._delay_steps(pathway)
        homogeneous = isinstance(delay_steps, int)

        def step():
            spikes = source.events.get(event)
            if spikes is not None and len(spikes):
                synapses = _rows(spikes, order, pointers)
                if len(synapses):
                    queue.push(
                        clock.timestep,
                        synapses,
                        delay_steps if homogeneous else delay_steps[synapses],
                    )
            arrived = queue.pop(clock.timestep)
            if arrived is not None:
                compiled(state, arrived)

        return step

    def _summed_operation(self, name: str, expression: Expression, context) -> Operation:
        group, (zero, zero_functions), (add, add_functions) = self._summed_kernels(
            name, expression, context
        )
        zero = compile_kernel(zero, zero_functions, context.target)
        add = compile_kernel(add, add_functions, context.target)
        start = getattr(group, "start", None)
        # A subgroup's variable lives in its parent's array: zero only the subgroup's part.
        positions = ALL_ELEMENTS if start is None else np.arange(start, start + len(group))
        state = context.state

        def update():
            zero(state, positions)
            add(state)

        return Operation(self, "before_groups", self.order, update, f"{self.name}.summed_{name}")

    def operations(self) -> list[Operation]:
        return self._operations

    def state_arrays(self) -> dict[str, object]:
        arrays = {  # N_incoming and N_outgoing are not read (that would count them)
            name: variable.values
            for name, variable in self.variables.items()
            if variable.is_stored and not isinstance(variable, SynapseCounts)
        }
        arrays["_queues"] = {name: p.queue.snapshot() for name, p in self.pathways.items()}
        arrays["_N"] = self._N
        return arrays

    def restore_arrays(self, state) -> None:
        """Take the arrays of ``state`` (a copy the caller gives away), sharing the storage
        indices with i/j again where they are the same."""
        self._N = state["_N"]
        for name, variable in self.variables.items():
            if name in state:
                variable.values = np.asarray(state[name])
        self._share_storage_indices()
        self.variables["N_incoming"].values = self.variables["N_outgoing"].values = None
        for name, snapshot in state["_queues"].items():
            self.pathways[name].queue.restore(snapshot)

    def summary(self) -> dict:
        return {
            **super().summary(),
            "source": self.source.name,
            "target": self.target.name,
            "synapses": self.N,
            "equations": str(self.equations),
            "pathways": {n: p.code for n, p in self.pathways.items()},
        }

    def __repr__(self) -> str:
        return (
            f"<Synapses {self.name!r}: {self.source.name} -> {self.target.name}, {self.N} synapses>"
        )


def _rows(sources: np.ndarray, order: np.ndarray | None, pointers: np.ndarray) -> np.ndarray:
    """The synapses of ``sources``, row after row, in CSR order (see ``csr``)."""
    starts = pointers[sources]
    positions = ranges(starts, pointers[sources + 1] - starts)
    return positions if order is None else order[positions]


def _queued_sources(pending: dict, order, pointers, rows: int) -> dict | None:
    """Queued synapses as the sources whose whole rows they are (a uniform delay's queue),
    or None when some queued array is not a sequence of whole rows (delays changed)."""
    if not pending:
        return {}
    position = None  # of each synapse in CSR order
    if order is not None:
        position = np.empty(len(order), order.dtype)
        position[order] = np.arange(len(order), dtype=order.dtype)
    found = {}
    for step, arrays in pending.items():
        sources = []
        for synapses in arrays:
            placed = synapses if position is None else position[synapses]
            row = np.searchsorted(pointers, placed, side="right") - 1
            starts = np.flatnonzero(np.diff(row, prepend=-1) != 0)
            candidates = row[starts]
            if not np.array_equal(_rows(candidates, order, pointers), synapses):
                return None
            sources.append(candidates)
        found[step] = np.concatenate(sources)
        if len(found[step]) > rows:
            return None
    return found


def _storage(group: Group, relative: np.ndarray) -> np.ndarray:
    """Storage positions of a group's (or subgroup's) relative indices."""
    return np.asarray(relative) + getattr(group, "start", 0)


__all__ = ["Synapses"]
