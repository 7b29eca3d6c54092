"""NeuronGroup: N neurons defined by equations, a threshold, a reset and refractoriness."""

from __future__ import annotations

import dataclasses
import logging

import numpy as np

from axonal.groups.group import Group, GroupError
from axonal.groups.linked import LinkedVariable
from axonal.groups.names import SubgroupIndex
from axonal.groups.state_updates import cached_state_update
from axonal.model.builders import all_of, any_of, difference, greater, negation, product
from axonal.model.dependencies import differential_right_hand_sides
from axonal.model.dimensions import check_equations, is_boolean_expression
from axonal.model.equations import Equations
from axonal.model.errors import EquationError
from axonal.model.expressions import parse_expression, parse_statements
from axonal.model.ir import Expression, Kernel, KernelRole, Statement, VariableKind
from axonal.model.namespace import resolve_equation_names
from axonal.network.base import (
    RunContext,
    SimulationObject,
    _default_name,
    schedule_key,
    whole_number,
)
from axonal.network.clock import seconds_of
from axonal.units import DIMENSIONLESS, Quantity, get_dimensions, second
from axonal.units.display import dimension_display_name

logger = logging.getLogger("axonal.groups")

# Brian's value for "never spiked": far enough in the past for any refractory period.
NEVER = -1e4


