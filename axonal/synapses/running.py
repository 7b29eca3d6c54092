"""How Synapses run: their kernels and pathways as scheduled items (for both runners),
delays and spike queues, summed variables (the run protocol of ``Synapses``)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np

from axonal.codegen.schedule import synapses_of
from axonal.groups.group import GroupError
from axonal.groups.state_updates import cached_state_update
from axonal.model.dependencies import differential_right_hand_sides, substitute_names
from axonal.model.dimensions import check_equations
from axonal.model.equations import Equations
from axonal.model.ir import Expression, KernelRole, Statement
from axonal.network.base import RunContext, schedule_key
from axonal.network.run_state import RunShare
from axonal.synapses.connectivity import PIECE, csr

if TYPE_CHECKING:
    from axonal.synapses.synapses import SynapticPathway

__all__: list[str] = []  # internal room: nothing here is part of the user's namespace


class SynapsesRun:
    """The run protocol of Synapses (a base class of it): kernels and pathways for both loops."""

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

    def before_build(self) -> None:
        """Equal delays are stored once from here on: before any object of the run reads
        them (a StateMonitor built before these synapses records what their kernels read)."""
        for pathway in self.pathways.values():
            self.variables[pathway.delay_variable].compact()

    def _kernels(self, context: RunContext):
        """(kernel, functions, pathway or None) of one step: clock-driven update, pathways."""
        self._check_model(context)
        delays = {pathway.delay_variable for pathway in self.pathways.values()}
        for pathway in self.pathways.values():
            for statement in pathway.statements:
                if not statement.temporary and statement.target in delays:
                    raise GroupError(
                        f"{self.name}: the code {pathway.code!r} writes to "
                        f"{statement.target!r}; delays are set from Python "
                        f"({self.name}.delay = ...), not by synaptic code"
                    )
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

    def scheduled_items(self, context: RunContext) -> list[tuple[tuple, object]]:
        """Clock-driven update over all synapses, each pathway over the synapses its events
        reach, summed variables as two kernels."""
        from axonal.codegen.schedule import SynapsesOfEvents
        from axonal.network.fused import kernel_item

        items = []
        for kernel, functions, pathway in self._kernels(context):
            selection = (
                "all"
                if pathway is None
                else SynapsesOfEvents(self._loop_pathway(pathway, context.state))
            )
            item = kernel_item(context, kernel, functions, selection, self.clock)
            items.append((schedule_key(self, kernel.when, kernel.order), item))
        for updater in self.summed_updaters.values():
            items.extend(self._summed_items(updater, context))
        return items

    def summed_targets(self) -> list:
        """The SummedUpdater of each summed variable: ``x_post`` sums into the target's ``x``,
        ``x_pre`` into the source's."""
        return list(self.summed_updaters.values())

    def _summed_kernels(self, updater, context):
        """``x_post = sum over synapses``: a kernel zeroing x over the group (unless another
        sum into x zeroes it: see ``SummedUpdater.zeroes``), then one adding each synapse's
        term through the index (writes through an index accumulate)."""
        group, variable, when = updater.group, updater.variable, updater.when
        zero = None
        if updater.zeroes:
            zero_kernel, zero_functions = group.make_kernel(
                f"summed_{variable}_zero",
                KernelRole.STATE_UPDATE,
                [Statement(variable, "=", Expression("0.0"))],
                context,
                when=when,
            )
            # Over the group's own elements: a subgroup zeroes only its part of the parent's.
            zero = group.local_kernel(zero_kernel, context), zero_functions
        add = self.make_kernel(
            f"summed_{updater.summed_name}",
            KernelRole.STATE_UPDATE,
            [Statement(updater.summed_name, "+=", updater.expression)],
            context,
            when=when,
        )
        return zero, add

    def _summed_items(self, updater, context):
        from axonal.network.fused import kernel_item

        zero, add = self._summed_kernels(updater, context)
        key = updater.sort_key()
        kernels = [zero, add] if zero is not None else [add]
        return [(key, kernel_item(context, *kernel, "all", self.clock)) for kernel in kernels]

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
        """The delays in steps: one number when all synapses share it (also when different
        delays round to the same step), else int64 each."""
        delay = self.variables[pathway.delay_variable]
        dt = self.clock.dt_
        if delay.uniform and self.N:
            return int(np.round(delay.shared_value / dt))
        values = delay.values
        steps = np.empty(len(values), dtype=np.int64)
        for first in range(0, len(values), PIECE):
            steps[first : first + PIECE] = np.round(values[first : first + PIECE] / dt)
        if len(steps) and steps.min() == steps.max():
            return int(steps[0])
        return steps

    def _loop_pathway(self, pathway: SynapticPathway, state: dict):
        """The pathway as both runners see it. Its delay ring stays in the run state from
        run to run (spikes queued at the end of one run arrive in the next); it is laid out
        anew only when its delays, connectivity, dt or time changed (``_laid_out``)."""
        from axonal.codegen.schedule import SynapticPathway as LoopPathway
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
        ring, now = pathway.ring, self.clock.timestep
        ring.join(state)
        layout = RingLayout(now, self.clock.dt_, delays, pointers, order)
        if ring.layout is not None and ring.layout.same_as(layout):
            uniform = ring.layout.uniform
        else:
            pending = _pending(ring, self.clock.dt_, now) if ring.layout is not None else {}
            for key in ring.keys:  # (a ring laid out anew, or none: no delay, nothing queued)
                state.pop(key, None)
            ring.layout = None
            if not np.any(delays) and not pending:
                return loop_pathway
            uniform = _lay_out(ring, state, pending, delays, order, pointers, root.N)
            ring.layout = dataclasses.replace(layout, uniform=uniform)
        delay_key = f"{prefix}_delay_steps"
        if isinstance(delays, int) and not uniform:
            delays = np.full(self.N, delays, dtype=np.int64)
        state[delay_key] = delays
        return dataclasses.replace(loop_pathway, delay=delay_key, heterogeneous_delays=not uniform)

    def at_step_boundary(self, state: dict) -> None:
        """The rings' first slots now stand for the clock's next step."""
        for pathway in self.pathways.values():
            if pathway.ring.layout is not None:
                pathway.ring.layout.step = self.clock.timestep

    def after_run(self) -> None:
        for pathway in self.pathways.values():
            pathway.ring.settle()

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


