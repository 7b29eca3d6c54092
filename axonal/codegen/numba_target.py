"""The Numba target: kernels, and whole network time loops, as compiled loops over elements.

Two entry points share one printer of kernel loop bodies (``numba_kernel_code``):

- :func:`compile_numba_kernel` (``numba_kernel``) makes one kernel callable exactly like the
  NumPy target's ``NumpyKernel``: ``compiled(state, selection)``.
- :func:`generate_network_loop` (``numba_loop``) makes ONE compiled function ``run_loop`` that
  runs the whole time loop of a network: every scheduled kernel's loop inlined in schedule
  order, spikes passed between them in event buffers, synaptic pathways through CSR
  connectivity and a ring buffer of delayed spikes, monitors appending to preallocated
  buffers. The schedule is a list of :class:`ScheduledItem` records (``schedule``).

The rooms: ``schedule`` (the target-neutral vocabulary), ``parameters`` (parameter table and
invariants), ``kernel_analysis``, ``branch_free``, ``numba_selections`` (loop headers),
``numba_kernel_code`` (kernel printing), ``numba_loop_printer`` (loop printing),
``numba_functions`` (callable functions, seeding), ``loop_buffers`` (run-time buffers and
queues), ``kernel_cache`` (compilation and the on-disk cache). This module gathers the names
other rooms and tests use.
"""

# Re-exported: the target's entry points and the names its tests and benchmarks use.
from axonal.codegen.branch_free import branch_free_condition  # noqa: F401
from axonal.codegen.kernel_analysis import NumbaReadOnlyError, NumbaTargetError  # noqa: F401
from axonal.codegen.numba_functions import seed_numba  # noqa: F401
from axonal.codegen.numba_kernel import (  # noqa: F401
    ALL_ELEMENTS,
    NumbaKernel,
    compile_numba_kernel,
    numba_kernel_source,
)
from axonal.codegen.numba_kernel_code import THRESHOLD_BLOCK, THRESHOLD_CHUNK  # noqa: F401
from axonal.codegen.numba_loop import NetworkLoop, generate_network_loop  # noqa: F401
from axonal.codegen.numba_loop_printer import (  # noqa: F401
    LOOP_DONE,
    LOOP_MONITOR_FULL,
    LOOP_QUEUE_FULL,
)
from axonal.codegen.schedule import (  # noqa: F401
    OnEvents,
    RateRecording,
    ScheduledItem,
    ScheduledItemError,
    Selection,
    SpikeGeneration,
    SpikeRecording,
    StateRecording,
    SynapsesOfEvents,
    SynapticPathway,
    event_keys,
)

__all__: list[str] = []  # internal room: nothing here is part of the user's namespace
