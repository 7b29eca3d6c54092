"""The stepped run: the objects' schedule interpreted one time step at a time in Python.

The NumPy target runs every network this way, the Numba target those it cannot fuse into one
compiled loop (user Python code each step, clocks that are not multiples of the finest one,
functions without a Numba implementation, ``profile=True``). It reads the same
``ScheduledItem`` records as the compiled loop (``axonal.network.fused``): each kernel item
becomes a call of its kernel (compiled for the run's target) on its selection, each recording
appends to the same buffers in the run's state, each pathway's delayed events wait in the same
ring buffer. Monitors read their buffers in the run's state directly (during the run too: a
network_operation reads them up to the current step), as groups their last events and
pathways their delay rings; ``at_step_boundary`` tells the objects where the run got to (its
end, each progress report).
User Python code (``network_operation``) is the only work given as ``operations()``.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

from axonal.codegen.loop_buffers import grown, recording_buffers
from axonal.codegen.schedule import (
    CompiledCall,
    OnEvents,
    RateRecording,
    ScheduledItem,
    SpikeGeneration,
    SpikeRecording,
    StateRecording,
    SynapsesOfEvents,
    detected_events,
    event_keys,
    item_name,
    spikes_of_step,
    synapses_of,
)
from axonal.model.ir import KernelRole
from axonal.network.base import Operation, RunContext, SimulationObject
from axonal.network.clock import Clock

__all__: list[str] = []  # internal room: nothing here is part of the user's namespace

_MONITOR_CAPACITY = 1024  # first size of a recording's buffers (doubled when full)


@dataclass
class _Planned:
    """The schedule of a stepped run: operations in order, the state they share."""

    operations: list[Operation]
    events: dict[str, np.ndarray]  # the last events of each owner, by event buffer key
    counters: list[str]  # state keys of the small arrays a step moves on (buffer fill, cursors)
    user_code: list[bool]  # for each operation: whether it is user code


def stepped_operations(objects: list[SimulationObject], context: RunContext) -> _Planned:
    """The operations of one time step: each object's scheduled items made callable over
    ``context.state``, and the ``operations()`` of objects that run user Python code; in
    schedule order."""
    context.loop_dt = None  # kernels read the time of their own clock (``'<clock>.t'``)
    state = context.state
    keyed: list[tuple[tuple, object]] = []
    for obj in objects:
        if type(obj).scheduled_items is SimulationObject.scheduled_items:  # user code
            obj.before_run(context)
            keyed.extend((op.sort_key(), op) for op in obj.operations())
            continue
        context.kernel_functions = {}
        items = obj.scheduled_items(context)
        if items is None:  # (only the compiled loop may be refused an object's work)
            raise TypeError(f"{obj.name} ({type(obj).__name__}) gave no scheduled items")
        for key, item in items:
            keyed.append((key, (obj, item, context.kernel_functions.get(id(item), {}))))
    keyed.sort(key=lambda pair: pair[0])  # stable: an object's items keep their order
    events: dict[str, np.ndarray] = {}
    counters: list[str] = []
    for _, entry in keyed:
        if isinstance(entry, tuple):
            _note_buffers(entry[1], state, events, counters)
    operations, user_code = [], []
    for _, entry in keyed:
        user_code.append(isinstance(entry, Operation))
        if isinstance(entry, Operation):
            operations.append(entry)
            continue
        obj, item, functions = entry
        function = _step_function(item, functions, obj.clock, context, events)
        when = obj.when if item.kernel is None else item.kernel.when
        order = obj.order if item.kernel is None else item.kernel.order
        operations.append(Operation(obj, when, order, function, _operation_name(item)))
    return _Planned(operations, events, counters, user_code)


def _operation_name(item: ScheduledItem) -> str:
    selection = item.selection
    if item.kernel is not None:
        return item.kernel.name
    if isinstance(selection, SpikeGeneration):
        return f"{selection.owner}.emit"
    if isinstance(selection, CompiledCall):
        return f"{selection.owner}.{selection.function.split(':')[1]}"
    return f"{item_name(item)}.record"


def _note_buffers(item: ScheduledItem, state: dict, events: dict, counters: list) -> None:
    """Allocate the item's buffers in the state (as the compiled loop's ``prepare`` does) and
    note the last events of the owners it detects."""
    selection = item.selection
    detected = detected_events(item)
    if detected is not None:
        buffer_key, count_key = event_keys(*detected)
        if buffer_key in state:  # the last step's events (see fused.load_events)
            events[buffer_key] = state[buffer_key][: state[count_key][0]].copy()
        else:
            events[buffer_key] = np.zeros(0, np.int64)
        if isinstance(selection, SpikeGeneration):
            counters.append(f"{selection.owner}._generator_next")
        return
    read = _events_read(selection)
    if read is not None:  # (a source outside the run has no events)
        events.setdefault(event_keys(*read)[0], np.zeros(0, np.int64))
    if isinstance(selection, SpikeRecording | StateRecording | RateRecording):
        for key, shape, dtype in recording_buffers(state, selection, _MONITOR_CAPACITY):
            if key not in state:
                state[key] = np.zeros(shape, dtype)
        counters.append(f"{selection.monitor}.n")
    elif isinstance(selection, SynapsesOfEvents) and selection.pathway.delay is not None:
        name = selection.pathway.name
        counters += [f"{name}._queue_n", f"{name}._queue_cursor"]


def _events_read(selection) -> tuple[str, str] | None:
    """(owner, event) whose events an item reads."""
    if isinstance(selection, OnEvents):
        return selection.owner, selection.event
    if isinstance(selection, SynapsesOfEvents):
        return selection.pathway.source, selection.pathway.event
    if isinstance(selection, SpikeRecording | RateRecording):
        return selection.source, selection.event
    return None


def _step_function(item, functions, clock: Clock, context: RunContext, events) -> Callable:
    """What ``item`` does in one step, as a function without arguments."""
    state, selection = context.state, item.selection
    if isinstance(selection, SpikeRecording):
        return partial(_record_events, state, events, selection, clock)
    if isinstance(selection, StateRecording):
        return partial(_record_state, state, selection, clock)
    if isinstance(selection, RateRecording):
        return partial(_record_rate, state, events, selection, clock)
    if isinstance(selection, SpikeGeneration):
        return partial(_generate, state, events, selection, clock)
    if isinstance(selection, CompiledCall):
        return _compiled_call(state, selection, clock)
    from axonal.codegen.targets import compile_kernel

    kernel = item.kernel
    compiled = compile_kernel(kernel, functions, context.target)
    if isinstance(selection, OnEvents):
        return partial(
            _on_events, compiled, state, events, event_keys(selection.owner, selection.event)[0]
        )
    if isinstance(selection, SynapsesOfEvents):
        return _pathway_step(compiled, state, events, selection.pathway)
    if kernel.role == KernelRole.THRESHOLD:
        return partial(_detect, compiled, state, events, event_keys(kernel.owner, kernel.event)[0])
    return partial(compiled, state)


# -- what each kind of item does in a step ------------------------------------------------------


def _detect(compiled, state, events, key) -> None:
    events[key] = compiled(state)


def _on_events(compiled, state, events, key) -> None:
    found = events[key]
    if len(found):
        compiled(state, found)


def _record_events(state, events, recording: SpikeRecording, clock: Clock) -> None:
    found = events[event_keys(recording.source, recording.event)[0]]
    count = len(found)
    if not count:
        return
    monitor = recording.monitor
    used = state[f"{monitor}.n"]
    first = int(used[0])
    if first + count > len(state[f"{monitor}.t"]):
        _grow_recording(state, recording, first + count)
    end = first + count
    state[f"{monitor}.i"][first:end] = found
    state[f"{monitor}.t"][first:end] = clock.t_
    for name, key in recording.variables:
        state[f"{monitor}.{name}"][first:end] = state[key][found]
    used[0] = end


def _record_state(state, recording: StateRecording, clock: Clock) -> None:
    monitor = recording.monitor
    used = state[f"{monitor}.n"]
    row = int(used[0])
    if row >= len(state[f"{monitor}.t"]):
        _grow_recording(state, recording, row + 1)
    state[f"{monitor}.t"][row] = clock.t_
    positions = state[recording.indices]
    for name, key in recording.variables:
        state[f"{monitor}.{name}"][row] = state[key][positions]
    used[0] = row + 1


def _record_rate(state, events, recording: RateRecording, clock: Clock) -> None:
    monitor = recording.monitor
    used = state[f"{monitor}.n"]
    row = int(used[0])
    if row >= len(state[f"{monitor}.t"]):
        _grow_recording(state, recording, row + 1)
    found = events[event_keys(recording.source, recording.event)[0]]
    if recording.span is None:
        count, size = len(found), state[f"{recording.source}.N"]
    else:
        first, size = (int(state[key]) for key in recording.span)
        count = int(np.count_nonzero((found >= first) & (found < first + size)))
    state[f"{monitor}.t"][row] = clock.t_
    state[f"{monitor}.fraction"][row] = count / size
    used[0] = row + 1


def _grow_recording(state, recording, needed: int) -> None:
    for key, _, _ in recording_buffers(state, recording, 0)[1:]:
        state[key] = grown(state[key], max(2 * len(state[key]), needed))


def _generate(state, events, generation: SpikeGeneration, clock: Clock) -> None:
    period = 0 if generation.period is None else int(state[generation.period])
    pointer = state[f"{generation.owner}._generator_next"]
    start, stop = spikes_of_step(state[generation.steps], period, pointer, clock.timestep)
    events[event_keys(generation.owner, generation.event)[0]] = state[generation.indices][
        start:stop
    ]


def _compiled_call(state, call: CompiledCall, clock: Clock) -> Callable:
    module, name = call.function.split(":")
    function = getattr(importlib.import_module(module), name)
    arrays = [state[key] for key in call.arrays]

    def run_call() -> None:
        values = [float(state[key]) for key in call.values]
        function(*arrays, *values, clock.dt_)

    return run_call


def _pathway_step(compiled, state, events, pathway) -> Callable:
    """Events of the pathway's source reach their synapses now or, with a delay, through the
    pathway's ring buffer in the state (the compiled loop's, slot ``cursor`` being now)."""
    indptr = state[pathway.indptr]
    ids = None if pathway.synapse_ids is None else state[pathway.synapse_ids]
    source = event_keys(pathway.source, pathway.event)[0]
    if pathway.delay is None:

        def deliver() -> None:
            sources = events[source]
            if len(sources):
                synapses = synapses_of(sources, indptr, ids)
                if len(synapses):
                    compiled(state, synapses)

        return deliver
    name = pathway.name
    queued, cursor = state[f"{name}._queue_n"], state[f"{name}._queue_cursor"]
    slots = len(queued)
    delays = state[pathway.delay]

    def push(slot: int, entries: np.ndarray) -> None:
        queue = state[f"{name}._queue"]
        first = queued[slot]
        if first + len(entries) > queue.shape[1]:
            capacity = max(2 * queue.shape[1], int(first) + len(entries))
            queue = state[f"{name}._queue"] = grown(queue, capacity, axis=1)
        queue[slot, first : first + len(entries)] = entries
        queued[slot] += len(entries)

    def deliver_later() -> None:
        now = int(cursor[0])
        sources = events[source]
        if len(sources):
            if not pathway.heterogeneous_delays:  # a slot holds sources: whole rows
                push((now + int(delays)) % slots, sources)
            else:
                synapses = synapses_of(sources, indptr, ids)
                steps = delays[synapses]
                order = np.argsort(steps, kind="stable")
                bounds = np.flatnonzero(np.diff(steps[order])) + 1
                for chunk in np.split(order, bounds):
                    if len(chunk):
                        push((now + int(steps[chunk[0]])) % slots, synapses[chunk])
        count = queued[now]
        if count:
            arrived = state[f"{name}._queue"][now, :count]
            if not pathway.heterogeneous_delays:
                arrived = synapses_of(arrived, indptr, ids)
            if len(arrived):
                compiled(state, arrived)
        queued[now] = 0
        cursor[0] = (now + 1) % slots

    return deliver_later


# -- the run ----------------------------------------------------------------------------------


class SteppedRun:
    """One run of a network's schedule, step by step (see the module docstring)."""

    def __init__(self, network, objects, clocks, context: RunContext, profile: bool = False):
        self.objects, self.clocks, self.context = objects, clocks, context
        planned = stepped_operations(objects, context)
        self.events, self.counters = planned.events, planned.counters
        operations = planned.operations
        if profile:
            from axonal.profiling import profiled_operations

            operations = profiled_operations(operations, network)
        self.operations = operations
        self.user_code = any(planned.user_code)

    def run(self, end: float, reporter, report_every: float, stopped=lambda: False) -> None:
        """Whole steps until ``end`` or until ``stopped()`` after a step; the objects hold
        the results of the steps that ran when this returns (or raises)."""
        savepoint = None
        if self.user_code:
            from axonal.network.savepoint import step_savepoint

            def savepoint():
                return step_savepoint(self.context, self.bookkeeping())

        def report(t: float, elapsed: float) -> None:
            self.commit()  # a report sees the objects as between runs
            reporter(t, elapsed)

        try:
            _loop(
                self.operations, self.clocks, self.context.state, end,
                None if reporter is None else report, report_every, stopped, savepoint,
            )  # fmt: skip
        finally:
            self.commit()

    def commit(self) -> None:
        """At a step boundary: the last events into the run state's event buffers, and the
        objects told where the run got to."""
        state = self.context.state
        for key, found in self.events.items():  # into the event buffers, in place
            count_key = key.replace("._events_", "._n_events_", 1)
            buffer = state.get(key)
            if buffer is None or len(buffer) < len(found):
                buffer = state[key] = np.zeros(len(found), np.int64)
            buffer[: len(found)] = found
            if count_key not in state:
                state[count_key] = np.zeros(1, np.int64)
            state[count_key][0] = len(found)
        for obj in self.objects:
            obj.at_step_boundary(state)

    def bookkeeping(self) -> tuple[dict, list[np.ndarray]]:
        """The last events and the small arrays a step moves on (for a step's savepoint)."""
        state = self.context.state
        return self.events, [state[key] for key in self.counters if key in state]