class NeuronGroup(Group):
    r"""A population of ``N`` neurons whose state follows ``model`` (equations with units).

    :param N: the number of neurons.
    :param model: the equations, as a string or an :class:`Equations` object: differential
        equations, subexpressions and parameters, each with its unit and flags.
    :param method: the integration method (``'exact'``, ``'euler'``, ``'rk2'``, ``'rk4'``,
        ``'heun'``, ``'milstein'``, ``'exponential_euler'``); chosen automatically when omitted.
    :param threshold: the spike condition, e.g. ``'v > -50*mV'``.
    :param reset: statements run after a spike, e.g. ``'v = -65*mV'`` (several lines allowed).
    :param refractory: a duration, a per-neuron expression, or a condition under which the neuron
        stays refractory; variables flagged ``(unless refractory)`` stand still meanwhile.
    :param events: custom events, ``{'name': 'condition'}``; add code with ``run_on_event``.
    :param namespace: constants for the model's names (default: the namespace of ``run``'s caller).
    :param dt: a time step of its own (default: ``defaultclock``); or ``clock=``.
    :param order: its order within the schedule slot.
    :param name: a unique name (default: ``neurongroup``, ``neurongroup_1``, ...).

    Variables read and write with units (``G.v``), raw in SI units (``G.v_``), or as strings
    evaluated per neuron (``G.v = 'rand()*mV'``); ``G[10:20]`` is a subgroup.

    Example:

    >>> tau = 10*ms
    >>> G = NeuronGroup(3, 'dv/dt = (I - v)/tau : 1\nI : 1', threshold='v > 1',
    ...                 reset='v = 0', method='exact')
    >>> G.I = [0.5, 1.5, 3.0]
    >>> spikes = SpikeMonitor(G)
    >>> run(100*ms)
    >>> spikes.count
    array([ 0,  9, 24])
    """

    def __init__(
        self,
        N,
        model,
        method=None,
        threshold=None,
        reset=None,
        refractory=False,
        events=None,
        namespace=None,
        dtype=None,
        dt=None,
        clock=None,
        order=0,
        name=None,
        method_options=None,
    ):
        if whole_number(N) is None or N < 1:
            raise GroupError(f"a NeuronGroup needs a whole number of neurons N >= 1, not {N!r}")
        super().__init__(
            whole_number(N),
            namespace=namespace,
            name=name,
            clock=clock,
            dt=dt,
            when="groups",
            order=order,
        )
        try:
            equations = model if isinstance(model, Equations) else Equations(model)
        except EquationError as error:
            raise error.with_owner(self.name) from None
        self.equations = equations
        self.method = method
        self._method_used: str | None = None
        self.add_variable("i", kind="index", dtype="int64", read_only=True)
        self.variables["i"].values[:] = np.arange(self.N)
        for equation in equations.values():
            self.add_equation_variable(equation)

        # Events: 'spike' from threshold=, custom ones from events=.
        self.event_conditions: dict[str, Expression] = {}
        if threshold is not None:
            self.event_conditions["spike"] = parse_expression(threshold, owner=self.name)
        for event, condition in (events or {}).items():
            if event == "spike":
                raise GroupError(f"{self.name}: name the threshold with threshold=, not events=")
            self.event_conditions[event] = parse_expression(condition, owner=self.name)
        self.event_code: dict[str, tuple[str, tuple[Statement, ...], str]] = {}
        if reset is not None:
            if threshold is None:
                raise GroupError(f"{self.name}: a reset needs a threshold")
            self.run_on_event("spike", reset)

        self.refractory = refractory
        if refractory is not False and refractory is not None:
            if threshold is None:
                raise GroupError(f"{self.name}: refractoriness needs a threshold")
            self.add_variable("lastspike", dimensions=get_dimensions(second), initial=NEVER)
            self.add_variable("not_refractory", dtype="bool", initial=True)
        elif any("unless refractory" in eq.flags for eq in equations.values()):
            raise GroupError(
                f"{self.name}: equations use (unless refractory), but no refractory= is given"
            )

    # -- user API ----------------------------------------------------------------------------
    def run_on_event(self, event: str, code: str, when: str = "resets", order=None) -> None:
        """Run ``code`` (statements) for the neurons with ``event`` in this step."""
        if event not in self.event_conditions:
            raise GroupError(f"{self.name}: there is no event {event!r} to run code on")
        statements = parse_statements(code, owner=self.name)
        self.event_code[event] = (code, statements, when)

    def run_regularly(
        self, code: str, dt=None, when: str = "start", order: int = 0, name: str | None = None
    ) -> RegularOperation:
        """Run ``code`` on all neurons every ``dt`` (default: every step of the group)."""
        operation = RegularOperation(self, code, dt=dt, when=when, order=order, name=name)
        self.contained_objects.append(operation)
        return operation

    def __getitem__(self, item) -> Subgroup:
        start, stop = _subgroup_range(self, item)
        return Subgroup(self, start, stop)

    @property
    def method_used(self) -> str | None:
        """The integration method chosen at the last run (after automatic choice)."""
        return self._method_used

    # -- building kernels ----------------------------------------------------------------
    def _state_update_statements(self, namespace) -> list[Statement]:
        rhs = differential_right_hand_sides(self.equations)
        statements: list[Statement] = []
        if self.refractory is not False and self.refractory is not None:
            statements.append(self._refractoriness_statement(namespace))
        if not rhs:
            return statements
        constant = frozenset(
            eq.name for eq in self.equations.values() if "constant over dt" in eq.flags
        )
        constant |= self._locally_constant_functions(rhs, namespace)
        update = cached_state_update(rhs, self.method, self.name, constant)
        self._method_used = update.method
        # (unless refractory) targets get their condition in make_kernel, like every write.
        return [*statements, *update.statements]

    def _locally_constant_functions(self, rhs: dict[str, Expression], namespace) -> set[str]:
        """Functions (TimedArrays) whose values stay constant within a step of this group:
        the state updater evaluates them once at the step's start, so exact still applies."""
        called = set().union(*(expr.functions for expr in rhs.values()))
        if not called:
            return set()
        resolved = self.resolve([], namespace, called=called)
        return {
            name
            for name, found in resolved.items()
            if hasattr(found.value, "is_locally_constant")
            and found.value.is_locally_constant(self.clock.dt_)
        }

    def _refractoriness_statement(self, namespace) -> Statement:
        refractory = self.refractory
        if isinstance(refractory, Quantity):
            seconds_of(refractory, f"the refractory period of {self.name}")
            period = Expression(repr(float(np.asarray(refractory))))
        elif isinstance(refractory, str):
            expression = parse_expression(refractory, owner=self.name)
            dims = self._expression_dimensions(expression, refractory, namespace)
            if dims is DIMENSIONLESS and self._is_condition(expression):
                # Refractory from a spike until the condition first fails (Brian 2's rule):
                # before any spike the neuron is not refractory, whatever the condition says.
                condition = any_of(Expression("not_refractory"), negation(expression))
                return Statement("not_refractory", "=", condition)
            if dims is not get_dimensions(second):
                raise GroupError(
                    f"{self.name}: refractory={refractory!r} must be a time or a condition"
                )
            period = expression
        else:
            raise GroupError(
                f"{self.name}: refractory must be a time, a string, or False, not {refractory!r}"
            )
        # Whole steps, as Brian 2.9 counts them: a neuron that spiked at step s may spike again
        # at step s + period/dt (refractory=15*ms after a spike at 8 ms: again from 23 ms on).
        since_spike = difference("t", "lastspike")
        return Statement(
            "not_refractory", "=", greater(since_spike, difference(period, product(0.5, "dt")))
        )

    def _is_condition(self, expression: Expression) -> bool:
        booleans = {name for name, var in self.variables.items() if var.dtype == "bool"}
        return is_boolean_expression(expression, booleans)

    def _check_equations(self, context: RunContext) -> None:
        resolved = resolve_equation_names(
            self.equations, self.dimensions_of(), self.namespace, context.namespace, self.name
        )
        check_equations(self.equations, resolved, owner=self.name)

    def build_kernels(self, context: RunContext) -> list[tuple[Kernel, dict]]:
        """The kernels of one step of this group, in the intermediate form."""
        kernels = []
        for variable in self.variables.values():
            if isinstance(variable, LinkedVariable):
                variable.source()  # a link never set is an error now, not a missing name later
        self._check_equations(context)
        namespace = context.namespace if self.namespace is None else self.namespace
        update = self._state_update_statements(namespace)
        if update:
            kernels.append(
                self.make_kernel(
                    "state_update", KernelRole.STATE_UPDATE, update, context, when="groups"
                )
            )
        for event, condition in self.event_conditions.items():
            text = condition.code
            if not self._is_condition(condition):
                dims = self._expression_dimensions(condition, text, namespace)
                raise GroupError(
                    f"{self.name}: the threshold {text!r} is not a condition (it gives a value "
                    f"in {dimension_display_name(dims)}); write a comparison such as 'v > -50*mV'"
                )
            self._expression_dimensions(condition, text, namespace)
            if event == "spike" and "not_refractory" in self.variables:
                condition = all_of(condition, "not_refractory")
            kernels.append(
                self.make_kernel(
                    f"{event}_threshold",
                    KernelRole.THRESHOLD,
                    (),
                    context,
                    condition=condition,
                    when="thresholds",
                    event=event,
                )
            )
            if event == "spike" and "lastspike" in self.variables:
                bookkeeping = (
                    Statement("lastspike", "=", Expression("t")),
                    Statement("not_refractory", "=", Expression("False")),
                )
                kernels.append(
                    self.make_kernel(
                        "spike_bookkeeping",
                        KernelRole.RESET,
                        bookkeeping,
                        context,
                        when="thresholds",
                        event=event,
                    )
                )
        for event, (code, statements, when) in self.event_code.items():
            self.check_statements(statements, code, context)
            kernels.append(
                self.make_kernel(
                    f"{event}_reset", KernelRole.RESET, statements, context, when=when, event=event
                )
            )
        return kernels

    def scheduled_items(self, context: RunContext) -> list[tuple[tuple, object]]:
        """State update and thresholds over all neurons, resets on the events."""
        from axonal.codegen.schedule import OnEvents
        from axonal.network.fused import kernel_item, load_events

        items = []
        for kernel, functions in self.build_kernels(context):
            every_neuron = kernel.role in (KernelRole.STATE_UPDATE, KernelRole.THRESHOLD)
            selection = "all" if every_neuron else OnEvents(self.name, kernel.event)
            item = kernel_item(context, kernel, functions, selection, self.clock)
            items.append((schedule_key(self, kernel.when, kernel.order), item))
        load_events(context.state, self, list(self.event_conditions))
        return items

    def summary(self) -> dict:
        return {
            **super().summary(),
            "equations": str(self.equations),
            "method": self._method_used,
            "events": sorted(self.event_conditions),
        }


