"""Thresholds scanned in blocks, and kernels split between threads, in the generated Numba loop
(axonal/codegen/numba_target.py): the events, their order and the state are the serial
loop's and the NumPy target's, whatever the number of threads."""

import ast
import gc
import itertools
import tempfile
from pathlib import Path

import numba
import numpy as np
import pytest

import axonal
from axonal import ms
from axonal.codegen import numba_kernel_code
from axonal.codegen.numba_target import (
    THRESHOLD_BLOCK,
    NetworkLoop,
    ScheduledItem,
    SpikeRecording,
    branch_free_condition,
    event_keys,
    generate_network_loop,
    seed_numba,
)
from axonal.codegen.targets import set_target
from axonal.model.ir import Expression, Kernel, KernelRole, Statement, VariableKind, VariableRef
from axonal.network import fused
from axonal.network.fused import loop_function_of
from tests.codegen.test_numba_loop import _assert_same_run, _copy, _cuba_module
from tests.test_targets_agree import CONSTANTS, assert_same, cuba_network, results

TWO_THREADS = pytest.mark.skipif(
    numba.config.NUMBA_NUM_THREADS < 2, reason="Numba has a single thread here"
)


@pytest.fixture(autouse=True)
def _test_kernel_cache(monkeypatch):
    monkeypatch.setenv("AXONAL_CACHE_DIR", str(Path(tempfile.gettempdir()) / "axonal-test-kernels"))


@pytest.fixture
def threads():
    """``threads(n)`` sets Numba's number of threads for the test; restored afterwards."""
    before = numba.get_num_threads()
    yield numba.set_num_threads
    numba.set_num_threads(before)


# -- the branch-free form of a condition ------------------------------------------------------

DTYPES = {"v": "float64", "flag": "bool", "count": "int64"}
CONDITIONS = [
    "v > 0.5 and flag",
    "v > 0.5 and flag or count",
    "(v < 0.2 or v > 0.8) and not flag",
    "0.2 < v <= 0.8",
    "0.2 < v < count",
    "count",
    "not count and flag",
    "v > 0.5 and (count if flag else 0)",
    "v and count",
]


@pytest.mark.parametrize("condition", CONDITIONS)
def test_a_condition_without_branches_means_the_same(condition):
    eager = branch_free_condition(Expression(condition), DTYPES)
    tree = ast.parse(eager.code, mode="eval")
    assert not any(isinstance(node, ast.BoolOp) for node in ast.walk(tree))
    compare_chains = [n for n in ast.walk(tree) if isinstance(n, ast.Compare) and len(n.ops) > 1]
    assert not compare_chains
    for v, flag, count in itertools.product([0.0, 0.1, 0.5, 0.6, 0.9], [False, True], [0, 1, 2]):
        values = {"v": v, "flag": flag, "count": count}
        expected = bool(eval(condition, {}, values))
        found = eval(eager.code, {}, values)
        assert isinstance(found, bool) and found == expected, values


# -- a threshold kernel over many elements -----------------------------------------------------


def _plan(loop, role: str):
    """How the loop runs its one item of ``role`` (a description the printer follows)."""
    (plan,) = [plan for plan in loop.plans if plan.role == role]
    return plan


def _threshold_network(n: int, condition: str, statements=()):
    """Values that move each step (a logistic map) and a threshold on them."""
    variables = {
        "x": VariableRef("x", VariableKind.ARRAY, array="G.x"),
        "y": VariableRef("y", VariableKind.ARRAY, array="G.y"),
        "flag": VariableRef("flag", VariableKind.ARRAY, dtype="bool", array="G.flag"),
        "level": VariableRef("level", VariableKind.CONSTANT),
        "i": VariableRef("i", VariableKind.INDEX, dtype="int64", array="G.i"),  # as in groups
    }
    update = Kernel(
        "G.update", "G", KernelRole.STATE_UPDATE,
        (
            Statement("x", "=", Expression("3.9 * x * (1 - x)")),
            Statement("flag", "=", Expression("y > 0.3")),
            Statement("y", "=", Expression("3.7 * y * (1 - y)")),
        ),
        variables,
    )  # fmt: skip
    threshold = Kernel(
        "G.threshold", "G", KernelRole.THRESHOLD, tuple(statements), variables,
        condition=Expression(condition),
    )  # fmt: skip
    rng = np.random.default_rng(n)
    state = {
        "G.N": n, "G.x": 0.05 + 0.9 * rng.random(n), "G.y": 0.05 + 0.9 * rng.random(n),
        "G.flag": np.zeros(n, bool), "level": 0.97, "G.i": np.arange(n),
    }  # fmt: skip
    items = [ScheduledItem(update), ScheduledItem(threshold)]
    return [*items, ScheduledItem(None, SpikeRecording("M", "G"))], state


