"""The generated network loop: spike for spike the same as NumPy kernels called in order."""

import dataclasses
import importlib.util
import tempfile
from pathlib import Path

import numpy as np
import pytest

from axonal.codegen.numba_target import (
    NumbaTargetError,
    OnEvents,
    RateRecording,
    ScheduledItem,
    ScheduledItemError,
    SpikeGeneration,
    SpikeRecording,
    StateRecording,
    SynapsesOfEvents,
    SynapticPathway,
    event_keys,
    generate_network_loop,
    seed_numba,
)
from axonal.codegen.numpy_target import compile_numpy_kernel
from axonal.model.ir import Expression, Kernel, KernelRole, Statement, VariableKind, VariableRef

BENCHMARK = Path(__file__).parents[2] / "benchmarks" / "numba_loop.py"


@pytest.fixture(autouse=True)
def _test_kernel_cache(monkeypatch):
    # Kept between test runs (sources are named by content), apart from the user's cache.
    monkeypatch.setenv("AXONAL_CACHE_DIR", str(Path(tempfile.gettempdir()) / "axonal-test-kernels"))


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
        state["t"], state["dt"] = (round(t0 / dt) + step) * dt, dt  # as the network's Clock
        for item, kernel in zip(items, compiled, strict=True):
            selection = item.selection
            if step % item.every:
                continue
            if isinstance(selection, StateRecording):
                found = recorded.setdefault(selection.monitor, ([], []))
                found[0].append(
                    [state[k][state[selection.indices]] for _, k in selection.variables]
                )
                found[1].append(state["t"])
            elif isinstance(selection, RateRecording):
                found = recorded.setdefault(selection.monitor, ([], []))
                found[0].append(len(events[(selection.source, selection.event)]) / state["G.N"])
                found[1].append(state["t"])
            elif isinstance(selection, SpikeRecording):
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


def _assert_same_run(items, state, n_steps, dt, monitor_capacity=1024, parallel=False):
    reference_state, numba_state = _copy(state), _copy(state)
    recorded = run_numpy_reference(items, reference_state, n_steps, 0.0, dt)
    loop = generate_network_loop(items, parallel=parallel)
    loop.prepare(numba_state, monitor_capacity=monitor_capacity)
    loop.run(numba_state, n_steps, 0.0, dt)
    for name, (values, times) in recorded.items():
        used = numba_state[f"{name}.n"][0]
        np.testing.assert_array_equal(numba_state[f"{name}.t"][:used], times, err_msg=name)
        if f"{name}.i" in numba_state:
            np.testing.assert_array_equal(numba_state[f"{name}.i"][:used], values, err_msg=name)
        elif f"{name}.fraction" in numba_state:
            np.testing.assert_array_equal(numba_state[f"{name}.fraction"][:used], values)
        else:
            recorded_v = numba_state[f"{name}.v"][:used]
            np.testing.assert_array_equal(recorded_v, np.array(values)[:, 0, :], err_msg=name)
    for key, value in reference_state.items():
        if "._queue" not in key and isinstance(value, np.ndarray):
            np.testing.assert_array_equal(numba_state[key], value, err_msg=key)
    return loop, numba_state, recorded


@pytest.mark.parametrize("parallel", [False, pytest.param(True, marks=pytest.mark.slow)])
def test_cuba_network_spikes_identically_to_numpy_kernels(parallel):
    cuba = _cuba_module()
    items = cuba.cuba_kernels()
    state = cuba.cuba_state(n=1000, p=0.08, seed=4)
    loop, numba_state, recorded = _assert_same_run(
        items, state, n_steps=1500, dt=cuba.DT, parallel=parallel
    )
    assert loop.threaded == parallel
    indices, times = recorded["spikes"]
    assert len(indices) > 500  # the network is active: the comparison means something
    assert np.all(np.diff(times) >= 0)
    assert numba_state["P.lastspike"].max() == times[-1]


def _driven_network(delay=None, heterogeneous=False, n=60, seed=0, on_pre=None):
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
        on_pre or (
            Statement("v_post", "+=", Expression("w")), Statement("hits", "+=", Expression("1"))
        ),
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
    with pytest.raises(ScheduledItemError, match="reset kernel 'G.reset' is scheduled on 'all'"):
        ScheduledItem(reset, "all")
    with pytest.raises(NumbaTargetError, match="no threshold kernel in the schedule"):
        generate_network_loop([items[0], items[2]])
    assert event_keys("G") == ("G._events_spike", "G._n_events_spike")