class Subgroup(Group):
    """A contiguous slice of a NeuronGroup, sharing its variables: ``P[:3200]``."""

    add_to_magic_network = False

    def __init__(self, parent: NeuronGroup, start: int, stop: int):
        # Named as Brian 2 names it: objects of one slot run in the order of their names.
        name = _default_name(f"{parent.name}_subgroup")
        super().__init__(stop - start, clock=parent.clock, name=name)
        self.parent, self.start, self.stop = parent, start, stop
        for name, variable in parent.variables.items():
            self.variables[name] = variable

    def __getitem__(self, item) -> Subgroup:
        """A subgroup of this subgroup: a range of the same parent (``G[10:50][5:10]`` is
        ``G[15:20]``), as in Brian 2."""
        start, stop = _subgroup_range(self, item)
        return Subgroup(self.parent, self.start + start, self.start + stop)

    @property
    def storage_root(self) -> NeuronGroup:
        return self.parent

    @property
    def storage_offset(self) -> int:
        return self.start

    def storage_indices(self, item):
        local = np.arange(self.N)[super().storage_indices(item)]
        return local + self.start

    def get_raw(self, name: str) -> np.ndarray:
        values = super().get_raw(name)
        variable = self.variables[name]
        return values if variable.kind == "shared" else values[self.start : self.stop]

    def name_entry(self, name: str):
        if name == "i":  # (its parent's index in kernels, renumbered by local_kernel)
            return SubgroupIndex(self.variables["i"], start=self.start)
        return super().name_entry(name)

    @property
    def events(self) -> dict[str, np.ndarray]:
        """The parent's events of this step that fall in the subgroup, renumbered from 0."""
        found = {}
        for event, indices in self.parent.events.items():
            inside = indices[(indices >= self.start) & (indices < self.stop)]
            found[event] = inside - self.start
        return found

    def scheduled_items(self, context: RunContext) -> list[tuple[tuple, object]]:
        return []  # its parent does the work

    def run_regularly(
        self, code: str, dt=None, when: str = "start", order: int = 0, name: str | None = None
    ) -> RegularOperation:
        """Run ``code`` on this subgroup's neurons every ``dt`` (``i`` counts from 0 here)."""
        operation = RegularOperation(self, code, dt=dt, when=when, order=order, name=name)
        self.parent.contained_objects.append(operation)  # runs whenever the parent runs
        return operation

    def local_kernel(self, kernel: Kernel, context: RunContext) -> Kernel:
        """``kernel`` (made over this subgroup's variables) as a loop over its own elements
        0..N-1: every per-element array is read through the subgroup's storage positions, and
        ``i`` is the position within the subgroup. Both targets run it on all elements."""
        positions_key = f"{self.name}._positions"
        context.state[positions_key] = np.arange(self.start, self.stop)
        variables = dict(kernel.variables)
        for name, ref in kernel.variables.items():
            if ref.kind is not VariableKind.ARRAY or ref.array is None:
                continue
            if name == "i" and ref.array == self.variables["i"].key:
                local_key = f"{self.name}._local_i"
                context.state[local_key] = np.arange(self.N)
                variables[name] = dataclasses.replace(ref, array=local_key)
            elif ref.index is None:
                variables[name] = dataclasses.replace(ref, index=positions_key)
            else:  # already read through an index over the parent (a linked variable)
                local_key = f"{ref.index}._in_{self.name}"
                context.state[local_key] = context.state[ref.index][self.start : self.stop]
                variables[name] = dataclasses.replace(ref, index=local_key)
        return dataclasses.replace(kernel, variables=variables)

    def storage_kernel(self, kernel: Kernel, context: RunContext) -> Kernel:
        """``kernel`` as a loop over the parent's elements, ``i`` counting from this
        subgroup's start (outside it, below 0 or from N on: results there are not used)."""
        ref = kernel.variables.get("i")
        if ref is None or ref.array != self.variables["i"].key:
            return kernel
        key = f"{self.name}._i_at_position"
        context.state[key] = np.arange(self.parent.N) - self.start
        variables = {**kernel.variables, "i": dataclasses.replace(ref, array=key)}
        return dataclasses.replace(kernel, variables=variables)

    def __repr__(self) -> str:
        return f"<Subgroup {self.parent.name}[{self.start}:{self.stop}]>"


