"""Prints ``run_loop``: a whole schedule's time loop as the source of one Numba function."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence

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
)
from axonal.model.ir import KernelRole

__all__: list[str] = []  # internal room: nothing here is part of the user's namespace


# Why run_loop returned: the run is complete, or Python must grow a buffer and resume.
LOOP_DONE, LOOP_MONITOR_FULL, LOOP_QUEUE_FULL = 0, 1, 2


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

    def item_lines(self, number: int, indent: str) -> list[str]:
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
        parallel = self._in_parallel(item.kernel.owner)
        if item.kernel.role != KernelRole.THRESHOLD:
            parallel = parallel and code.parallelisable()
            return code.lines(FlatSelection(size, parallel=parallel), None, indent)
        events, count = event_keys(item.kernel.owner, item.kernel.event)
        events, count = self.arguments.array(events), self.arguments.array(count)
        return code.threshold_lines(size, (events, count), indent, parallel=parallel)

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
        return [
            f"{indent}# spike recording",
            f"{indent}_used = {used}[0]",
            f"{indent}if _used + {count}[0] > {indices}.shape[0]:",
            f"{indent}    return {LOOP_MONITOR_FULL}, _step, {number}",
            f"{indent}for _q in range({count}[0]):",
            f"{indent}    {indices}[_used + _q] = {events}[_q]",
            f"{indent}    {times}[_used + _q] = t",
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

    def source(self, functions: Mapping[str, Callable] | None) -> str:
        # Time as the network's clock has it: the absolute step index times dt.
        body = ["    for _step in range(start_step, n_steps):", "        t = (step0 + _step) * dt"]
        body.append("        _first = start_item if _step == start_step else 0")
        parameters = ["n_steps", "dt", "step0", "start_step", "start_item"]
        threaded: list[str] = []  # functions of the kernels split between threads
        for number, item in enumerate(self.items):
            due = "" if item.every == 1 else f" and (step0 + _step) % {item.every} == 0"
            body.append(f"        if _first <= {number}{due}:")
            lines = self.item_lines(number, "            ")
            if any("prange(" in line for line in lines):
                call, function = _threaded_function(
                    f"_threaded_{number}", lines, [*parameters, "t"] + self.arguments.parameters()
                )
                body.append(f"            {call}")
                threaded += ["", function]
            else:
                body += lines
        body.append(f"    return {LOOP_DONE}, n_steps, 0")
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
        return "\n".join(header + body) + "\n"


def _threaded_function(name: str, lines: list[str], names: list[str]) -> tuple[str, str]:
    """A kernel's lines as a function of its own compiled with ``parallel=True``, and the
    line calling it. Only the kernel: ``parallel=True`` on the whole loop made its serial
    parts (synaptic pathways) 1.6x slower, with or without a prange in it."""
    text = "\n".join(line[12:] for line in lines)  # item lines sit 12 spaces deep
    used = set(re.findall(r"\b[A-Za-z_]\w*\b", text))
    arguments = ", ".join(dict.fromkeys(n for n in names if n in used))
    function = [
        "@njit(cache=True, error_model='numpy', parallel=True)",
        f"def {name}({arguments}):",
        *("    " + line for line in text.split("\n")),
    ]
    return f"{name}({arguments})", "\n".join(function)