@pytest.mark.slow
def test_synapses_reading_targets_after_accumulating_them_match_statement_by_statement():
    # w reads v_post after all synapses of the step added to it (statement-wise loops).
    on_pre = (
        Statement("v_post", "+=", Expression("w")),
        Statement("w", "=", Expression("clip(w + 0.01*v_post, 0, 0.3)")),
        Statement("hits", "+=", Expression("1"), condition=Expression("v_post > 0.5")),
    )
    items, state = _driven_network(delay=4, heterogeneous=True, on_pre=on_pre)
    loop, numba_state, _ = _assert_same_run(items, state, n_steps=500, dt=1e-4)
    assert "_flat = np.empty(_m, np.int64)" not in loop.source  # heterogeneous: flat already
    assert not np.array_equal(numba_state["S.w"], state["S.w"])
    items, state = _driven_network(on_pre=on_pre)
    loop, _, _ = _assert_same_run(items, state, n_steps=300, dt=1e-4)
    assert "_flat = np.empty(_m, np.int64)" in loop.source


def test_items_scheduled_every_k_steps_run_on_multiples_of_k():
    variables = {
        "calls": VariableRef("calls", VariableKind.ARRAY, dtype="int64", array="G.calls"),
        "last": VariableRef("last", VariableKind.ARRAY, array="G.last"),
        "t": VariableRef("t", VariableKind.CLOCK),
    }
    counter = Kernel(
        "G.regularly", "G", KernelRole.RUN_REGULARLY,
        (Statement("calls", "+=", Expression("1")), Statement("last", "=", Expression("t"))),
        variables,
    )  # fmt: skip
    loop = generate_network_loop([ScheduledItem(counter, every=10)])
    state = {"G.N": 3, "G.calls": np.zeros(3, np.int64), "G.last": np.zeros(3)}
    loop.run(state, 25, 0.0, 1e-3)
    assert list(state["G.calls"]) == [3, 3, 3]  # steps 0, 10, 20
    loop.run(state, 10, 25e-3, 1e-3)  # absolute steps 25..34: only 30
    assert list(state["G.calls"]) == [4, 4, 4]
    assert state["G.last"][0] == pytest.approx(30e-3)
    with pytest.raises(ScheduledItemError, match="every=0 must be a whole number"):
        ScheduledItem(counter, every=0)


def test_random_threshold_fires_at_the_expected_rate_and_is_reproducible_with_a_seed():
    variables = {
        "rates": VariableRef("rates", VariableKind.ARRAY, array="Q.rates"),
        "dt": VariableRef("dt", VariableKind.CLOCK),
    }
    poisson = Kernel(
        "Q.threshold", "Q", KernelRole.THRESHOLD, (), variables,
        condition=Expression("rand() < rates*dt"),
    )  # fmt: skip
    items = [ScheduledItem(poisson), ScheduledItem(None, SpikeRecording("M", "Q"))]
    loop = generate_network_loop(items)

    def spikes(seed):
        seed_numba(seed)
        state = {"Q.N": 200, "Q.rates": np.full(200, 50.0)}
        loop.run(state, 2000, 0.0, 1e-4)  # 0.2 s at 50 Hz: 10 spikes per neuron expected
        return state["M.i"][: state["M.n"][0]].copy()

    first = spikes(11)
    assert len(first) == pytest.approx(200 * 10, rel=0.1)
    np.testing.assert_array_equal(spikes(11), first)
    assert not np.array_equal(spikes(12)[:100], first[:100])


def test_delays_must_be_whole_non_negative_steps():
    items, state = _driven_network(delay=3)
    loop = generate_network_loop(items)
    state["S.delay"] = 2.5
    with pytest.raises(NumbaTargetError, match="'S.pre': the delay 'S.delay' must be whole"):
        loop.run(state, 1, 0.0, 1e-4)
    items, state = _driven_network(delay=3, heterogeneous=True)
    state["S.delay"] = -state["S.delay"] - 1
    with pytest.raises(NumbaTargetError, match="at least 0, one per synapse"):
        generate_network_loop(items).run(state, 1, 0.0, 1e-4)


def test_integer_or_float_constant_values_share_one_compiled_loop():
    items, state = _driven_network()
    loop = generate_network_loop(items)
    loop.run(state, 5, 0.0, 1e-4)
    state["tau"] = 1  # an int now: passed as float64 all the same
    loop.run(state, 5, 5e-4, 1e-4)
    assert len(loop.function.signatures) == 1


