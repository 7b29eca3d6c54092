"""A step's savepoint in the stepped run: an exception half-way through a step undoes the step.

When a network runs user Python code each step (a network_operation), that code may raise
after other operations of the same step ran (a state update applied, a monitor sample
appended, spikes queued). The loop then rolls the step back to its savepoint before the
exception leaves ``run()``: ``t`` is that step, nothing of it is recorded, and the next
``run()`` runs it once, from the start.

A savepoint is kept small, since one is taken every step: copies of the arrays the run's
kernels write (``RunContext.written``, noted by ``Group.make_kernel``), copies of the arrays
user code writes through the groups (``G.v[...] = ...``: copied at the first write of the
step, see ``before_write``), the run's last events and the counters of its buffers
(monitor buffers, delay rings, a spike generator's place), and, when the run's kernels
draw random numbers, both random generators (NumPy's, and the one compiled kernels draw
from). Not undone: what user code did outside the network (appending to a list of its own,
drawing from NumPy in a run whose kernels do not draw), and writes into raw arrays
(``G.v_[:] = ...``) of variables no kernel writes.

It is taken only when the schedule holds user code; kernels of the simulator itself do not
raise half-way, and a stop signal waits for the step's end (``axonal.network.interrupts``).
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable, Iterable

import numpy as np

__all__: list[str] = []  # internal room: nothing here is part of the user's namespace

# The savepoint of the step in progress, if any (user writes copy their array into it first).
_current: list[StepSavepoint | None] = [None]


def before_write(values: np.ndarray) -> None:
    """Called by a group before user code writes into ``values`` (copied once per step)."""
    savepoint = _current[0]
    if savepoint is not None and id(values) not in savepoint.copies:
        savepoint.copies[id(values)] = (values, values.copy())


def step_in_progress() -> bool:
    """Whether a step's savepoint is open (user writes now belong to that step)."""
    return _current[0] is not None


def close() -> None:
    """The run is over: user writes no longer belong to a step."""
    _current[0] = None


def _run_state_savepoint(events: dict, counters: list[np.ndarray]) -> Callable[[], None]:
    """The run's last events (arrays replaced, not written) and the counters of its buffers
    (monitor buffers are only appended to, a delay ring's slots only filled past their count:
    restoring the counts undoes a step)."""
    last_events = dict(events)
    counts = [(live, live.copy()) for live in counters]

    def rollback() -> None:
        events.clear()
        events.update(last_events)
        for live, saved in counts:
            live[...] = saved

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


class StepSavepoint:
    """What a step may change, as it was when the step began; ``rollback()`` restores it."""

    def __init__(self, written: Iterable[np.ndarray], draws: bool, bookkeeping=None) -> None:
        self.copies: dict[int, tuple[np.ndarray, np.ndarray]] = {
            id(values): (values, values.copy()) for values in written
        }
        self.rollbacks: list[Callable[[], None]] = []
        if bookkeeping is not None:
            self.rollbacks.append(_run_state_savepoint(*bookkeeping))
        if draws:  # (NumPy's get_state takes ~0.4 ms: more than a small network's step)
            self.rollbacks.append(_random_savepoint())
        _current[0] = self

    def rollback(self) -> None:
        for live, saved in self.copies.values():
            live[...] = saved
        for undo in self.rollbacks:
            undo()


def step_savepoint(context, bookkeeping=None) -> Callable[[], None]:
    """A function that puts the arrays the run's kernels write, the run's
    ``bookkeeping`` (last events, buffer counters: see SteppedRun) and (when they draw) the
    random generators back as they are now."""
    state = context.state
    arrays = [state[key] for key in context.written if isinstance(state.get(key), np.ndarray)]
    return StepSavepoint(arrays, context.draws, bookkeeping).rollback
