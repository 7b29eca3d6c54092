"""Prints ``run_loop``: a whole schedule's time loop as the source of one Numba function."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from axonal.codegen import numba_kernel_code
from axonal.codegen.kernel_analysis import NumbaTargetError
from axonal.codegen.loop_families import (
    FAMILY_MIN_OCCURRENCES,
    LOOP_NAMES,
    Family,
    FamilyArguments,
    register_occurrence,
    repeated_runs,
)
from axonal.codegen.loop_tree import (
    For,
    Function,
    If,
    Line,
    Node,
    While,
    print_nodes,
    runs_on_threads,
)
from axonal.codegen.loop_views import VIEWS_VERSION
from axonal.codegen.numba_functions import function_fingerprints, function_forms
from axonal.codegen.numba_kernel_code import KernelCode
from axonal.codegen.numba_printer import PRINTED_CODE_IMPORTS
from axonal.codegen.numba_selections import FlatSelection, SourceSynapses, open_loop
from axonal.codegen.parameters import Arguments
from axonal.codegen.schedule import (
    CompiledCall,
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
    on threads when ``threaded``), ``chunk`` elements each (THRESHOLD_CHUNK when printed).
    ``code``: the item's printed code, for reading.
    """

    name: str
    role: str | None
    threaded: bool = False
    scan: str | None = None
    chunk: int = 0
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
        self.forms = function_forms(functions)
        self.thresholds = {}  # (owner, event) -> item number of what finds those events
        for number, item in enumerate(self.items):
            key = detected_events(item)
            if key is None:
                continue
            if key in self.thresholds:
                raise NumbaTargetError(f"two scheduled items detect {key[1]!r} of {key[0]!r}")
            self.thresholds[key] = number
        self.codes: list[KernelCode | None] = [None] * len(self.items)
        self._in_function = False  # printing an item's own function (see _full)
        self._returns = False  # whether that function may return a status
        self._find_families()
        for number, item in enumerate(self.items):
            if self.family_of[number] is None and item.kernel is not None:
                self.codes[number] = KernelCode(
                    item.kernel, f"k{number}_", self.arguments, self.forms, in_time_loop=True
                )

    def _find_families(self) -> None:
        """Print each item as a function of its own; items printing the same function at
        least FAMILY_MIN_OCCURRENCES times share it (see ``loop_families``)."""
        printed = [self._own_function(number) for number in range(len(self.items))]
        self.family_plans = [plan for *_, plan in printed]
        counts: dict[str, int] = {}
        for text, *_ in printed:
            counts[text] = counts.get(text, 0) + 1
        self.families: list[Family] = []
        self.family_table = Arguments()  # the families' parameters, per occurrence
        self.family_of: list[tuple[Family, int] | None] = []  # (family, occurrence)
        by_text: dict[str, Family] = {}
        for text, function, local, returns, _ in printed:
            if counts[text] < FAMILY_MIN_OCCURRENCES:
                self.family_of.append(None)
                continue
            family = by_text.get(text)
            if family is None:
                name = f"_item_{len(self.families)}"
                function = dataclasses.replace(function, name=name)
                family = Family(name, function, local.parameters(), returns)
                by_text[text] = family
                self.families.append(family)
            occurrence = register_occurrence(family, local, self.family_table)
            self.family_of.append((family, occurrence))

    def _own_function(self, number: int) -> tuple[str, Function, Arguments, bool, ItemPlan]:
        """Item ``number`` printed as a function with parameters numbered for it alone (the
        same code for any owner): its text, the function, its parameter table, whether it
        returns a status, its plan."""
        item = self.items[number]
        # The item printers name parameters through self.arguments: a fresh table numbers
        # them for this item alone (restored below).
        arguments, local = self.arguments, Arguments()
        self.arguments, self._in_function, self._returns = local, True, False
        if item.kernel is not None:
            self.codes[number] = KernelCode(item.kernel, "k_", local, self.forms, True)
        try:
            plan = self.plan(number)
            nodes = self.item_nodes(number, plan)
            returns = self._returns
        finally:
            self.arguments, self._in_function, self.codes[number] = arguments, False, None
        if runs_on_threads(nodes) != plan.threaded:
            raise NumbaTargetError(f"item {plan.name!r} was printed against its plan")
        decorator = _DECORATOR + _CALLED_FROM_THE_LOOP
        decorator += ", parallel=True)" if plan.threaded else ")"
        body = [*nodes, Line("return 0")]
        function = Function("_item", [*local.parameters(), *LOOP_NAMES], body, decorator)
        text = "\n".join(print_nodes([function]))
        return text, function, local, returns, dataclasses.replace(plan, code=text)

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
        chunk = numba_kernel_code.THRESHOLD_CHUNK if on_threads else 0  # (as threshold_nodes)
        return ItemPlan(name, role.value, threaded=on_threads, scan="blocks", chunk=chunk)

    def item_nodes(self, number: int, plan: ItemPlan) -> list[Node]:
        item, code = self.items[number], self.codes[number]
        selection = item.selection
        if isinstance(selection, SpikeRecording):
            return self._recording_nodes(number, selection)
        if isinstance(selection, StateRecording):
            return self._state_recording_nodes(number, selection)
        if isinstance(selection, SpikeGeneration):
            return self._generation_nodes(selection)
        if isinstance(selection, RateRecording):
            return self._rate_recording_nodes(number, selection)
        if isinstance(selection, CompiledCall):
            return self._call_nodes(number, selection)
        if isinstance(selection, SynapsesOfEvents):
            return self._pathway_nodes(number, code, selection.pathway)
        if isinstance(selection, OnEvents):
            events, count = self._events(selection.owner, selection.event, item.kernel.name)
            return code.nodes(FlatSelection(f"{count}[0]", events), None)
        size = self.arguments.value(f"{item.kernel.owner}.N", "int64")
        if item.kernel.role != KernelRole.THRESHOLD:
            return code.nodes(FlatSelection(size, parallel=plan.threaded), None)
        events, count = event_keys(item.kernel.owner, item.kernel.event)
        events, count = self.arguments.array(events), self.arguments.array(count)
        return code.threshold_nodes(size, (events, count), parallel=plan.threaded)

    def _in_parallel(self, owner: str) -> bool:
        if isinstance(self.parallel, bool):
            return self.parallel
        return owner in self.parallel

    def _full(self, number: int, condition: str, status: int = LOOP_MONITOR_FULL) -> If:
        """Return to Python to grow a buffer, then resume at this step and item (an item's
        own function returns the status, and the loop returns for it)."""
        if self._in_function:
            self._returns = True
            return If(condition, [Line(f"return {status}")])
        return If(condition, [Line(f"return {status}, _step, {number}")])

    def _recording_nodes(self, number: int, recording: SpikeRecording) -> list[Node]:
        events, count = self._events(
            recording.source, recording.event, f"spike monitor {recording.monitor!r}"
        )
        indices = self.arguments.array(f"{recording.monitor}.i")
        times = self.arguments.array(f"{recording.monitor}.t")
        used = self.arguments.array(f"{recording.monitor}.n")
        values = [
            Line(
                f"{self.arguments.array(f'{recording.monitor}.{name}')}[_used + _q] = "
                f"{self.arguments.array(key)}[{events}[_q]]"
            )
            for name, key in recording.variables
        ]
        appended = [
            Line(f"{indices}[_used + _q] = {events}[_q]"),
            Line(f"{times}[_used + _q] = t"),
            *values,
        ]
        return [
            Line("# spike recording"),
            Line(f"_used = {used}[0]"),
            self._full(number, f"_used + {count}[0] > {indices}.shape[0]"),
            For("_q", (f"{count}[0]",), appended),
            Line(f"{used}[0] = _used + {count}[0]"),
        ]

    def _state_recording_nodes(self, number: int, recording: StateRecording) -> list[Node]:
        times = self.arguments.array(f"{recording.monitor}.t")
        used = self.arguments.array(f"{recording.monitor}.n")
        indices = self.arguments.array(recording.indices)
        nodes = [
            Line("# state recording"),
            Line(f"_used = {used}[0]"),
            self._full(number, f"_used >= {times}.shape[0]"),
            Line(f"{times}[_used] = t"),
        ]
        row = For("_q", (f"{indices}.shape[0]",))
        for name, key in recording.variables:
            buffer = self.arguments.array(f"{recording.monitor}.{name}")
            source = self.arguments.array(key)
            row.body.append(Line(f"{buffer}[_used, _q] = {source}[{indices}[_q]]"))
        return [*nodes, row, Line(f"{used}[0] = _used + 1")]

    def _generation_nodes(self, generation: SpikeGeneration) -> list[Node]:
        events, count = self._events(generation.owner, generation.event, "")
        steps = self.arguments.array(generation.steps)
        indices = self.arguments.array(generation.indices)
        following = self.arguments.array(f"{generation.owner}._generator_next")
        now = [Line(f"{events}[_count] = {indices}[_next]"), Line("_count += 1")]
        due = [If(f"{steps}[_next] == step0 + _step", now), Line("_next += 1")]
        return [
            Line("# spike generation"),
            Line("_count = 0"),
            Line(f"_next = {following}[0]"),
            While(f"_next < {steps}.shape[0] and {steps}[_next] <= step0 + _step", due),
            Line(f"{following}[0] = _next"),
            Line(f"{count}[0] = _count"),
        ]

    def _rate_recording_nodes(self, number: int, recording: RateRecording) -> list[Node]:
        events, count = self._events(
            recording.source, recording.event, f"rate monitor {recording.monitor!r}"
        )
        times = self.arguments.array(f"{recording.monitor}.t")
        fractions = self.arguments.array(f"{recording.monitor}.fraction")
        used = self.arguments.array(f"{recording.monitor}.n")
        counted: list[Node] = []
        if recording.span is None:
            size = self.arguments.value(f"{recording.source}.N", "int64")
            fraction = f"{count}[0] / {size}"
        else:  # a subgroup: the events in its range of the source's elements
            first = self.arguments.value(recording.span[0], "int64")
            size = self.arguments.value(recording.span[1], "int64")
            inside = f"{first} <= {events}[_k] < {first} + {size}"
            counted = [
                Line("_inside = 0"),
                For("_k", (f"{count}[0]",), [If(inside, [Line("_inside += 1")])]),
            ]
            fraction = f"_inside / {size}"
        return [
            Line("# rate recording"),
            Line(f"_used = {used}[0]"),
            self._full(number, f"_used >= {times}.shape[0]"),
            *counted,
            Line(f"{times}[_used] = t"),
            Line(f"{fractions}[_used] = {fraction}"),
            Line(f"{used}[0] = _used + 1"),
        ]

    def _call_nodes(self, number: int, call: CompiledCall) -> list[Node]:
        arguments = [self.arguments.array(key) for key in call.arrays]
        arguments += [self.arguments.value(key, "float64") for key in call.values]
        arguments.append(self.arguments.use("dt"))
        return [Line(f"{_call_name(call)}({', '.join(arguments)})")]

    def _pathway_nodes(self, number: int, code, pathway: SynapticPathway) -> list[Node]:
        events, count = self._events(pathway.source, pathway.event, f"pathway {pathway.name!r}")
        indptr = self.arguments.array(pathway.indptr)
        ids = None if pathway.synapse_ids is None else self.arguments.array(pathway.synapse_ids)
        if pathway.delay is None:
            return code.nodes(SourceSynapses(events, f"{count}[0]", indptr, ids), None)
        queue = self.arguments.array(f"{pathway.name}._queue")
        queued = self.arguments.array(f"{pathway.name}._queue_n")
        cursor = self.arguments.array(f"{pathway.name}._queue_cursor")
        nodes: list[Node] = [
            Line("# pathway: queue this step's events, take those arriving now"),
            Line(f"_slots = {queue}.shape[0]"),
            Line(f"_now = {cursor}[0]"),
        ]
        if not pathway.heterogeneous_delays:
            delay = self.arguments.value(pathway.delay, "int64")
            pushed = Line(f"{queue}[_slot, {queued}[_slot] + _q] = {events}[_q]")
            nodes += [
                Line(f"_slot = (_now + {delay}) % _slots"),
                For("_q", (f"{count}[0]",), [pushed]),
                Line(f"{queued}[_slot] += {count}[0]"),
                Line(f"_arrived = {queue}[_now]"),
            ]
            selection = SourceSynapses("_arrived", f"{queued}[_now]", indptr, ids)
        else:
            delays = self.arguments.array(pathway.delay)
            pushing, body = open_loop(SourceSynapses(events, f"{count}[0]", indptr, ids))
            body += [
                Line(f"_slot = (_now + {delays}[_e]) % _slots"),
                Line(f"{queue}[_slot, {queued}[_slot]] = _e"),
                Line(f"{queued}[_slot] += 1"),
            ]
            needed = Line(f"_needed += {indptr}[{events}[_q] + 1] - {indptr}[{events}[_q]]")
            full = f"_needed > 0 and {queued}.max() + _needed > {queue}.shape[1]"
            nodes += [
                Line("_needed = 0"),
                For("_q", (f"{count}[0]",), [needed]),
                self._full(number, full, LOOP_QUEUE_FULL),
                *pushing,
                Line(f"_arrived = {queue}[_now]"),
            ]
            selection = FlatSelection(f"{queued}[_now]", "_arrived")
        nodes += code.nodes(selection, None)
        return [*nodes, Line(f"{queued}[_now] = 0"), Line(f"{cursor}[0] = (_now + 1) % _slots")]

    def _inline_nodes(self, number: int, threaded: list[Node]) -> tuple[list[Node], ItemPlan]:
        """Item ``number`` printed into the loop (a threaded one as a function of its own,
        appended to ``threaded``), and its plan."""
        plan = self.plan(number)
        used = self.arguments.record()
        nodes = self.item_nodes(number, plan)
        self.arguments.recorded = None
        if runs_on_threads(nodes) != plan.threaded:
            raise NumbaTargetError(f"item {plan.name!r} was printed against its plan")
        plan = dataclasses.replace(plan, code="\n".join(print_nodes(nodes)))
        if not plan.threaded:
            return nodes, plan
        # A function of its own: ``parallel=True`` on the whole loop made its serial parts
        # (synaptic pathways) 1.6x slower, with or without a prange in them.
        names = ["t", "dt", *self.arguments.parameters()]
        parameters = [name for name in names if name in used]
        name = f"_threaded_{number}"
        decorator = _DECORATOR + _CALLED_FROM_THE_LOOP + ", parallel=True)"
        threaded.append(Function(name, parameters, nodes, decorator))
        return [Line(f"{name}({', '.join(parameters)})")], plan

    def _family_nodes(self, start: int, period: int, repeats: int) -> list[Node]:
        """Items ``start`` to ``start + period*repeats - 1``, all of families, as calls of
        their functions (a loop ``_o`` over the repeats of the pattern when it repeats)."""
        body: list[Node] = []
        pattern = [self.family_of[start + j] for j in range(period)]
        batched = self._batched_positions(start, period, repeats)
        for j, (family, occurrence) in enumerate(pattern):
            every = self.items[start + j].every
            due = "" if every == 1 else f" and (step0 + _step) % {every} == 0"
            if j in batched:
                continue
            self._called.add(family.name)
            if repeats == 1:
                number, which = str(start + j), str(occurrence)
            else:  # occurrences of one family in one pattern: consecutive per repeat
                per_repeat = sum(1 for other, _ in pattern if other is family)
                number = _plus(start + j, "_o", period)
                which = _plus(occurrence, "_o", per_repeat)
            arguments = [
                f"_view({witness}, {container}, {which})"
                for witness, container in map(family.pair, range(len(family.slots)))
            ]
            call = f"{family.name}({', '.join([*arguments, *LOOP_NAMES])})"
            if family.returns:
                returned = If("_status != 0", [Line(f"return _status, _step, {number}")])
                calls = [Line(f"_status = {call}"), returned]
            else:
                calls = [Line(call)]
            body.append(If(f"_first <= {number}{due}", calls))
        if repeats == 1:
            return body
        nodes: list[Node] = [For("_o", (str(repeats),), body)]
        for j in batched:  # after the loop: all owners' calls in one
            family, occurrence = pattern[j]
            every = self.items[start + j].every
            due = "" if every == 1 else f" and (step0 + _step) % {every} == 0"
            per_repeat = sum(1 for other, _ in pattern if other is family)
            pairs = [name for slot in range(len(family.slots)) for name in family.pair(slot)]
            counts = [str(occurrence), str(per_repeat), str(repeats), self.arguments.use("dt")]
            call = self.items[start + j].selection
            self._batched_calls[call.batched] = call
            printed = f"{_call_name(call, batched=True)}({', '.join([*pairs, *counts])})"
            nodes.append(If(f"_first <= {start}{due}", [Line(printed)]))
        return nodes

    def _batched_positions(self, start: int, period: int, repeats: int) -> list[int]:
        """Positions in a repeated pattern of CompiledCalls printed as one call for all
        owners after the loop over them (``CompiledCall.batched``). Only trailing ones (nothing
        of the same owner follows them), when no item of the pattern can return (so the loop
        never resumes inside it) and the owners' items share no array (so moving an owner's
        call after the next owners' items changes nothing)."""
        pattern = [self.family_of[start + j] for j in range(period)]
        if repeats == 1 or any(family.returns for family, _ in pattern):
            return []
        positions = []
        for j in range(period - 1, -1, -1):
            call = self.items[start + j].selection
            family = pattern[j][0]
            if not (isinstance(call, CompiledCall) and call.batched):
                break
            if len(set(call.arrays)) + len(call.values) != len(family.slots):
                break  # an array passed twice: the slots are not the call's parameters
            positions.insert(0, j)
        if not positions or not self._owners_independent(start, period, repeats):
            return []
        return positions

    def _owners_independent(self, start: int, period: int, repeats: int) -> bool:
        """Whether no state array is used by the items of two repeats of a pattern."""
        keys_of = {identifier: key for key, identifier in self.family_table.arrays.items()}
        seen: set[str] = set()
        for repeat in range(repeats):
            keys: set[str] = set()
            for number in range(start + repeat * period, start + (repeat + 1) * period):
                family, occurrence = self.family_of[number]
                identifiers = family.occurrences[occurrence]
                keys.update(keys_of[i] for i in identifiers if i in keys_of)
            if keys & seen:
                return False
            seen |= keys
        return True

    def source(self, functions: Mapping[str, Callable] | None) -> tuple[str, tuple[ItemPlan, ...]]:
        """The module source defining ``run_loop``, and how it runs each item."""
        steps: list[Node] = [
            # Time as the network's clock has it: the absolute step index times dt.
            Line("t = (step0 + _step) * dt"),
            Line("_first = start_item if _step == start_step else 0"),
        ]
        threaded: list[Node] = []  # functions of the kernels split between threads
        self._batched_calls: dict[str, CompiledCall] = {}  # printed for many owners at once
        self._called: set[str] = set()  # families called per owner (not only batched)
        plans: list[ItemPlan | None] = [None] * len(self.items)
        keys = [None if of is None else (of[0].name, item.every)
                for of, item in zip(self.family_of, self.items, strict=True)]  # fmt: skip
        for start, period, repeats in repeated_runs(keys):
            if keys[start] is not None:
                steps += self._family_nodes(start, period, repeats)
                for number in range(start, start + period * repeats):
                    plans[number] = self.family_plans[number]
                continue
            item = self.items[start]
            due = "" if item.every == 1 else f" and (step0 + _step) % {item.every} == 0"
            nodes, plans[start] = self._inline_nodes(start, threaded)
            steps.append(If(f"_first <= {start}{due}", nodes))
        parameters = ["n_steps", "dt", "step0", "start_step", "start_item"]
        parameters += self.arguments.parameters()
        parameters += [name for family in self.families for name in family.parameters()]
        run_loop = Function(
            "run_loop",
            parameters,
            [
                For("_step", ("start_step", "n_steps"), steps),
                Line(f"return {LOOP_DONE}, n_steps, 0"),
            ],
            _DECORATOR + _NO_CFUNC_WRAPPER + ")",
        )
        header = [
            '"""Generated by axonal: the time loop of a network; do not edit."""',
            *function_fingerprints(functions),
            PRINTED_CODE_IMPORTS,
        ]
        calls = {
            (item.selection.function, item.selection.version): item.selection
            for item in self.items
            if isinstance(item.selection, CompiledCall)
        }
        for (function, version), call in sorted(calls.items()):
            module, name = function.split(":")
            header.append(f"from {module} import {name} as {_call_name(call)}")
            header.append(f"# {function}: version {version}")
        for batched, call in sorted(self._batched_calls.items()):
            module, name = batched.split(":")
            header.append(f"from {module} import {name} as {_call_name(call, batched=True)}")
        if self.families:
            header.append("from axonal.codegen.loop_views import slot_value as _view")
            header.append(f"# loop views: version {VIEWS_VERSION}")
        called = [family.function for family in self.families if family.name in self._called]
        for function in [*threaded, *called]:
            header += ["", *print_nodes([function])]
        lines = [*header, "", *print_nodes([run_loop])]
        return "\n".join(lines) + "\n", tuple(plans)

    def family_arguments(self, functions: Mapping[str, Callable] | None) -> FamilyArguments:
        """What the loop is passed for its families' containers (see ``loop_families``)."""
        return FamilyArguments.of(self.family_table, self.families, functions)


def _plus(first: int, variable: str, factor: int) -> str:
    """``first + variable * factor`` as short code."""
    term = variable if factor == 1 else f"{variable} * {factor}"
    return term if first == 0 else f"{first} + {term}"


def _call_name(call: CompiledCall, batched: bool = False) -> str:
    """The name a compiled function (or its version for many owners) is imported under in
    the loop's module."""
    function = call.batched if batched else call.function
    return "_call_" + function.replace(".", "_").replace(":", "__")


_DECORATOR = "@njit(cache=True, error_model='numpy'"
# Besides a function, Numba compiles a C-callable wrapper of it (for use as a first-class
# function) and a CPython wrapper (to call it from Python), each at a cost in compile time
# (CUBA's loop: about 0.02-0.03 s for the C one). run_loop needs only the CPython one, a
# function that only run_loop calls neither.
_NO_CFUNC_WRAPPER = ", no_cfunc_wrapper=True"
_CALLED_FROM_THE_LOOP = ", no_cpython_wrapper=True" + _NO_CFUNC_WRAPPER