@pytest.mark.parametrize("parallel", [False, True])
@pytest.mark.parametrize("n", [0, 1, THRESHOLD_BLOCK - 1, THRESHOLD_BLOCK + 1, 1000])
def test_thresholds_find_the_events_of_numpy_in_order_at_every_block_edge(n, parallel, monkeypatch):
    monkeypatch.setattr(numba_kernel_code, "THRESHOLD_CHUNK", 4 * THRESHOLD_BLOCK)  # several chunks
    items, state = _threshold_network(n, "x > level and flag or y > 0.924")
    loop, numba_state, recorded = _assert_same_run(items, state, 40, 1e-4, parallel=parallel)
    threshold = _plan(loop, "threshold")
    assert threshold.scan == "blocks" and "np.uint64" in threshold.code
    assert threshold.threaded == loop.threaded == parallel
    if n == 1000:
        indices, times = recorded["M"]
        assert len(indices) > 20 and len(set(times)) > 5  # events in several steps and blocks


@pytest.mark.parametrize("parallel", [False, True])
def test_a_threshold_with_subexpressions_scans_in_blocks(parallel, monkeypatch):
    monkeypatch.setattr(numba_kernel_code, "THRESHOLD_CHUNK", 2 * THRESHOLD_BLOCK)
    statements = (Statement("_s", "=", Expression("x * y"), temporary=True),)
    items, state = _threshold_network(700, "_s > 0.6 and not flag", statements)
    loop, _, recorded = _assert_same_run(items, state, 30, 1e-4, parallel=parallel)
    assert _plan(loop, "threshold").scan == "blocks" and len(recorded["M"][0]) > 10


@pytest.mark.parametrize("parallel", [False, True])
def test_a_threshold_on_the_element_index_computes_with_signed_values(parallel, monkeypatch):
    monkeypatch.setattr(numba_kernel_code, "THRESHOLD_CHUNK", 2 * THRESHOLD_BLOCK)
    items, state = _threshold_network(300, "x > 0.9 and (i - 100) % 3 == 1")
    loop, _, recorded = _assert_same_run(items, state, 20, 1e-4, parallel=parallel)
    threshold = _plan(loop, "threshold")
    assert threshold.scan == "blocks"
    assert len(recorded["M"][0]) > 10 and set(recorded["M"][0] % 3) == {2}


def test_a_threshold_drawing_random_numbers_stays_one_serial_scan():
    items, state = _threshold_network(500, "rand() < 0.01 and flag")
    loop = generate_network_loop(items, parallel=True)
    threshold = _plan(loop, "threshold")
    assert threshold.scan == "each" and not threshold.threaded
    found = []
    for _ in range(2):
        seed_numba(5)
        run_state = _copy(state)
        loop.run(run_state, 50, 0.0, 1e-4)
        found.append(run_state["M.i"][: run_state["M.n"][0]].copy())
    assert len(found[0]) > 50 and np.array_equal(found[0], found[1])


def test_a_threshold_calling_a_user_function_tests_each_element_once():
    items, state = _threshold_network(200, "half(x) > 0.3")
    loop = generate_network_loop(items, {"half": lambda value: value / 2})
    assert _plan(loop, "threshold").scan == "each"
    run_state = _copy(state)
    loop.run(run_state, 3, 0.0, 1e-4)
    assert np.array_equal(run_state["G._events_spike"][: run_state["G._n_events_spike"][0]],
                          np.flatnonzero(run_state["G.x"] / 2 > 0.3))  # fmt: skip


