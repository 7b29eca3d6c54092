"""Run-time buffers of a compiled loop: event buffers, delay queues, monitor buffers, growth.

The loop returns to Python when a buffer is full; these functions allocate and grow the
buffers in the run's state mapping, so the loop resumes where it stopped.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from axonal.codegen.schedule import RateRecording, SpikeRecording, SynapticPathway, event_keys

__all__: list[str] = []  # internal room: nothing here is part of the user's namespace


def grown(array: np.ndarray, capacity: int, axis: int = 0) -> np.ndarray:
    shape = list(array.shape)
    shape[axis] = capacity
    larger = np.zeros(shape, array.dtype)
    larger[tuple(slice(0, n) for n in array.shape)] = array
    return larger


def recording_buffers(state: Mapping[str, object], recording, capacity: int):
    """(key, shape, dtype) of each buffer a recording appends to; first axis: entries."""
    monitor = recording.monitor
    buffers = [(f"{monitor}.n", (1,), np.int64), (f"{monitor}.t", (capacity,), np.float64)]
    if isinstance(recording, SpikeRecording):
        buffers.append((f"{monitor}.i", (capacity,), np.int64))
        for name, key in recording.variables:
            buffers.append((f"{monitor}.{name}", (capacity,), state[key].dtype))
    elif isinstance(recording, RateRecording):
        buffers.append((f"{monitor}.fraction", (capacity,), np.float64))
    else:
        n_indices = len(state[recording.indices])
        for name, key in recording.variables:
            buffers.append((f"{monitor}.{name}", (capacity, n_indices), state[key].dtype))
    return buffers


def grow_monitor(state: dict, recording) -> None:
    used = int(state[f"{recording.monitor}.n"][0])
    needed = used + 1
    if isinstance(recording, SpikeRecording):
        needed = used + int(state[event_keys(recording.source, recording.event)[1]][0])
    for key, _, _ in recording_buffers(state, recording, 0)[1:]:
        state[key] = grown(state[key], max(2 * len(state[key]), needed))


def prepare_queue(state: dict, pathway: SynapticPathway) -> None:
    from axonal.codegen.kernel_analysis import NumbaTargetError  # (imports the Numba printer)

    delay = np.asarray(state[pathway.delay])
    expected_shape = (state[pathway.indptr][-1],) if pathway.heterogeneous_delays else ()
    if delay.shape != expected_shape or not np.all(np.mod(delay, 1) == 0) or np.any(delay < 0):
        kind = "one per synapse" if pathway.heterogeneous_delays else "one value"
        raise NumbaTargetError(
            f"pathway {pathway.name!r}: the delay {pathway.delay!r} must be whole numbers of "
            f"time steps, at least 0, {kind}; got {delay!r}"
        )
    if pathway.heterogeneous_delays and delay.dtype != np.int64:
        state[pathway.delay] = delay = delay.astype(np.int64)
    slots = int(delay.max(initial=0)) + 1
    queue_key = f"{pathway.name}._queue"
    queue = state.get(queue_key)
    if queue is not None and queue.shape[0] >= slots:
        return
    if queue is not None and state[f"{pathway.name}._queue_n"].any():
        raise NumbaTargetError(
            f"pathway {pathway.name!r}: the delay grew to {slots - 1} steps while spikes are "
            f"still queued for the old maximum of {queue.shape[0] - 1} steps"
        )
    if pathway.heterogeneous_delays:
        width = 1024 if queue is None else queue.shape[1]
    else:
        width = len(state[pathway.indptr]) - 1  # each source queues at most once per step
    state[queue_key] = np.zeros((slots, width), np.int64)
    state[f"{pathway.name}._queue_n"] = np.zeros(slots, np.int64)
    state[f"{pathway.name}._queue_cursor"] = np.zeros(1, np.int64)


def grow_queue(state: dict, pathway: SynapticPathway) -> None:
    events, count = event_keys(pathway.source, pathway.event)
    sources = state[events][: state[count][0]]
    indptr = state[pathway.indptr]
    needed = int((indptr[sources + 1] - indptr[sources]).sum())
    queue_key = f"{pathway.name}._queue"
    queue = state[queue_key]
    capacity = max(2 * queue.shape[1], int(state[f"{pathway.name}._queue_n"].max()) + needed)
    state[queue_key] = grown(queue, capacity, axis=1)
