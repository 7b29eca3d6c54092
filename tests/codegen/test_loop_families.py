"""Identical items over several owners are compiled once and called per owner (loop families):
results equal the NumPy target's and the inline loop's, and the loop does not grow with the
number of identical owners."""

import gc

import numpy as np
import pytest

import axonal.codegen.numba_loop_printer as loop_printer
from axonal import *
from axonal.codegen.loop_families import repeated_runs
from axonal.codegen.targets import set_target
from axonal.network.fused import loop_function_of

LIF = """
dv/dt = (I - v) / tau : 1 (unless refractory)
dI/dt = -I / tau_I : 1
"""


@pytest.fixture(autouse=True)
def numpy_afterwards():
    yield
    set_target("numpy")
    gc.collect()


def identical_groups(count: int, random_reset: bool = False):
    """``count`` LIF groups of one model (sizes and parameters differ), each exciting itself
    through delayed synapses and recorded by a spike monitor; they fire often enough that the
    monitors' buffers (1024 spikes) grow during the run."""
    start_scope()
    objects, monitors = [], []
    for k in range(count):
        namespace = {"tau": (4 + 0.5 * k) * ms, "tau_I": 3 * ms, "drive": 3 + 0.1 * k}
        reset = "v = 0.1*rand()" if random_reset else "v = 0"
        G = NeuronGroup(
            30 + k, LIF, threshold="v > 1", reset=reset, refractory=1 * ms,
            method="exact", namespace=namespace,
        )  # fmt: skip
        G.v = np.arange(30 + k) / (30.0 + k)
        G.run_regularly("I = drive", dt=defaultclock.dt)
        S = Synapses(G, G, on_pre="I_post += 0.05", delay=(1 + 0.1 * k) * ms)
        S.connect(j="(i + 1) % N_post")
        spikes = SpikeMonitor(G)
        objects += [G, S, spikes]
        monitors.append(spikes)
    return Network(*objects), monitors, objects[::3]


def simulate(target: str, count: int, duration=150 * ms, families=True, **options):
    set_target(target)
    minimum = loop_printer.FAMILY_MIN_OCCURRENCES
    loop_printer.FAMILY_MIN_OCCURRENCES = minimum if families else 10**9
    try:
        seed(3)
        network, monitors, groups = identical_groups(count, **options)
        network.run(duration)
    finally:
        loop_printer.FAMILY_MIN_OCCURRENCES = minimum
    spikes = [(np.asarray(m.i), np.asarray(m.t_)) for m in monitors]
    state = [(np.asarray(g.v_).copy(), np.asarray(g.I_).copy()) for g in groups]
    return network, spikes, state


def assert_identical(first, second):
    for (i1, t1), (i2, t2) in zip(first[1], second[1], strict=True):
        assert np.array_equal(i1, i2) and np.array_equal(t1, t2)
    for (v1, I1), (v2, I2) in zip(first[2], second[2], strict=True):
        assert np.array_equal(v1, v2) and np.array_equal(I1, I2)


def test_identical_groups_run_as_families_with_the_numpy_targets_results():
    on_numpy = simulate("numpy", 5)
    on_numba = simulate("numba", 5)
    assert_identical(on_numpy, on_numba)
    assert min(len(i) for i, _ in on_numba[1]) > 1024  # buffers grew inside the loop
    (loop,) = loop_function_of(on_numba[0])
    assert loop.families is not None
    # Every item belongs to a family: state updates, run_regularly, thresholds, resets,
    # pathways with their delay queues, spike recordings.
    assert "_threaded_" not in loop.source
    assert loop.source.count("\ndef _item_") == len({plan.code for plan in loop.plans})


def test_random_draws_come_in_the_inline_loops_order():
    inline = simulate("numba", 4, 30 * ms, families=False, random_reset=True)
    shared = simulate("numba", 4, 30 * ms, random_reset=True)
    assert_identical(inline, shared)
    assert shared[0] is not inline[0]
    (loop,) = loop_function_of(shared[0])
    assert loop.families is not None and "_item_" not in loop_function_of(inline[0])[0].source


def test_the_loop_does_not_grow_with_the_number_of_identical_owners():
    few, many = simulate("numba", 3, 1 * ms), simulate("numba", 9, 1 * ms)
    (few_loop,), (many_loop,) = loop_function_of(few[0]), loop_function_of(many[0])
    assert len(many_loop.plans) == 3 * len(few_loop.plans)
    assert len(many_loop.source.splitlines()) == len(few_loop.source.splitlines())
    # The same functions, called in loops over the owners.
    functions = few_loop.source[: few_loop.source.index("def run_loop")]
    assert many_loop.source.startswith(functions)
    assert "for _o in range(9):" in many_loop.source


def test_repeated_patterns_of_items_are_found():
    A, B, C = "A", "B", "C"
    assert repeated_runs([A, B, C] * 4) == [(0, 3, 4)]
    assert repeated_runs([None, A, A, A, None, B]) == [(0, 1, 1), (1, 1, 3), (4, 1, 1), (5, 1, 1)]
    # The longest cover wins; a pattern never spans an inline item.
    assert repeated_runs([A, B, A, B, A, C, A, C]) == [(0, 2, 2), (4, 2, 2)]
    assert repeated_runs([A, A, B, A, A, B]) == [(0, 3, 2)]
    assert repeated_runs([A, None, A]) == [(0, 1, 1), (1, 1, 1), (2, 1, 1)]