# -- the number of threads ---------------------------------------------------------------------


@pytest.mark.slow
@TWO_THREADS
def test_cuba_spikes_and_state_are_the_same_with_one_and_two_threads(threads):
    cuba = _cuba_module()
    items = cuba.cuba_kernels()
    state = cuba.cuba_state(n=3 * numba_kernel_code.THRESHOLD_CHUNK + 100, p=0.01, seed=3)
    serial = generate_network_loop(items)
    parallel = generate_network_loop(items, parallel=True)
    assert _plan(parallel, "threshold").threaded and not serial.threaded
    runs = []
    for loop, n_threads in ((serial, 2), (parallel, 1), (parallel, 2)):
        threads(n_threads)
        run_state = _copy(state)
        loop.run(run_state, 300, 0.0, cuba.DT)
        runs.append(run_state)
    spikes = runs[0]["spikes.n"][0]
    assert spikes > 1000
    events, count = event_keys("P")
    for other in runs[1:]:
        for key, value in runs[0].items():
            if key == events:  # beyond the count, the buffer holds what each chunk left there
                value, other[key] = value[: runs[0][count][0]], other[key][: other[count][0]]
            if isinstance(value, np.ndarray):
                np.testing.assert_array_equal(other[key], value, err_msg=key)


@pytest.mark.slow
@TWO_THREADS
def test_the_parallel_loop_gives_the_numpy_targets_spikes(threads, monkeypatch):
    monkeypatch.setattr(numba_kernel_code, "THRESHOLD_CHUNK", 2 * THRESHOLD_BLOCK)
    cuba = _cuba_module()
    items = cuba.cuba_kernels()
    state = cuba.cuba_state(n=1000, p=0.08, seed=4)
    threads(2)
    loop, numba_state, recorded = _assert_same_run(
        items, state, n_steps=400, dt=cuba.DT, parallel=True
    )
    assert len(recorded["spikes"][0]) > 100 and loop.threaded
    # The chunks' event counts live in a buffer of the loop (one per chunk of 128 elements)
    # and add up to the last step's events: run again up to the step with the most spikes.
    busiest = np.bincount(np.round(np.asarray(recorded["spikes"][1]) / cuba.DT).astype(int))
    _, numba_state, _ = _assert_same_run(
        items, state, n_steps=busiest.argmax() + 1, dt=cuba.DT, parallel=True
    )
    counts = numba_state["P._chunk_counts_spike"]
    assert len(counts) == 8 and counts.sum() == numba_state["P._n_events_spike"][0] > 1


