"""Synapses: connections between two groups, their variables, pathways, delays and plasticity."""

from __future__ import annotations

import numpy as np

from axonal.groups.group import Group, GroupError
from axonal.groups.linked import LinkedVariable
from axonal.groups.names import Computed, Linked, Size, Stored
from axonal.groups.variables import Variable
from axonal.groups.views import VariableView
from axonal.model.dimensions import is_boolean_expression
from axonal.model.equations import Equations
from axonal.model.expressions import parse_expression, parse_statements
from axonal.model.ir import Expression
from axonal.network.namespace import user_namespace
from axonal.synapses.access import SynapseIndices, neuron_values_through_synapses
from axonal.synapses.connect import (
    Generator,
    SynapseBudget,
    SynapseConnectionError,
    as_indices,
    check_targets,
    pairs_by_condition,
    pairs_by_generator,
    parse_generator,
)
from axonal.synapses.connectivity import index_counts
from axonal.synapses.delays import DelayAccess, SharedDelay, SynapticDelay
from axonal.synapses.running import DelayRing, SynapsesRun
from axonal.synapses.summed import SummedUpdater
from axonal.units import DIMENSIONLESS, get_dimensions, second

_SECOND = get_dimensions(second)
_ALLOWED_FLAGS = {
    "differential": {"event-driven", "clock-driven", "constant over dt"},
    "subexpression": {"summed", "shared", "constant over dt"},
    "parameter": {"constant", "shared", "linked"},
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
        # Its delayed events, waiting in a ring buffer of the run state (kept between runs).
        self.ring = DelayRing(f"{synapses.name}.{name}")

    def queued(self) -> int:
        """How many synaptic events are waiting for their delay (to arrive in later runs)."""
        return sum(len(synapses) for synapses in self.ring.queued().values())

    @property
    def events_source(self) -> Group:
        return self.synapses.source if self.direction == "pre" else self.synapses.target

    @property
    def delay(self) -> VariableView:
        """The pathway's delay as ``S.delay`` reads it: ``S.post.delay[:]``, ``[k] = ...``."""
        return VariableView(self.synapses, self.delay_variable)

    @delay.setter
    def delay(self, value) -> None:
        self.synapses.set_values(self.delay_variable, slice(None), value)


class Synapses(SynapsesRun, DelayAccess, Group):
    """Synapses from ``source`` to ``target`` (the same group when not given).

    ``model`` holds synaptic variables (``w : 1``), clock-driven and ``(event-driven)``
    equations and ``(summed)`` variables; ``on_pre``/``on_post`` are statements run when a
    source/target neuron spikes, after the pathway's delay. Names ending in ``_pre``/``_post``
    are the variables of the source/target neuron; other names not defined by the synapses
    refer to the target neuron, as in Brian.

    :param source: the presynaptic group.
    :param target: the postsynaptic group (default: ``source``).
    :param model: the synapses' equations and variables.
    :param on_pre: code run when a presynaptic spike arrives; or ``{'pathway': code, ...}``.
    :param on_post: code run when the postsynaptic neuron spikes; or a dict of pathways.
    :param delay: the presynaptic delay, one value for all synapses (read and set as one, as
        in Brian 2), or per pathway ``{'pathway': delay}``; without it each synapse has its
        own delay (0), set with ``S.delay = ...`` after ``connect()``. A delay all synapses
        share is stored once.
    :param on_event: the event of the source that triggers ``on_pre`` (default ``'spike'``).
    :param multisynaptic_index: a variable name numbering the synapses of one pair (``n > 1``).
    :param method: the integration method of clock-driven equations.
    :param dt: a time step of its own (default: the source's clock); or ``clock=``.
    :param name: a unique name.

    No synapse exists until ``connect()`` makes them. ``S.w[i, j]``, ``S.w['i > j']`` and
    ``S.w = 'rand()'`` read and write synaptic variables; ``len(S)`` is the number of synapses.

    Example:

    >>> G = NeuronGroup(3, 'v : 1')
    >>> S = Synapses(G, G, 'w : 1', on_pre='v_post += w', delay=1*ms)
    >>> S.connect(i=0, j=[1, 2])
    >>> S.w = 'j * 0.5'
    >>> len(S), S.w[:]
    (2, array([0.5, 1. ]))
    """

    _grows = True  # connect() adds elements: other groups cannot link to these variables

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
        # Brian 2's name: one SummedUpdater per summed variable, by its name ('x_post').
        self.summed_updaters: dict[str, SummedUpdater] = {}
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
        delays = {} if delay is None else delay if isinstance(delay, dict) else {"pre": delay}
        for pathway_name in delays:
            if pathway_name not in self.pathways:
                raise GroupError(
                    f"{self.name}: a delay for {pathway_name!r}, which has no code "
                    f"(pathways: {', '.join(self.pathways) or 'none'})"
                )
        for pathway in self.pathways.values():
            value = delays.get(pathway.name)
            if value is not None:
                self._check_delay(value, pathway.name)
            one_value = value is not None and not isinstance(value, str)
            self.variables[pathway.delay_variable] = SynapticDelay(
                self,
                pathway.delay_variable,
                one_value=one_value,
                new_value=float(np.asarray(value)) if one_value else 0.0,
                code=value if isinstance(value, str) else None,
            )

    # -- model variables ---------------------------------------------------------------------
    def _add_model_variable(self, equation) -> None:
        name = equation.name
        if "summed" in equation.flags:
            for suffix, group in (("_post", self.target), ("_pre", self.source)):
                if name.endswith(suffix) and name[: -len(suffix)] in group.variables:
                    self.summed[name] = equation.expr
                    self.summed_updaters[name] = SummedUpdater(
                        self, name, equation.expr, group, name[: -len(suffix)]
                    )
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

    def name_entry(self, name: str):
        """A neuron's variable read through the connectivity (``v_post``, ``x_pre``, or a
        target's variable by its own name), ``N_pre``/``N_post``, then the synapses' own."""
        found = self._neuron_variable(name)
        if found is not None:
            group, variable_name, index = found
            variable = group.variables[variable_name]
            if variable.kind == "subexpression":
                suffix = "_pre" if index == "_pre_idx" else "_post"
                return Computed(group, variable, through=index, suffix=suffix)
            if isinstance(variable, LinkedVariable):
                return Linked(variable, through=index)
            return Stored(variable, through=index)
        if name in ("N_pre", "N_post"):
            size = len(self.source) if name == "N_pre" else len(self.target)
            return Size(f"{self.name}.{name}", size)
        variable = self.variables.get(name)
        if isinstance(variable, SynapticDelay) and variable.uniform:
            return SharedDelay(variable)  # code reads the one value
        return super().name_entry(name)

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
            pre = np.atleast_1d(as_indices(i, "i=", self.name))
            post = np.atleast_1d(as_indices(j, "j=", self.name))
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
                n_pre,
                n_post,
                expression,
                probability,
                evaluate,
                pre_only,
                owner=self.name,
                budget=self._connect_budget(n),
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
            budget=self._connect_budget(1),
        )

    def _connect_budget(self, n) -> SynapseBudget:
        """What each new synapse costs (its stored arrays), for connect()'s memory check."""
        derived = {"_pre_idx", "_post_idx", "N_incoming", "N_outgoing"}
        stored = sum(
            variable.bytes_per_new_synapse()
            if isinstance(variable, SynapticDelay)
            else np.dtype(variable.values.dtype).itemsize
            for name, variable in self.variables.items()
            if variable.kind in ("array", "index") and name not in derived
        )
        copies = n if isinstance(n, int | np.integer) and n > 1 else 1
        # + 8: the storage indices (two int32) the connectivity keeps for subgroups.
        return SynapseBudget(self.name, stored + 8, existing=self.N, copies=int(copies))

    def _copies(self, n, pre, post, caller) -> np.ndarray | int:
        """Synapses per pair: one number for all pairs, or an array (``n`` an expression)."""
        if isinstance(n, str):
            expression = parse_expression(n, owner=self.name)
            pre, post = pre.astype(np.int64), post.astype(np.int64)  # as 64-bit arithmetic
            values = self._pair_evaluator(caller)(expression, pre, post)
            copies = as_indices(np.broadcast_to(values, pre.shape), f"n={n!r}", self.name)
            if np.any(copies < 0):
                raise SynapseConnectionError(f"{self.name}: n= must not be negative")
            return copies
        copies = int(as_indices(n, "n=", self.name))
        if copies < 0:
            raise SynapseConnectionError(f"{self.name}: n= must not be negative")
        return copies

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
            if isinstance(variable, SynapticDelay):
                variable.grow(old, new)
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
        self._N = new
        v["N_incoming"].values = v["N_outgoing"].values = None  # counted again when read
        for variable in list(v.values()):  # delays given as code: evaluated for the new ones
            if isinstance(variable, SynapticDelay) and variable.code is not None:
                self.set_values(variable.name, np.arange(old, new), variable.code)

    def _share_storage_indices(self, compute: bool = False) -> None:
        """Storage positions equal the indices unless the group is a subgroup: one array.
        ``compute``: also (re)compute a subgroup's positions from its indices."""
        v = self.variables
        for storage, index, group in (
            ("_pre_idx", "i", self.source),
            ("_post_idx", "j", self.target),
        ):
            start = group.storage_offset
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
        if np.size(value) != 1:
            setter = "delay" if pathway_name == "pre" else f"{pathway_name}.delay"
            raise GroupError(
                f"{self.name}: Synapses(delay=...) takes one time for {pathway_name!r} (the "
                f"same for all synapses), not {np.size(value)} values; for a delay per synapse "
                f"set {self.name}.{setter} = ... after connect()"
            )
        if np.any(np.asarray(value) < 0):
            raise GroupError(f"{self.name}: the delay of {pathway_name!r} must not be negative")

    def validate_values(self, name: str, raw) -> None:
        if name == "delay" or name.startswith("_delay_"):
            if np.any(np.asarray(raw) < 0):
                raise GroupError(f"{self.name}: delays must not be negative ({name})")

    def state_arrays(self) -> dict[str, object]:
        arrays = {  # N_incoming and N_outgoing are not read (that would count them)
            name: variable.stored if isinstance(variable, SynapticDelay) else variable.values
            for name, variable in self.variables.items()
            if variable.is_stored and not isinstance(variable, SynapseCounts)
        }
        arrays["_queues"] = {name: p.ring.snapshot() for name, p in self.pathways.items()}
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
            self.pathways[name].ring.restore(snapshot)

    def run_regularly(self, code: str, dt=None, when: str = "start", order: int = 0, name=None):
        """Run ``code`` (e.g. ``'w = clip(w, 0, wmax)'``) on every synapse every ``dt``
        (default: every step of the synapses), as NeuronGroup.run_regularly; the code may read
        pre- and postsynaptic variables (``v_post``) and write the synapses' own."""
        from axonal.groups.neurongroup import RegularOperation

        operation = RegularOperation(self, code, dt=dt, when=when, order=order, name=name)
        self.contained_objects.append(operation)
        return operation

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


def _storage(group: Group, relative: np.ndarray) -> np.ndarray:
    """Storage positions of a group's (or subgroup's) relative indices."""
    return np.asarray(relative) + group.storage_offset


__all__ = ["Synapses"]
