"""The schedule: what each object does per time step, in terms every target understands.

Groups, synapses, monitors and inputs describe their work as :class:`ScheduledItem` records;
the Numba target compiles a schedule into one loop (``axonal.codegen.numba_loop``). Nothing
here imports Numba.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from axonal.model.ir import Kernel, KernelRole

__all__: list[str] = []  # internal room: nothing here is part of the user's namespace


class ScheduledItemError(ValueError):
    """A scheduled item or a schedule cannot run as given; the message says which and why."""


# Step B: the whole network's time loop as one compiled function
#
# A schedule is a list of ScheduledItem records, run in list order on every time step. Each
# item pairs a kernel with the rule that selects its elements:
#
#   'all'                        every element of kernel.owner (size: state[f'{owner}.N'])
#   OnEvents(owner, event)       the elements of `owner` found by its THRESHOLD kernel for
#                                `event` earlier in the same time step (resets)
#   SynapsesOfEvents(pathway)    the synapses (CSR rows) of the source elements whose events
#                                arrive now through `pathway`, after its delay
#   SpikeRecording(monitor, ...) no kernel: append (index, t) of this step's events of
#                                `source` to the monitor's buffers
#   StateRecording(monitor, ...) no kernel: append t and variables at recorded indices
#   RateRecording(monitor, ...)  no kernel: append t and the fraction of elements with events
#   SpikeGeneration(owner, ...)  no kernel: events given in advance (instead of a threshold)
#   CompiledCall(owner, ...)     no kernel: call an @njit function with state arrays (a
#                                SpatialNeuron's cable solve)
#
# Each item may run only every k-th step (ScheduledItem.every), counted on the absolute step.
#
# A THRESHOLD kernel (selection 'all') writes its events to state[f'{owner}._events_{event}']
# (int64, length N) and their number to state[f'{owner}._n_events_{event}'] (int64, shape (1,)),
# where Python can read the last step's events after a run.
#
# Example (CUBA; benchmarks/numba_loop.py builds it in full):
#
#   pathway = SynapticPathway("Ce.pre", source="P", indptr="Ce._indptr", synapse_ids=None)
#   loop = generate_network_loop([
#       ScheduledItem(P_state_update), ScheduledItem(P_threshold),
#       ScheduledItem(None, SpikeRecording("spikes", "P")),
#       ScheduledItem(Ce_on_pre, SynapsesOfEvents(pathway)),
#       ScheduledItem(P_reset, OnEvents("P")),
#   ])
#   loop.run(state, n_steps=10_000, t0=0.0, dt=1e-4)   # state: the run's arrays and values
#   spikes_i = state["spikes.i"][: state["spikes.n"][0]]
#
# A run that must return to Python (network_operation, progress report) is split into
# several loop.run calls: the loop's state (queued spikes, buffers) lives in ``state``.


@dataclass(frozen=True)
class OnEvents:
    """Select the elements of ``owner`` that had ``event`` in this time step."""

    owner: str
    event: str = "spike"


@dataclass(frozen=True)
class SynapticPathway:
    """Events of ``source`` reaching synapses through CSR connectivity, now or after a delay.

    ``indptr`` is the state key of the CSR row pointers (length N_source + 1): the synapses of
    source element i are at positions ``indptr[i]:indptr[i+1]``. ``synapse_ids`` is the key of
    the synapse indices in that order, or None when synapses are stored sorted by source (the
    position is the synapse index). ``delay`` is None (events arrive in the step they happen),
    or the key of the delay in time steps: one int value for all synapses, or with
    ``heterogeneous_delays`` an int array with one delay per synapse. Delayed events wait in a
    ring buffer kept in the state under ``f'{name}._queue'`` (see ``NetworkLoop.prepare``).
    """

    name: str
    source: str
    indptr: str
    synapse_ids: str | None = None
    event: str = "spike"
    delay: str | None = None
    heterogeneous_delays: bool = False


@dataclass(frozen=True)
class SynapsesOfEvents:
    """Select the synapses that the events arriving through ``pathway`` reach in this step."""

    pathway: SynapticPathway


@dataclass(frozen=True)
class SpikeRecording:
    """A spike monitor: append (index, t) of this step's ``event``s of ``source``.

    Buffers: ``f'{monitor}.i'`` (int64), ``f'{monitor}.t'`` (float64), and the number of
    entries used in ``f'{monitor}.n'`` (int64, shape (1,)). When a buffer is full, the compiled
    loop returns to Python, which grows both buffers (new arrays in the state mapping) and
    resumes at the same item of the same step.

    ``variables``: (name, state key) pairs of arrays over ``source``'s elements whose value
    at each event is appended to ``f'{monitor}.{name}'`` (the array's dtype).
    """

    monitor: str
    source: str
    event: str = "spike"
    variables: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class StateRecording:
    """A state monitor: append ``t`` and the current values of ``variables`` at ``indices``.

    ``variables`` are (name, state key of the array) pairs; ``indices`` is the state key of
    the recorded element indices (int array). Buffers: ``f'{monitor}.t'`` (float64),
    ``f'{monitor}.{name}'`` (one row per recorded step, one column per index, the array's
    dtype) and ``f'{monitor}.n'`` (rows used, int64, shape (1,)); grown like SpikeRecording's.
    Schedule it with ``every`` for a recording period longer than dt.
    """

    monitor: str
    variables: tuple[tuple[str, str], ...]
    indices: str


@dataclass(frozen=True)
class RateRecording:
    """A population rate monitor: append ``t`` and the fraction of ``source``'s elements that
    had ``event`` in this step (divide by dt for a rate): ``f'{monitor}.t'``,
    ``f'{monitor}.fraction'`` (float64) and ``f'{monitor}.n'``. ``span``: state keys of the
    first element and the number of elements counted (a subgroup of ``source``), or None for
    all of ``source``."""

    monitor: str
    source: str
    event: str = "spike"
    span: tuple[str, str] | None = None


@dataclass(frozen=True)
class SpikeGeneration:
    """Events given in advance (a spike generator): element ``indices[k]`` has ``event`` on
    the absolute step ``steps[k]``. ``steps`` and ``indices`` are state keys of int arrays
    sorted by step; the position of the next one is kept in ``f'{owner}._generator_next'``.
    Steps already past when a run starts are skipped. Stands in for a threshold kernel."""

    owner: str
    steps: str
    indices: str
    event: str = "spike"
    # The state key of a period in steps (the spikes repeat), for the stepped run only; the
    # compiled loop is given the periodic spikes unrolled over the run (None here).
    period: str | None = None


@dataclass(frozen=True)
class CompiledCall:
    """No kernel: call a compiled (``@njit``) function of the owner, e.g. a SpatialNeuron's
    cable solve over its whole tree.

    ``function`` is ``'module:name'``; it is called with the state arrays of ``arrays``, then
    the float64 values of ``values``, then the step's ``dt``, in that order. ``version`` is a
    fingerprint of the function's source, printed into the loop's source so that a changed
    function gives a new loop in the cache (Numba's cache does not follow callees; it covers
    ``batched`` too). ``batched`` (optional, ``'module:name'``): the same for many owners in
    one call (with each parameter as a ``loop_views`` witness and container, then ``first,
    stride, count, dt``), used by the loop for identical owners (``numba_loop_printer``).
    """

    owner: str
    function: str
    arrays: tuple[str, ...]
    values: tuple[str, ...] = ()
    version: str = ""
    batched: str = ""


def spikes_of_step(bins: np.ndarray, period_bins: int, pointer: np.ndarray, timestep: int):
    """``(start, stop)``: the spikes of step ``timestep`` in the bin-sorted arrays.

    ``pointer[0]`` is the position of the next spike to emit; it moves past the emitted ones.
    With a period (in steps), a step whose phase is not after the last emitted bin starts a
    new period. Plain array code, so that the compiled target can compile it as it is.
    """
    start = pointer[0]
    step = timestep
    if period_bins > 0:
        step = timestep % period_bins
        if start > 0 and bins[start - 1] >= step:
            start = 0  # a new period begins
    stop = start + np.searchsorted(bins[start:], step, side="right")
    pointer[0] = stop
    return start, stop


RECORDINGS = (SpikeRecording, StateRecording, RateRecording)
WITHOUT_KERNEL = (*RECORDINGS, SpikeGeneration, CompiledCall)

Selection = (
    str | OnEvents | SynapsesOfEvents | SpikeRecording | StateRecording | RateRecording
    | SpikeGeneration | CompiledCall
)  # fmt: skip


@dataclass(frozen=True)
class ScheduledItem:
    """One entry of a time step's schedule: a kernel and the elements it runs on."""

    kernel: Kernel | None
    selection: Selection = "all"
    every: int = 1  # run on time steps whose absolute index is a multiple of this

    def __post_init__(self) -> None:
        kernel, selection = self.kernel, self.selection
        if not isinstance(self.every, int) or self.every < 1:
            raise ScheduledItemError(
                f"scheduled item {item_name(self)!r}: every={self.every!r} "
                "must be a whole number of time steps, at least 1"
            )
        if isinstance(selection, WITHOUT_KERNEL):
            if kernel is not None:
                raise ScheduledItemError(
                    f"{type(selection).__name__} runs no kernel, got {kernel.name!r}"
                )
            return
        if kernel is None:
            raise ScheduledItemError(f"the scheduled selection {selection!r} needs a kernel")
        expected = {
            KernelRole.THRESHOLD: "'all'",
            KernelRole.RESET: "OnEvents",
            KernelRole.SYNAPTIC_EVENT: "SynapsesOfEvents",
        }.get(kernel.role)
        kind = "'all'" if selection == "all" else type(selection).__name__
        if selection != "all" and not isinstance(selection, OnEvents | SynapsesOfEvents):
            raise ScheduledItemError(
                f"kernel {kernel.name!r} is scheduled on {selection!r}; expected 'all', "
                "OnEvents, SynapsesOfEvents or a recording"
            )
        if expected is not None and kind != expected:
            raise ScheduledItemError(
                f"{kernel.role.value} kernel {kernel.name!r} is scheduled on {kind}; "
                f"it runs on {expected}"
            )


def synapses_of(sources: np.ndarray, indptr: np.ndarray, synapse_ids=None) -> np.ndarray:
    """The synapses that events of ``sources`` reach through CSR connectivity (``indptr``, and
    ``synapse_ids`` unless synapses are stored by source), row after row: the order in which
    SynapsesOfEvents selects them on every target."""
    starts = indptr[sources]
    lengths = indptr[sources + 1] - starts
    # Position k of row r is starts[r] + k: one repeat of each row's start minus the rows
    # before it, plus a running count.
    offsets = starts - (np.cumsum(lengths) - lengths)
    positions = np.repeat(offsets, lengths) + np.arange(int(lengths.sum()))
    return positions if synapse_ids is None else synapse_ids[positions]


def event_keys(owner: str, event: str = "spike") -> tuple[str, str]:
    """State keys of an owner's event buffer and of its event count."""
    return f"{owner}._events_{event}", f"{owner}._n_events_{event}"


def item_name(item: ScheduledItem) -> str:
    if item.kernel is not None:
        return item.kernel.name
    selection = item.selection
    return getattr(selection, "monitor", None) or getattr(selection, "owner", str(selection))


def detected_events(item: ScheduledItem) -> tuple[str, str] | None:
    """(owner, event) whose events the item finds, if it is a threshold or a generator."""
    if item.kernel is not None and item.kernel.role == KernelRole.THRESHOLD:
        return item.kernel.owner, item.kernel.event
    if isinstance(item.selection, SpikeGeneration):
        return item.selection.owner, item.selection.event
    return None
