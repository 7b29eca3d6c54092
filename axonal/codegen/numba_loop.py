"""The whole network's time loop as one compiled Numba function (see ``schedule``)."""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from axonal.codegen import kernel_cache, numba_kernel_code
from axonal.codegen.loop_buffers import (
    grow_monitor,
    grow_queue,
    prepare_queue,
    recording_buffers,
)
from axonal.codegen.loop_families import FamilyArguments
from axonal.codegen.numba_functions import compiled_user_functions
from axonal.codegen.numba_loop_printer import (
    LOOP_DONE,
    LOOP_MONITOR_FULL,
    ItemPlan,
    LoopPrinter,
)
from axonal.codegen.parameters import value_arguments
from axonal.codegen.schedule import (
    RECORDINGS,
    ScheduledItem,
    SpikeGeneration,
    SynapsesOfEvents,
    detected_events,
    event_keys,
)

__all__: list[str] = []  # internal room: nothing here is part of the user's namespace


@dataclass(frozen=True)
class NetworkLoop:
    """A compiled time loop: ``loop.run(state, n_steps, t0, dt)`` advances the state.

    On each step the time is ``t = step * dt`` with ``step`` the absolute step index, as the
    network's ``Clock`` computes it (``t0`` gives the first step: ``round(t0/dt)``).

    ``state`` maps keys to arrays and values as for kernels (plus ``f'{owner}.N'`` sizes);
    ``prepare`` adds the buffers the loop needs (events, queues, monitor buffers) if missing.
    """

    items: tuple[ScheduledItem, ...]
    source: str
    function: Callable
    array_keys: tuple[str, ...]
    value_dtypes: Mapping[str, str]
    invariants: Callable[[Mapping[str, object]], tuple]
    parameters: str = ""  # which state key each parameter of the source stands for
    plans: tuple[ItemPlan, ...] = ()  # how each item runs (threads, threshold scans)
    families: FamilyArguments | None = None  # containers of identical items' parameters

    @property
    def threaded(self) -> bool:
        """Whether some item splits its elements between threads."""
        return any(plan.threaded for plan in self.plans)

    def prepare(self, state: dict, monitor_capacity: int = 1024) -> None:
        """Allocate missing event buffers, delay queues and monitor buffers in ``state``."""

        def allocate(key: str, shape, dtype=np.int64) -> None:
            if key not in state:  # (setdefault would allocate the zeros every time)
                state[key] = np.zeros(shape, dtype)

        plans = self.plans or (None,) * len(self.items)
        for item, plan in zip(self.items, plans, strict=True):
            selection = item.selection
            detected = detected_events(item)
            if detected is not None:
                events, count = event_keys(*detected)
                size = state[f"{detected[0]}.N"]
                if isinstance(selection, SpikeGeneration):  # a step may repeat an index
                    size = max(size, len(state[selection.indices]))
                    allocate(f"{selection.owner}._generator_next", 1)
                allocate(events, size)
                allocate(count, 1)
                if plan is not None and plan.threaded and plan.scan == "blocks":
                    # One count per chunk of the chunk size this loop was printed with: the
                    # loop writes them unchecked, and a buffer the run state kept from a loop
                    # printed with another THRESHOLD_CHUNK (patched since) has another length.
                    chunks = -(-size // plan.chunk)
                    key = numba_kernel_code.chunk_counts_key(*detected)
                    if key not in state or len(state[key]) != chunks:
                        state[key] = np.zeros(chunks, np.int64)
            elif isinstance(selection, RECORDINGS):
                for key, shape, dtype in recording_buffers(state, selection, monitor_capacity):
                    allocate(key, shape, dtype)
            elif isinstance(selection, SynapsesOfEvents) and selection.pathway.delay is not None:
                prepare_queue(state, selection.pathway)

    def compile(self, state: dict, dt: float, step0: int) -> None:
        """Prepare ``state`` and compile the loop for it, running no step (an interrupt
        while Numba compiles leaves nothing half-done)."""
        self.run(state, 0, step0 * dt, dt, step0, prepare=True)

    def compile_only(self, state: dict, dt: float, step0: int) -> None:
        """Compile the loop for the types of ``state``'s arguments without calling it (Numba
        writes the machine code to its cache next to the generated module). For a process
        that only compiles (tiered start): nothing runs, so no thread pool starts."""
        from numba import typeof

        self.prepare(state)
        invariants = tuple(self._invariant_arguments(state, dt, step0))
        arguments = (0, dt, step0, 0, 0, *self._arguments(state, invariants, dt, step0))
        self.function.compile(tuple(typeof(argument) for argument in arguments))

    def is_compiled(self) -> bool:
        """Whether calling the loop compiles nothing: compiled in this process, or in Numba's
        cache on disk (an index for ``run_loop``; its types are not checked: a loop cached
        for other dtypes compiles at its first call, as without the cache)."""
        if self.function.signatures:
            return True
        cache = getattr(self.function, "_cache", None)
        index = getattr(getattr(cache, "_cache_file", None), "_index_path", None)
        return index is not None and os.path.exists(index)

    def _arguments(self, state: dict, invariants: tuple, dt: float, step0: int) -> list:
        """The loop's arguments after its first five: arrays, values, invariants, and the
        loop families' containers."""
        arguments = [state[key] for key in self.array_keys]
        arguments += value_arguments(state, self.value_dtypes)
        arguments += invariants
        if self.families is not None:
            arguments += self.families(state, dt, step0 * dt)
        return arguments

    def _invariant_arguments(self, state: dict, dt: float, step0: int):
        return self.invariants({**state, "dt": dt, "t": step0 * dt})

    def run(
        self,
        state: dict,
        n_steps: int,
        t0: float,
        dt: float,
        step0: int | None = None,
        prepare: bool = True,
        progress: list[int] | None = None,
    ) -> None:
        """Run ``n_steps`` steps from time ``t0``, growing buffers whenever the loop asks.

        ``step0`` is the absolute index of the first step (default ``round(t0/dt)``); step
        ``k`` of this call runs at ``t = (step0 + k) * dt``, and items scheduled ``every`` j
        steps run when ``step0 + k`` is a multiple of j. ``prepare=False`` skips
        :meth:`prepare` (checking delays goes over every synapse) for a run continued in
        stretches whose first stretch prepared the state. ``progress`` (a list of two) is
        kept at the (step, item) the loop reached, for a caller whose call raised.
        """
        if step0 is None:
            step0 = int(round(t0 / dt))
        if prepare:
            self.prepare(state)
        invariants = tuple(self._invariant_arguments(state, dt, step0))
        step, item = 0, 0
        while True:
            arguments = self._arguments(state, invariants, dt, step0)
            status, step, item = self.function(n_steps, dt, step0, step, item, *arguments)
            if progress is not None:
                progress[:] = [step, item]
            if status == LOOP_DONE:
                return
            selection = self.items[item].selection
            if status == LOOP_MONITOR_FULL:
                grow_monitor(state, selection)
            else:
                grow_queue(state, selection.pathway)


def generate_network_loop(
    items: Sequence[ScheduledItem],
    functions: Mapping[str, Callable] | None = None,
    parallel: bool | Collection[str] = False,
) -> NetworkLoop:
    """Compile one function that runs the whole time loop of the schedule ``items``.

    The function is ``run_loop(n_steps, dt, step0, start_step, start_item, <arrays>,
    <values>, <invariants>)``; on step ``k`` the time is ``(step0 + k)*dt``, the absolute step
    index ``step0 + k`` (for items scheduled ``every`` k steps). It returns ``(status, step,
    item)``: LOOP_DONE, or a buffer to grow before resuming at that step and item (which
    ``NetworkLoop.run`` does).

    With ``parallel`` (True, or the owners whose kernels may use threads), state updates and
    other kernels over all elements whose elements are independent (one fused loop, no random
    numbers) are split between threads (``prange``), and so are thresholds without random
    numbers, in chunks whose events are joined in order (``THRESHOLD_CHUNK``); the results
    are the serial loop's, whatever the number of threads.
    """
    printer = LoopPrinter(items, functions, parallel)
    source, plans = printer.source(functions)
    module = kernel_cache.load_module(
        source, tag="loop", injected=compiled_user_functions(functions)
    )
    arguments = printer.arguments
    return NetworkLoop(
        items=tuple(items),
        source=source,
        plans=plans,
        families=printer.family_arguments(functions) if printer.families else None,
        function=module.run_loop,
        **arguments.call_fields(functions),
    )