def test_state_and_rate_recordings_grow_and_match_the_reference():
    items, state = _driven_network()
    state["V.indices"] = np.array([0, 5, 59])
    items.insert(2, ScheduledItem(None, StateRecording("V", (("v", "G.v"),), "V.indices"), every=3))
    items.append(ScheduledItem(None, RateRecording("R", "G")))
    _, numba_state, recorded = _assert_same_run(
        items, state, n_steps=400, dt=1e-4, monitor_capacity=2
    )
    assert numba_state["V.n"][0] == len(range(0, 400, 3))
    assert numba_state["V.v"].shape[1] == 3
    assert numba_state["R.n"][0] == 400
    fractions = numba_state["R.fraction"][:400]
    assert fractions.sum() * 60 == pytest.approx(numba_state["M.n"][0])


def test_generated_spikes_drive_a_delayed_pathway_on_the_given_steps():
    items, state = _driven_network(delay=2)
    state.update({"G.drive": np.zeros(60), "G.v": np.zeros(60), "tau": 1e9})
    source = {"In.N": 3, "In.steps": np.array([1, 1, 4, 9]), "In.indices": np.array([0, 2, 1, 0])}
    pathway = SynapticPathway("In.pre", "In", indptr="In._indptr", delay="In.delay")
    on_pre = Kernel(
        "In.on_pre", "In", KernelRole.SYNAPTIC_EVENT, (Statement("v_post", "+=", Expression("1")),),
        {"v_post": VariableRef("v_post", VariableKind.ARRAY, array="G.v", index="In._post")},
    )  # fmt: skip
    source.update({"In._indptr": np.array([0, 1, 1, 2]), "In._post": np.array([7, 8])})
    source["In.delay"] = 2
    schedule = [
        ScheduledItem(None, SpikeGeneration("In", "In.steps", "In.indices")),
        ScheduledItem(None, SpikeRecording("InSpikes", "In")),
        ScheduledItem(on_pre, SynapsesOfEvents(pathway)),
        *items[:2],
    ]
    state.update(source)
    loop = generate_network_loop(schedule)
    trace = []
    for step in range(12):
        loop.run(state, 1, step * 1e-4, 1e-4)
        trace.append((state["G.v"][7], state["G.v"][8]))
    assert list(state["InSpikes.i"][: state["InSpikes.n"][0]]) == [0, 2, 1, 0]
    np.testing.assert_allclose(state["InSpikes.t"][:4], [1e-4, 1e-4, 4e-4, 9e-4])
    arrivals_7 = [round(v7) for v7, _ in trace]
    assert arrivals_7 == [0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2]  # steps 1 + 2 and 9 + 2
    assert [round(v8) for _, v8 in trace][2:4] == [0, 1]  # index 2 at step 1 arrives at 3


def test_a_run_split_into_calls_equals_one_run():
    # Queued spikes, event buffers and monitors carry over; time is step * dt in both.
    items, state = _driven_network(delay=6, heterogeneous=True)
    whole, split = _copy(state), _copy(state)
    loop = generate_network_loop(items)
    loop.run(whole, 500, 0.0, 1e-4)
    loop.run(split, 123, 0.0, 1e-4)
    loop.run(split, 377, 123 * 1e-4, 1e-4)
    for key in ("G.v", "S.hits", "M.i", "M.t", "M.n"):
        np.testing.assert_array_equal(split[key], whole[key], err_msg=key)
    assert whole["M.n"][0] > 50


def test_the_same_model_under_other_object_names_gives_the_same_source():
    cuba = _cuba_module()
    items = cuba.cuba_kernels()
    renamed = []
    for item in items:
        kernel = item.kernel
        if kernel is not None:
            variables = {
                name: dataclasses.replace(
                    ref,
                    array=ref.array and ref.array.replace("P.", "Q."),
                    index=ref.index and ref.index.replace("Ce.", "E."),
                )
                for name, ref in kernel.variables.items()
            }
            kernel = dataclasses.replace(kernel, name="x" + kernel.name, variables=variables)
        renamed.append(dataclasses.replace(item, kernel=kernel))
    loop = generate_network_loop(items)
    assert generate_network_loop(renamed).source == loop.source
    assert loop.parameters.splitlines()[0] == "a_0 = P.ge"
    assert "_inv1 = exp(-dt / taum)" in loop.parameters.splitlines()
