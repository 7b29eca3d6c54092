"""The generated network loop: spike for spike the same as NumPy kernels called in order."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from axonal.codegen.numba_target import (
    NumbaTargetError,
    OnEvents,
    ScheduledItem,
    SpikeRecording,
    SynapsesOfEvents,
    SynapticPathway,
    event_keys,
    generate_network_loop,
)
from axonal.codegen.numpy_target import compile_numpy_kernel
from axonal.model.ir import Expression, Kernel, KernelRole, Statement, VariableKind, VariableRef

BENCHMARK = Path(__file__).parents[2] / "benchmarks" / "numba_loop.py"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("AXONAL_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "kernels"))


def _cuba_module():
    spec = importlib.util.spec_from_file_location("numba_loop_benchmark", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _copy(state):
    return {key: np.copy(v) if isinstance(v, np.ndarray) else v for key, v in state.items()}


def run_numpy_reference(items, state, n_steps, t0, dt):
    """The schedule run step by step with NumPy kernels; returns {monitor: (i, t)}."""
    compiled = [
        None if item.kernel is None else compile_numpy_kernel(item.kernel) for item in items
    ]
    events, arrivals, recorded = {}, {}, {}
    for step in range(n_steps):
        state["t"], state["dt"] = t0 + step * dt, dt
        for item, kernel in zip(items, compiled, strict=True):
            selection = item.selection
            if isinstance(selection, SpikeRecording):
                indices = events[(selection.source, selection.event)]
                found = recorded.setdefault(selection.monitor, ([], []))
                found[0].extend(indices)
                found[1].extend([state["t"]] * len(indices))
            elif isinstance(selection, OnEvents):
                kernel(state, events[(selection.owner, selection.event)])
            elif isinstance(selection, SynapsesOfEvents):
                kernel(state, _arriving_synapses(selection.pathway, state, events, arrivals, step))
            elif item.kernel.role == KernelRole.THRESHOLD:
                events[(item.kernel.owner, item.kernel.event)] = kernel(state)
            else:
                kernel(state)
    return {name: (np.array(i), np.array(t)) for name, (i, t) in recorded.items()}


def _arriving_synapses(pathway, state, events, arrivals, step):
    indptr = state[pathway.indptr]
    ids = state[pathway.synapse_ids] if pathway.synapse_ids else np.arange(indptr[-1])
    rows = [ids[indptr[i] : indptr[i + 1]] for i in events[(pathway.source, pathway.event)]]
    pushed = np.concatenate([np.empty(0, np.int64), *rows]).astype(np.int64)
    queue = arrivals.setdefault(pathway.name, {})
    if pathway.delay is None:
        return pushed
    if pathway.heterogeneous_delays:
        for synapse in pushed:
            queue.setdefault(step + int(state[pathway.delay][synapse]), []).append(synapse)
        return np.array(queue.pop(step, []), dtype=np.int64)
    sources = events[(pathway.source, pathway.event)]
    queue.setdefault(step + int(state[pathway.delay]), []).extend(sources)
    arrived = queue.pop(step, [])
    rows = [ids[indptr[i] : indptr[i + 1]] for i in arrived]
    return np.concatenate([np.empty(0, np.int64), *rows]).astype(np.int64)


def _assert_same_run(items, state, n_steps, dt, monitor_capacity=1024):
    reference_state, numba_state = _copy(state), _copy(state)
    recorded = run_numpy_reference(items, reference_state, n_steps, 0.0, dt)
    loop = generate_network_loop(items)
    loop.prepare(numba_state, monitor_capacity=monitor_capacity)
    loop.run(numba_state, n_steps, 0.0, dt)
    for name, (indices, times) in recorded.items():
        used = numba_state[f"{name}.n"][0]
        np.testing.assert_array_equal(numba_state[f"{name}.i"][:used], indices, err_msg=name)
        np.testing.assert_array_equal(numba_state[f"{name}.t"][:used], times, err_msg=name)
    for key, value in reference_state.items():
        if "._queue" not in key and isinstance(value, np.ndarray):
            np.testing.assert_array_equal(numba_state[key], value, err_msg=key)
    return loop, numba_state, recorded


def test_cuba_network_spikes_identically_to_numpy_kernels():
    cuba = _cuba_module()
    items = cuba.cuba_kernels()
    state = cuba.cuba_state(n=1000, p=0.08, seed=4)
    _, numba_state, recorded = _assert_same_run(items, state, n_steps=1500, dt=cuba.DT)
    indices, times = recorded["spikes"]
    assert len(indices) > 500  # the network is active: the comparison means something
    assert np.all(np.diff(times) >= 0)
    assert numba_state["P.lastspike"].max() == times[-1]


def _driven_network(delay=None, heterogeneous=False, n=60, seed=0):
    """Neurons driven to fire regularly, exciting each other through a delayed pathway."""
    rng = np.random.default_rng(seed)
    variables = {
        "v": VariableRef("v", VariableKind.ARRAY, array="G.v"),
        "drive": VariableRef("drive", VariableKind.ARRAY, array="G.drive"),
        "tau": VariableRef("tau", VariableKind.CONSTANT),
        "dt": VariableRef("dt", VariableKind.CLOCK),
    }
    update = Kernel(
        "G.update", "G", KernelRole.STATE_UPDATE,
        (Statement("v", "=", Expression("v + dt*(drive - v)/tau")),), variables,
    )  # fmt: skip
    threshold = Kernel(
        "G.threshold", "G", KernelRole.THRESHOLD, (), variables, condition=Expression("v > 1")
    )
    reset = Kernel(
        "G.reset", "G", KernelRole.RESET, (Statement("v", "=", Expression("0")),), variables
    )
    on_pre = Kernel(
        "S.on_pre", "S", KernelRole.SYNAPTIC_EVENT,
        (Statement("v_post", "+=", Expression("w")), Statement("hits", "+=", Expression("1"))),
        {
            "v_post": VariableRef("v_post", VariableKind.ARRAY, array="G.v", index="S._post"),
            "w": VariableRef("w", VariableKind.ARRAY, array="S.w"),
            "hits": VariableRef("hits", VariableKind.ARRAY, dtype="int64", array="S.hits"),
        },
    )  # fmt: skip
    n_synapses_per_source = rng.integers(0, 6, n)
    indptr = np.concatenate([[0], np.cumsum(n_synapses_per_source)])
    n_synapses = int(indptr[-1])
    order = rng.permutation(n_synapses)  # synapses not stored in source order
    state = {
        "G.N": n, "G.v": rng.random(n), "G.drive": 1.0 + rng.random(n), "tau": 0.01,
        "S.N": n_synapses, "S.w": rng.random(n_synapses) * 0.2,
        "S.hits": np.zeros(n_synapses, np.int64), "S._post": rng.integers(0, n, n_synapses),
        "S._indptr": indptr, "S._ids": order,
    }  # fmt: skip
    if delay is not None:
        state["S.delay"] = rng.integers(0, delay + 1, n_synapses) if heterogeneous else delay
    pathway = SynapticPathway(
        "S.pre", "G", indptr="S._indptr", synapse_ids="S._ids",
        delay=None if delay is None else "S.delay", heterogeneous_delays=heterogeneous,
    )  # fmt: skip
    items = [
        ScheduledItem(update), ScheduledItem(threshold),
        ScheduledItem(None, SpikeRecording("M", "G")),
        ScheduledItem(on_pre, SynapsesOfEvents(pathway)), ScheduledItem(reset, OnEvents("G")),
    ]  # fmt: skip
    return items, state


@pytest.mark.parametrize("delay, heterogeneous", [(None, False), (0, False), (7, False), (9, True)])
def test_delayed_pathways_match_the_reference_even_when_buffers_must_grow(delay, heterogeneous):
    items, state = _driven_network(delay, heterogeneous)
    if heterogeneous:
        state["S.pre._queue"] = np.zeros((10, 1), np.int64)  # forces the queue to grow
        state["S.pre._queue_n"] = np.zeros(10, np.int64)
        state["S.pre._queue_cursor"] = np.zeros(1, np.int64)
    loop, numba_state, recorded = _assert_same_run(
        items, state, n_steps=600, dt=1e-4, monitor_capacity=1
    )
    assert len(recorded["M"][0]) > 100
    assert numba_state["M.i"].shape[0] >= len(recorded["M"][0])  # grew from 1
    assert numba_state["S.hits"].sum() > 0
    if heterogeneous:
        assert numba_state["S.pre._queue"].shape[1] > 1


def test_a_homogeneous_delay_shifts_arrival_by_that_many_steps():
    # One source firing at step 0 onto a silent target: the target's v jumps at step 5.
    items, state = _driven_network(delay=5)
    state.update({"G.N": 2, "G.v": np.array([2.0, 0.0]), "G.drive": np.zeros(2)})
    state.update({"S.N": 1, "S.w": np.array([0.5]), "S.hits": np.zeros(1, np.int64)})
    state.update({"S._post": np.array([1]), "S._indptr": np.array([0, 1, 1])})
    state["S._ids"] = np.array([0])
    loop = generate_network_loop(items)
    target_v = []
    for step in range(7):  # one step per call: queued spikes must survive between calls
        loop.run(state, 1, step * 1e-4, 1e-4)
        target_v.append(state["G.v"][1])
    assert target_v[:5] == [0.0] * 5
    assert target_v[5] == 0.5
    assert target_v[6] == pytest.approx(0.5 * (1 - 1e-4 / 0.01))
    assert list(state["M.i"][: state["M.n"][0]]) == [0]


def test_changing_a_weight_or_delay_value_keeps_the_source():
    cuba = _cuba_module()
    items = cuba.cuba_kernels()
    first = generate_network_loop(items).source
    assert "0.00162" not in first and "-0.009" not in first
    items_delayed, state = _driven_network(delay=3)
    source = generate_network_loop(items_delayed).source
    state["S.delay"] = 4
    assert generate_network_loop(items_delayed).source == source
    assert generate_network_loop(cuba.cuba_kernels()).source == first


def test_schedule_mistakes_are_reported_with_the_kernel_name():
    items, _ = _driven_network()
    reset = items[-1].kernel
    with pytest.raises(NumbaTargetError, match="reset kernel 'G.reset' is scheduled on 'all'"):
        ScheduledItem(reset, "all")
    with pytest.raises(NumbaTargetError, match="no threshold kernel in the schedule"):
        generate_network_loop([items[0], items[2]])
    assert event_keys("G") == ("G._events_spike", "G._n_events_spike")
