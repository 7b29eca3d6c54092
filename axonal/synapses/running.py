"""How Synapses run: their kernels and pathways as scheduled items (for both runners),
delays and spike queues, summed variables (the run protocol of ``Synapses``)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np

from axonal.codegen.schedule import synapses_of
from axonal.groups.state_updates import cached_state_update
from axonal.model.dependencies import differential_right_hand_sides, substitute_names
from axonal.model.dimensions import check_equations
from axonal.model.equations import Equations
from axonal.model.ir import Expression, KernelRole, Statement
from axonal.network.base import RunContext, schedule_key
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

    def scheduled_items(self, context: RunContext) -> list[tuple[tuple, object]]:
        """Clock-driven update over all synapses, each pathway over the synapses its events
        reach, summed variables as two kernels."""
        from axonal.codegen.schedule import SynapsesOfEvents
        from axonal.network.fused import kernel_item

        self._ring_queues: dict[str, tuple] = {}
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
        now = self.clock.timestep
        queued = pathway.queue.snapshot()
        pending = {step: a for step, a in queued.items() if step >= now}
        # The ring buffer holds them during the run; fused_results puts back what is left
        # (the queue itself is left as it is until then: a run planned but not run loses none).
        stale = {step: a for step, a in queued.items() if step < now}
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
        self._ring_queues[pathway.name] = (loop_pathway, order, pointers, stale)
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
        for name, (loop_pathway, order, pointers, stale) in self._ring_queues.items():
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
                        entries = synapses_of(entries, pointers, order)
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
            if not np.array_equal(synapses_of(candidates, pointers, order), synapses):
                return None
            sources.append(candidates)
        found[step] = np.concatenate(sources)
        if len(found[step]) > rows:
            return None
    return found