def _loop(
    operations: list[Operation],
    clocks: list[Clock],
    state: dict,
    end: float,
    reporter,
    report_every: float,
    stopped=lambda: False,
    savepoint: Callable[[], Callable[[], None]] | None = None,
) -> None:
    """Run steps until ``end``. Each step is committed whole: with ``savepoint`` (user
    code in the schedule), an exception half-way through a step undoes it first."""
    wall_start = last_report = time.perf_counter()
    if len(clocks) == 1:
        # The common case: one clock, so every operation runs every step.
        clock = clocks[0]
        functions = [op.function for op in operations]
        time_key = f"{clock.name}.t"
        for _ in range(clock.steps_until(end)):
            state[time_key] = clock.t_
            rollback = None if savepoint is None else savepoint()
            try:
                for function in functions:
                    function()
            except BaseException:
                if rollback is not None:
                    rollback()
                raise
            clock.timestep += 1
            if reporter is not None and time.perf_counter() - last_report > report_every:
                last_report = time.perf_counter()
                reporter(clock.t_, last_report - wall_start)
            if stopped():  # stop() during this step: the step is complete, the run ends
                break
    else:
        while True:
            due = [clock for clock in clocks if clock.steps_until(end) > 0]
            if not due:
                break
            now = min(clock.t_ for clock in due)
            current = [c for c in due if abs(c.t_ - now) < 1e-3 * c.dt_]
            for clock in current:
                state[f"{clock.name}.t"] = clock.t_
            current_ids = {id(clock) for clock in current}
            rollback = None if savepoint is None else savepoint()
            try:
                for op in operations:
                    if id(op.owner.clock) in current_ids:
                        op.function()
            except BaseException:
                if rollback is not None:
                    rollback()
                raise
            for clock in current:
                clock.timestep += 1
            if reporter is not None and time.perf_counter() - last_report > report_every:
                last_report = time.perf_counter()
                reporter(now, last_report - wall_start)
            if stopped():
                break
    if reporter is not None:  # (the time reached: a stopped run did not get to the end)
        reached = [clock.t_ for clock in clocks if clock.steps_until(end) > 0]
        reporter(min(reached, default=end), time.perf_counter() - wall_start)