class DelayRing(RunShare):
    """A pathway's delay ring in the run state (``<synapses>.<pathway>._queue``: one row of
    queued entries per step ahead, ``_queue_n`` entries used per row, ``_queue_cursor`` the
    row of the next step), kept from run to run, and what it was laid out for."""

    def __init__(self, name: str):
        super().__init__(f"{name}.{key}" for key in ("_queue", "_queue_n", "_queue_cursor"))
        self.name = name
        self.layout: RingLayout | None = None

    def snapshot(self) -> dict:
        """The ring as it stands (views: a store copies them)."""
        return {
            "arrays": {k: self.state[k] for k in self.keys if k in self.state},
            "layout": self.layout,
        }

    def restore(self, snapshot: dict) -> None:
        """Take the ring of a ``snapshot`` (a copy the caller gives away)."""
        self.state, self.layout = dict(snapshot["arrays"]), snapshot["layout"]

    def queued(self) -> dict[int, np.ndarray]:
        """The synapses waiting, by the steps ahead (from the next step) they arrive at."""
        if self.layout is None:
            return {}
        return _pending(self, self.layout.dt, self.layout.step)


@dataclasses.dataclass
class RingLayout:
    """What a pathway's delay ring was laid out for: the step its cursor's slot stands for,
    dt, the delays in steps, the connectivity (CSR), and whether a slot holds sources (one
    delay for all: whole rows) or synapses."""

    step: int
    dt: float
    delays: int | np.ndarray
    pointers: np.ndarray
    order: np.ndarray | None
    uniform: bool = False

    def same_as(self, other: RingLayout) -> bool:
        return (
            self.step == other.step
            and self.dt == other.dt
            and _equal(self.delays, other.delays)
            and _equal(self.pointers, other.pointers)
            and _equal(self.order, other.order)
        )


def _equal(a, b) -> bool:
    if a is None or b is None or isinstance(a, int) or isinstance(b, int):
        return type(a) is type(b) and (a is None or np.array_equal(a, b))
    return a.shape == b.shape and np.array_equal(a, b)


def _pending(ring, dt: float, now: int) -> dict[int, np.ndarray]:
    """The synapses queued in ``ring``, by the step (from ``now``) they arrive at: as Brian 2,
    a spike queued under another dt arrives at the nearest step of the new dt to its time;
    spikes due before ``now`` (the time was set back) are dropped."""
    layout, state, name = ring.layout, ring.state, ring.name
    queue, queued = state[f"{name}._queue"], state[f"{name}._queue_n"]
    cursor, slots = int(state[f"{name}._queue_cursor"][0]), len(queued)
    pending: dict[int, list[np.ndarray]] = {}
    for ahead in range(slots):
        slot = (cursor + ahead) % slots
        if not queued[slot]:
            continue
        entries = queue[slot, : queued[slot]].copy()
        if layout.uniform:
            entries = synapses_of(entries, layout.pointers, layout.order)
        step = int(round((layout.step + ahead) * layout.dt / dt))
        if step >= now:
            pending.setdefault(step - now, []).append(entries)
    return {ahead: np.concatenate(arrays) for ahead, arrays in pending.items()}


def _lay_out(ring, state, pending: dict, delays, order, pointers, rows: int) -> bool:
    """A new ring in ``state`` for ``delays`` holding the ``pending`` synapses (by steps
    ahead); returns whether its slots hold sources (one delay for all) or synapses."""
    name = ring.name
    sources = _queued_sources(pending, order, pointers, rows)
    uniform = isinstance(delays, int) and sources is not None
    content = sources if uniform else pending
    slots = int(max([np.max(delays, initial=0), *content])) + 1
    width = rows if uniform else max([1024, *(len(a) for a in content.values())])
    queue = np.zeros((slots, width), np.int64)
    queued = np.zeros(slots, np.int64)
    for ahead, entries in content.items():
        queue[ahead, : len(entries)] = entries
        queued[ahead] = len(entries)
    state[f"{name}._queue"], state[f"{name}._queue_n"] = queue, queued
    state[f"{name}._queue_cursor"] = np.zeros(1, np.int64)
    return uniform


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
    for step, synapses in pending.items():
        placed = synapses if position is None else position[synapses]
        row = np.searchsorted(pointers, placed, side="right") - 1
        starts = np.flatnonzero(np.diff(row, prepend=-1) != 0)
        candidates = row[starts]
        if not np.array_equal(synapses_of(candidates, pointers, order), synapses):
            return None
        found[step] = candidates
        if len(found[step]) > rows:
            return None
    return found