def _subgroup_range(group, item) -> tuple[int, int]:
    """(start, stop) within ``group`` of ``group[item]`` (a slice with step 1, or one index)."""
    if isinstance(item, int | np.integer) and not isinstance(item, bool):
        index = int(item) + group.N if item < 0 else int(item)  # G[5]: one neuron
        if not 0 <= index < group.N:
            raise IndexError(f"{group.name}: no neuron {item} in a group of {group.N}")
        item = slice(index, index + 1)
    if not isinstance(item, slice):
        raise TypeError(f"{group.name}: subgroups are made with a slice, e.g. G[:100], or G[5]")
    start, stop, step = item.indices(group.N)
    if step != 1 or stop <= start:
        raise IndexError(f"{group.name}: a subgroup needs a contiguous non-empty slice")
    return start, stop


class RegularOperation(SimulationObject):
    """``G.run_regularly(code, dt)``: statements over all elements of a group (neurons of a
    group or a subgroup, Poisson sources, synapses) at their own interval."""

    default_when = "start"
    add_to_magic_network = False

    def __init__(
        self, group: Group, code: str, dt=None, when="start", order=0, name=None
    ):
        super().__init__(
            name=name or _default_name(f"{group.name}_run_regularly"),
            dt=dt,
            clock=None if dt is not None else group.clock,
            when=when,
            order=order,
        )
        self.group = group
        self.code = code
        self.statements = parse_statements(code, owner=group.name)

    def _kernel(self, context: RunContext) -> tuple[Kernel, dict]:
        self.group.check_statements(self.statements, self.code, context)
        kernel, functions = self.group.make_kernel(
            "run_regularly",
            KernelRole.RUN_REGULARLY,
            self.statements,
            context,
            when=self.when,
            order=self.order,
        )
        kernel = self.group.local_kernel(kernel, context)
        kernel_for_clock = dataclasses.replace(kernel, name=self.name)
        # The kernel reads the time of this operation's clock.
        context.state[f"{self.clock.name}.dt"] = self.clock.dt_
        return kernel_for_clock, functions

    def scheduled_items(self, context: RunContext) -> list[tuple[tuple, object]]:
        """The code over all neurons, every ``dt / loop dt`` loop steps."""
        from axonal.network.fused import kernel_item

        kernel, functions = self._kernel(context)
        item = kernel_item(context, kernel, functions, "all", self.clock)
        return [(schedule_key(self, self.when, self.order), item)]


__all__ = ["NeuronGroup"]