def test_the_chunk_count_buffer_fits_the_chunks_the_loop_was_printed_with(monkeypatch):
    """A run state kept from a loop printed with another THRESHOLD_CHUNK holds a buffer of
    another length, which the loop would write past (unchecked): prepare() makes it anew."""
    cuba = _cuba_module()
    items = cuba.cuba_kernels()
    state = cuba.cuba_state(n=1000, p=0.01, seed=4)
    key = "P._chunk_counts_spike"
    monkeypatch.setattr(numba_kernel_code, "THRESHOLD_CHUNK", 8 * THRESHOLD_BLOCK)
    generate_network_loop(items, parallel=True).prepare(state)
    assert len(state[key]) == -(-1000 // (8 * THRESHOLD_BLOCK))
    monkeypatch.setattr(numba_kernel_code, "THRESHOLD_CHUNK", 2 * THRESHOLD_BLOCK)
    loop = generate_network_loop(items, parallel=True)
    monkeypatch.setattr(numba_kernel_code, "THRESHOLD_CHUNK", 4 * THRESHOLD_BLOCK)  # (since)
    loop.prepare(state)
    assert len(state[key]) == -(-1000 // (2 * THRESHOLD_BLOCK))
    assert f"* {2 * THRESHOLD_BLOCK}" in loop.source  # the chunk size printed


# -- the fused run's choice ----------------------------------------------------------------------


@pytest.fixture
def numba_run():
    set_target("numba")
    yield
    set_target("numpy")
    gc.collect()


@pytest.mark.slow
@TWO_THREADS
def test_large_groups_run_on_threads_in_the_fused_run_with_unchanged_results(
    numba_run, threads, monkeypatch
):
    set_target("numpy")
    axonal.start_scope()
    net, monitors = cuba_network()
    net.run(20 * ms, namespace=CONSTANTS)
    reference = results(net, monitors)
    set_target("numba")
    monkeypatch.setattr(fused, "PARALLEL_MIN_ELEMENTS", 300)  # the 300 neurons, not the rest
    monkeypatch.setattr(numba_kernel_code, "THRESHOLD_CHUNK", 2 * THRESHOLD_BLOCK)
    monkeypatch.setattr(fused, "busy_cores", lambda: 0.0)  # an idle machine: all threads
    monkeypatch.setattr(fused, "_last_load", [])
    used = []
    original_run = NetworkLoop.run
    monkeypatch.setattr(
        NetworkLoop,
        "run",
        lambda *a, **k: (used.append(numba.get_num_threads()), original_run(*a, **k)),
    )
    for n_threads in (1, 2):
        threads(n_threads)
        axonal.start_scope()
        net, monitors = cuba_network()
        net.run(20 * ms, namespace=CONSTANTS)
        assert_same(reference, results(net, monitors))
        assert used[-1] == n_threads and numba.get_num_threads() == n_threads
        (loop,) = loop_function_of(net)
        kernels = [plan.role for plan in loop.plans]
        on_threads = [plan.role for plan in loop.plans if plan.threaded]
        # The group of 300's kernels over all neurons, not the group of 3's state update.
        assert sorted(on_threads) == ["run_regularly", "state_update", "threshold"]
        assert kernels.count("state_update") > 1


def test_small_groups_stay_serial_in_the_fused_run(numba_run):
    axonal.start_scope()
    net, _ = cuba_network()
    net.run(1 * ms, namespace=CONSTANTS)
    (loop,) = loop_function_of(net)
    assert not loop.threaded
    assert fused.PARALLEL_MIN_ELEMENTS > 300


@pytest.mark.parametrize(
    "busy, expected", [(0.0, 2), (0.4, 2), (0.6, 1), (1.5, 1), (2.0, 1), (None, 2)]
)
def test_a_run_takes_only_the_threads_that_idle_cores_can_run(busy, expected, monkeypatch):
    monkeypatch.setattr(fused.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(fused, "busy_cores", lambda: busy)
    monkeypatch.setattr(fused, "_last_load", [])
    assert fused.threads_for_run(2) == expected
    assert fused.threads_for_run(1) == 1


def test_the_load_is_sampled_again_only_after_a_while(monkeypatch):
    samples = []
    monkeypatch.setattr(fused, "busy_cores", lambda: samples.append(1) or 0.0)
    monkeypatch.setattr(fused, "_last_load", [])
    clock = [100.0]
    monkeypatch.setattr(fused.time, "monotonic", lambda: clock[0])
    fused.threads_for_run(2)
    clock[0] += fused._LOAD_KEPT_SECONDS / 2
    fused.threads_for_run(2)
    assert len(samples) == 1
    clock[0] += fused._LOAD_KEPT_SECONDS
    fused.threads_for_run(2)
    assert len(samples) == 2


def test_the_busy_cores_are_measured_from_the_cpu_times(monkeypatch):
    samples = iter([[100, 0, 50, 800, 50, 0, 0, 0], [160, 0, 70, 900, 70, 0, 0, 0]])
    monkeypatch.setattr(fused, "_cpu_times", lambda: next(samples))
    monkeypatch.setattr(fused.os, "cpu_count", lambda: 2)
    # 80 of 200 ticks busy over both cores: 0.8 cores
    assert fused.busy_cores(0.0) == pytest.approx(0.8)
