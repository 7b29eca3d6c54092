"""A step's savepoint in the Python loop: an exception half-way through a step undoes the step.

When a network runs user Python code each step (a network_operation), that code may raise
after other operations of the same step ran (a state update applied, a monitor sample
appended, spikes queued). The loop then rolls the step back to its savepoint before the
exception leaves ``run()``: ``t`` is that step, nothing of it is recorded, and the next
``run()`` runs it once, from the start. (What the user's own code did outside the network,
such as appending to a list of its own, cannot be undone.)

A savepoint holds copies of the objects' state arrays, the lengths of the monitors' buffers,
the last events, the spike queues, and both random generators (NumPy's, and the one compiled
kernels draw from). It is taken only when the schedule holds user code; kernels of the
simulator itself do not raise half-way, and a stop signal waits for the step's end
(see ``axonal.network.interrupts``).
"""

from __future__ import annotations

import copy
import ctypes
import sys
from collections.abc import Callable

import numpy as np

__all__: list[str] = []  # internal room: nothing here is part of the user's namespace


def _object_savepoint(obj) -> Callable[[], None]:
    from axonal.monitors.buffer import GrowingArray  # (monitors import the network)

    arrays = obj.state_arrays()
    lengths, copies, others = {}, {}, {}
    for key, value in arrays.items():
        if isinstance(value, GrowingArray):
            lengths[key] = (value, len(value))  # appended to only: truncating undoes the step
        elif isinstance(value, np.ndarray):
            copies[key] = (value, value.copy())
        else:
            others[key] = copy.deepcopy(value)
    events = getattr(obj, "events", None)
    events = dict(events) if isinstance(events, dict) else None  # arrays replaced, not written

    def rollback() -> None:
        for buffer, length in lengths.values():
            buffer.resize(length)
        for live, saved in copies.values():
            live[...] = saved
        if others:
            obj.restore_arrays(others)
        if events is not None:
            obj.events.clear()
            obj.events.update(events)

    return rollback


def _random_savepoint() -> Callable[[], None]:
    numpy_state = np.random.get_state()
    compiled = None
    if "numba" in sys.modules:  # kernels compiled by Numba draw from a generator of their own
        from axonal.network.random import _numba_generator

        generator = _numba_generator()
        compiled = ctypes.string_at(ctypes.addressof(generator), ctypes.sizeof(generator))

    def rollback() -> None:
        np.random.set_state(numpy_state)
        if compiled is not None:
            ctypes.memmove(ctypes.addressof(_numba_generator()), compiled, len(compiled))

    return rollback


def step_savepoint(objects) -> Callable[[], None]:
    """A function that puts ``objects`` (and the random generators) back as they are now."""
    rollbacks = [_object_savepoint(obj) for obj in objects]
    rollbacks.append(_random_savepoint())

    def rollback() -> None:
        for undo in rollbacks:
            undo()

    return rollback
