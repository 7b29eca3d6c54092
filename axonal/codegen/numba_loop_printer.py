"""Prints ``run_loop``: a whole schedule's time loop as the source of one Numba function."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from axonal.codegen.kernel_analysis import NumbaTargetError
from axonal.codegen.numba_functions import function_fingerprints, function_forms
from axonal.codegen.numba_kernel_code import KernelCode
from axonal.codegen.numba_printer import PRINTED_CODE_IMPORTS
from axonal.codegen.numba_selections import FlatSelection, SourceSynapses, open_loop
from axonal.codegen.parameters import Arguments
from axonal.codegen.schedule import (
    OnEvents,
    RateRecording,
    ScheduledItem,
    SpikeGeneration,
    SpikeRecording,
    StateRecording,
    SynapsesOfEvents,
    SynapticPathway,
    detected_events,
    event_keys,
    item_name,
)
from axonal.model.ir import KernelRole

__all__: list[str] = []  # internal room: nothing here is part of the user's namespace


# Why run_loop returned: the run is complete, or Python must grow a buffer and resume.
LOOP_DONE, LOOP_MONITOR_FULL, LOOP_QUEUE_FULL = 0, 1, 2


@dataclass(frozen=True)
class ItemPlan:
    """How the loop runs one scheduled item, decided before its code is printed.

    ``threaded``: the item is a function of its own compiled with ``parallel=True``, its
    elements split between threads. ``scan`` (thresholds only): ``'each'`` tests every element
    once in order, ``'blocks'`` tests blocks of THRESHOLD_BLOCK branch-free first (in chunks
    on threads when ``threaded``). ``code``: the item's printed code, for reading.
    """

    name: str
    role: str | None
    threaded: bool = False
    scan: str | None = None
    code: str = ""


class LoopPrinter:
    """Prints ``run_loop`` for a schedule."""

    def __init__(
        self,
        items: Sequence[ScheduledItem],
        functions: Mapping[str, Callable] | None,
        parallel: bool | Collection[str] = False,
    ):
        self.items = list(items)
        self.parallel = parallel
        self.arguments = Arguments()
        forms = function_forms(functions)
        self.codes = [
            None
            if item.kernel is None
            else KernelCode(item.kernel, f"k{number}_", self.arguments, forms, in_time_loop=True)
            for number, item in enumerate(self.items)
        ]
        self.thresholds = {}  # (owner, event) -> item number of what finds those events
        for number, item in enumerate(self.items):
            key = detected_events(item)
            if key is None:
                continue
            if key in self.thresholds:
                raise NumbaTargetError(f"two scheduled items detect {key[1]!r} of {key[0]!r}")
            self.thresholds[key] = number

    def _events(self, owner: str, event: str, user: str) -> tuple[str, str]:
        if (owner, event) not in self.thresholds:
            raise NumbaTargetError(
                f"{user} needs the {event!r} events of {owner!r}, but no threshold kernel in "
                "the schedule detects them"
            )
        buffer, count = event_keys(owner, event)
        return self.arguments.array(buffer), self.arguments.array(count)

    def plan(self, number: int) -> ItemPlan:
        """How item ``number`` runs (see ItemPlan); its code is printed accordingly."""
        item, code = self.items[number], self.codes[number]
        name = item_name(item)
        if item.kernel is None:
            return ItemPlan(name, None)
        role = item.kernel.role
        if item.selection != "all":
            return ItemPlan(name, role.value)
        on_threads = self._in_parallel(item.kernel.owner)
        if role != KernelRole.THRESHOLD:
            return ItemPlan(name, role.value, threaded=on_threads and code.parallelisable())
        if not code.scans_in_blocks():  # (random draws, user functions: once, in order)
            return ItemPlan(name, role.value, scan="each")
        return ItemPlan(name, role.value, threaded=on_threads, scan="blocks")

    def item_lines(self, number: int, indent: str, plan: ItemPlan) -> list[str]:
        item, code = self.items[number], self.codes[number]
        selection = item.selection
        if isinstance(selection, SpikeRecording):
            return self._recording_lines(number, selection, indent)
        if isinstance(selection, StateRecording):
            return self._state_recording_lines(number, selection, indent)
        if isinstance(selection, SpikeGeneration):
            return self._generation_lines(selection, indent)
        if isinstance(selection, RateRecording):
            return self._rate_recording_lines(number, selection, indent)
        if isinstance(selection, SynapsesOfEvents):
            return self._pathway_lines(number, code, selection.pathway, indent)
        if isinstance(selection, OnEvents):
            events, count = self._events(selection.owner, selection.event, item.kernel.name)
            return code.lines(FlatSelection(f"{count}[0]", events), None, indent)
        size = self.arguments.value(f"{item.kernel.owner}.N", "int64")
        if item.kernel.role != KernelRole.THRESHOLD:
            return code.lines(FlatSelection(size, parallel=plan.threaded), None, indent)
        events, count = event_keys(item.kernel.owner, item.kernel.event)
        events, count = self.arguments.array(events), self.arguments.array(count)
        return code.threshold_lines(size, (events, count), indent, parallel=plan.threaded)

    def _in_parallel(self, owner: str) -> bool:
        if isinstance(self.parallel, bool):
            return self.parallel
        return owner in self.parallel

    def _recording_lines(self, number: int, recording: SpikeRecording, indent: str):
        events, count = self._events(
            recording.source, recording.event, f"spike monitor {recording.monitor!r}"
        )
        indices = self.arguments.array(f"{recording.monitor}.i")
        times = self.arguments.array(f"{recording.monitor}.t")
        used = self.arguments.array(f"{recording.monitor}.n")
        values = [
            f"{indent}    {self.arguments.array(f'{recording.monitor}.{name}')}[_used + _q] = "
            f"{self.arguments.array(key)}[{events}[_q]]"
            for name, key in recording.variables
        ]
        return [
            f"{indent}# spike recording",
            f"{indent}_used = {used}[0]",
            f"{indent}if _used + {count}[0] > {indices}.shape[0]:",
            f"{indent}    return {LOOP_MONITOR_FULL}, _step, {number}",
            f"{indent}for _q in range({count}[0]):",
            f"{indent}    {indices}[_used + _q] = {events}[_q]",
            f"{indent}    {times}[_used + _q] = t",
            *values,
            f"{indent}{used}[0] = _used + {count}[0]",
        ]

    def _state_recording_lines(self, number: int, recording: StateRecording, indent: str):
        times = self.arguments.array(f"{recording.monitor}.t")
        used = self.arguments.array(f"{recording.monitor}.n")
        indices = self.arguments.array(recording.indices)
        lines = [
            f"{indent}# state recording",
            f"{indent}_used = {used}[0]",
            f"{indent}if _used >= {times}.shape[0]:",
            f"{indent}    return {LOOP_MONITOR_FULL}, _step, {number}",
            f"{indent}{times}[_used] = t",
            f"{indent}for _q in range({indices}.shape[0]):",
        ]
        for name, key in recording.variables:
            buffer = self.arguments.array(f"{recording.monitor}.{name}")
            source = self.arguments.array(key)
            lines.append(f"{indent}    {buffer}[_used, _q] = {source}[{indices}[_q]]")
        return [*lines, f"{indent}{used}[0] = _used + 1"]

    def _generation_lines(self, generation: SpikeGeneration, indent: str) -> list[str]:
        events, count = self._events(generation.owner, generation.event, "")
        steps = self.arguments.array(generation.steps)
        indices = self.arguments.array(generation.indices)
        following = self.arguments.array(f"{generation.owner}._generator_next")
        return [
            f"{indent}# spike generation",
            f"{indent}_count = 0",
            f"{indent}_next = {following}[0]",
            f"{indent}while _next < {steps}.shape[0] and {steps}[_next] <= step0 + _step:",
            f"{indent}    if {steps}[_next] == step0 + _step:",
            f"{indent}        {events}[_count] = {indices}[_next]",
            f"{indent}        _count += 1",
            f"{indent}    _next += 1",
            f"{indent}{following}[0] = _next",
            f"{indent}{count}[0] = _count",
        ]

    def _rate_recording_lines(self, number: int, recording: RateRecording, indent: str):
        _, count = self._events(
            recording.source, recording.event, f"rate monitor {recording.monitor!r}"
        )
        times = self.arguments.array(f"{recording.monitor}.t")
        fractions = self.arguments.array(f"{recording.monitor}.fraction")
        used = self.arguments.array(f"{recording.monitor}.n")
        size = self.arguments.value(f"{recording.source}.N", "int64")
        return [
            f"{indent}# rate recording",
            f"{indent}_used = {used}[0]",
            f"{indent}if _used >= {times}.shape[0]:",
            f"{indent}    return {LOOP_MONITOR_FULL}, _step, {number}",
            f"{indent}{times}[_used] = t",
            f"{indent}{fractions}[_used] = {count}[0] / {size}",
            f"{indent}{used}[0] = _used + 1",
        ]

    def _pathway_lines(self, number: int, code, pathway: SynapticPathway, indent: str):
        events, count = self._events(pathway.source, pathway.event, f"pathway {pathway.name!r}")
        indptr = self.arguments.array(pathway.indptr)
        ids = None if pathway.synapse_ids is None else self.arguments.array(pathway.synapse_ids)
        if pathway.delay is None:
            selection = SourceSynapses(events, f"{count}[0]", indptr, ids)
            return code.lines(selection, None, indent)
        queue = self.arguments.array(f"{pathway.name}._queue")
        queued = self.arguments.array(f"{pathway.name}._queue_n")
        cursor = self.arguments.array(f"{pathway.name}._queue_cursor")
        lines = [
            f"{indent}# pathway: queue this step's events, take those arriving now",
            f"{indent}_slots = {queue}.shape[0]",
            f"{indent}_now = {cursor}[0]",
        ]
        if not pathway.heterogeneous_delays:
            delay = self.arguments.value(pathway.delay, "int64")
            lines += [
                f"{indent}_slot = (_now + {delay}) % _slots",
                f"{indent}for _q in range({count}[0]):",
                f"{indent}    {queue}[_slot, {queued}[_slot] + _q] = {events}[_q]",
                f"{indent}{queued}[_slot] += {count}[0]",
                f"{indent}_arrived = {queue}[_now]",
            ]
            selection = SourceSynapses("_arrived", f"{queued}[_now]", indptr, ids)
        else:
            delays = self.arguments.array(pathway.delay)
            pushing, inner = open_loop(SourceSynapses(events, f"{count}[0]", indptr, ids), indent)
            lines += [
                f"{indent}_needed = 0",
                f"{indent}for _q in range({count}[0]):",
                f"{indent}    _needed += {indptr}[{events}[_q] + 1] - {indptr}[{events}[_q]]",
                f"{indent}if _needed > 0 and {queued}.max() + _needed > {queue}.shape[1]:",
                f"{indent}    return {LOOP_QUEUE_FULL}, _step, {number}",
                *pushing,
                f"{inner}_slot = (_now + {delays}[_e]) % _slots",
                f"{inner}{queue}[_slot, {queued}[_slot]] = _e",
                f"{inner}{queued}[_slot] += 1",
                f"{indent}_arrived = {queue}[_now]",
            ]
            selection = FlatSelection(f"{queued}[_now]", "_arrived")
        lines += code.lines(selection, None, indent)
        return [*lines, f"{indent}{queued}[_now] = 0", f"{indent}{cursor}[0] = (_now + 1) % _slots"]

    def source(self, functions: Mapping[str, Callable] | None) -> tuple[str, tuple[ItemPlan, ...]]:
        """The module source defining ``run_loop``, and how it runs each item."""
        # Time as the network's clock has it: the absolute step index times dt.
        body = ["    for _step in range(start_step, n_steps):", "        t = (step0 + _step) * dt"]
        body.append("        _first = start_item if _step == start_step else 0")
        threaded: list[str] = []  # functions of the kernels split between threads
        plans = []
        for number, item in enumerate(self.items):
            due = "" if item.every == 1 else f" and (step0 + _step) % {item.every} == 0"
            body.append(f"        if _first <= {number}{due}:")
            plan = self.plan(number)
            if plan.threaded:
                # A function of its own: ``parallel=True`` on the whole loop made its serial
                # parts (synaptic pathways) 1.6x slower, with or without a prange in them.
                used = self.arguments.record()
                lines = self.item_lines(number, "    ", plan)
                self.arguments.recorded = None
                names = ["t", "dt", *self.arguments.parameters()]
                call = f"_threaded_{number}({', '.join(n for n in names if n in used)})"
                threaded += [
                    "",
                    "@njit(cache=True, error_model='numpy', parallel=True)",
                    f"def {call}:",
                    *lines,
                ]
                body.append(f"            {call}")
            else:
                lines = self.item_lines(number, "            ", plan)
                body += lines
            plans.append(dataclasses.replace(plan, code="\n".join(lines)))
        body.append(f"    return {LOOP_DONE}, n_steps, 0")
        parameters = ["n_steps", "dt", "step0", "start_step", "start_item"]
        parameters += self.arguments.parameters()
        header = [
            '"""Generated by axonal: the time loop of a network; do not edit."""',
            *function_fingerprints(functions),
            PRINTED_CODE_IMPORTS,
            *threaded,
            "",
            "@njit(cache=True, error_model='numpy')",
            f"def run_loop({', '.join(parameters)}):",
        ]
        return "\n".join(header + body) + "\n", tuple(plans)
