"""Delays stored once while all synapses share one (axonal/synapses/delays.py): what users read
and set, as Brian 2.9.0 does (tests/synapses/reference/brian2_delays.json, written by
brian2_delays.py), what is stored, and spikes arriving after them on both targets."""

import json
from pathlib import Path

import numpy as np
import pytest

import axonal
from axonal import *
from axonal.groups.group import GroupError
from tests.synapses.delay_scripts import (
    code_reads_the_delay,
    no_delay_given,
    one_value_delay,
    pathway_delays,
    queued_spikes_one_value_changed,
    store_and_restore,
)

REFERENCE = json.loads((Path(__file__).parent / "reference" / "brian2_delays.json").read_text())


def stored_bytes(synapses) -> int:
    """Bytes of the synapses' stored arrays, each once (as benchmarks/axonal_bench.py counts)."""
    arrays = {id(v): v for v in synapses.state_arrays().values() if isinstance(v, np.ndarray)}
    return sum(array.nbytes for array in arrays.values())


# -- reading and setting, as Brian 2 ------------------------------------------------------------
def test_a_delay_given_as_one_value_reads_and_sets_as_in_brian2():
    assert one_value_delay(axonal) == REFERENCE["one_value_delay"]


def test_a_delay_not_given_is_one_per_synapse_as_in_brian2():
    assert no_delay_given(axonal) == REFERENCE["no_delay_given"]


def test_pathways_with_delays_of_their_own_as_in_brian2(both_targets):
    assert pathway_delays(axonal) == REFERENCE["pathway_delays"]


def test_code_reads_the_delay_as_in_brian2(both_targets):
    assert code_reads_the_delay(axonal) == REFERENCE["code_reads_the_delay"]


def test_spikes_queued_before_a_one_value_delay_changes_arrive_as_in_brian2(both_targets):
    assert queued_spikes_one_value_changed(axonal) == REFERENCE["queued_spikes_one_value_changed"]


def test_restore_brings_the_delays_back_unlike_brian2(both_targets):
    """Brian 2.9.0 does not restore delays (its delay variables are constants, left out of
    its stored state); axonal's store() keeps every object's state, delays too."""
    found = store_and_restore(axonal)
    brian2 = REFERENCE["store_and_restore"]
    assert found["changed"] == brian2["changed"] == {"shape": [2], "ms": [3.0, 4.0]}
    assert brian2["restored"] == brian2["changed"]  # (Brian 2 keeps the changed delays)
    assert found["restored"] == {"shape": [2], "ms": [1.0, 2.0]}
    assert found["restored one value"] == {"shape": [2], "ms": [1.5, 1.5]}
    # the spikes at 0.5 ms arrive after the restored 1.5 ms
    assert found["arrived"] == {"shape": [2], "ms": [2.0, 2.0]}


def test_refused_accesses_name_the_synapses_and_what_is_expected():
    start_scope()
    G = NeuronGroup(2, "v : 1", threshold="v > 1")
    S = Synapses(G, G, on_pre="v += 1", delay=1 * ms, name="fixed")
    S.connect()
    hint = "create the Synapses without delay= and set fixed.delay = ... after connect"
    with pytest.raises(IndexError, match=f"fixed.delay, given as one value.*{hint}"):
        S.delay[0]
    with pytest.raises(TypeError, match=r"len\(\) of fixed.delay: it is one value for all"):
        len(S.delay)
    with pytest.raises(GroupError, match=r"fixed.delay.*one value for all synapses, not 4"):
        S.delay = [1, 2, 3, 4] * ms
    with pytest.raises(GroupError, match=r"fixed.delay.*the code 'j\*ms' reads j"):
        S.delay = "j*ms"
    with pytest.raises(GroupError, match="fixed.delay.*not 4 values"):
        S.delay_ = np.ones(4)
    with pytest.raises(GroupError, match="delays must not be negative"):
        S.delay = -1 * ms
    with pytest.raises(GroupError, match=r"takes one time for 'pre'.*not 2 values"):
        Synapses(G, G, on_pre="v += 1", delay=[1, 2] * ms)
    with pytest.raises(GroupError, match=r"a delay for 'post', which has no code \(pathways: pre"):
        Synapses(G, G, on_pre="v += 1", delay={"post": 1 * ms})
    writes = Synapses(G, G, on_pre="delay = 1*ms", delay=2 * ms, name="writes")
    writes.connect()
    with pytest.raises(GroupError, match="writes: the code 'delay = 1\\*ms' writes to 'delay'"):
        Network(G, writes).run(defaultclock.dt)


def test_refusals_of_a_pathways_delay_name_that_pathway():
    start_scope()
    G = NeuronGroup(3, "v : 1", threshold="v > 1")
    S = Synapses(G, G, "w : 1", on_pre="v += w", on_post="w += 1", delay={"post": 2 * ms})
    S.connect()
    name = f"{S.name}.post.delay"
    hint = rf"without delay=\{{'post': \.\.\.\}} and set {name} = \.\.\. after connect"
    unindexed = rf"\({name} or \[:\], not \[0\]\)"
    with pytest.raises(IndexError, match=rf"^{name}, given.*{unindexed}.*{hint}"):
        S.post.delay[0]
    with pytest.raises(GroupError, match=rf"^{name}, given.*not 9 values.*{hint}"):
        S.post.delay = np.arange(9) * ms
    with pytest.raises(GroupError, match=rf"^{name}, given.*not 9 values.*{hint}"):
        S.set_states({"_delay_post": np.arange(9) * 1e-3}, units=False)


def one_delay_and_one_each(delay):
    """Synapses given one ``delay``, and synapses whose delays differ (``i`` ms), on 3 cells."""
    start_scope()
    G = NeuronGroup(3, "v : 1", threshold="v > 1")
    one = Synapses(G, G, on_pre="v += 1", delay=delay)
    one.connect(j="i")
    each = Synapses(G, G, on_pre="v += 1")
    each.connect(j="i")
    each.delay = "i * ms"
    return G, one, each


def test_get_states_and_set_states_give_and_take_the_delay_as_read():
    G, one, each = one_delay_and_one_each(2 * ms)
    assert one.get_states(["delay"])["delay"] == 2 * ms
    assert list(each.get_states(["delay"], units=False)["delay"]) == [0, 1e-3, 2e-3]
    one.set_states({"delay": 4 * ms})
    each.set_states({"delay": [3, 4, 5] * ms})
    assert one.delay == 4 * ms and list(each.delay[:] / ms) == [3, 4, 5]
    one.set_states({"delay": 0.005}, units=False)
    each.set_states({"delay": 0.006}, units=False)
    assert one.delay == 5 * ms and list(each.delay[:] / ms) == [6, 6, 6]
    assert each.variables["delay"].uniform  # (one value written to all: stored once)


def test_a_delay_given_as_code_is_drawn_for_each_new_synapse():
    """An axonal extension (Brian 2 takes only a quantity): ``delay='...'`` is evaluated for
    the synapses each connect() makes, those made before keep theirs."""
    start_scope()
    seed(3)
    G = NeuronGroup(50, "v : 1", threshold="v > 1")
    S = Synapses(G, G, on_pre="v += 1", delay="(1 + rand())*ms")
    S.connect(i=np.arange(20), j=0)
    first = np.asarray(S.delay[:] / ms).copy()
    S.connect(i=np.arange(20, 50), j=1)
    values = np.asarray(S.delay[:] / ms)
    assert len(values) == 50 and np.array_equal(values[:20], first)
    assert np.all((values >= 1) & (values < 2)) and len(np.unique(values)) == 50


# -- what is stored ------------------------------------------------------------------------------
def test_a_delay_shared_by_all_synapses_costs_8_bytes_whatever_their_number():
    start_scope()
    G = NeuronGroup(1000, "v : 1", threshold="v > 1")
    given = Synapses(G, G, on_pre="v += 1", delay=1.5 * ms)
    given.connect(p=0.05)
    none = Synapses(G, G, on_pre="v += 1")
    none.connect(p=0.05)
    none.delay = 1 * ms
    each = Synapses(G, G, on_pre="v += 1")
    each.connect(p=0.05)
    each.delay = "rand()*ms"
    for synapses in (given, none):  # i and j: int32, the delay once
        assert stored_bytes(synapses) == 8 * len(synapses) + 8
    assert stored_bytes(each) == 16 * len(each)
    each.delay = 2 * ms  # one value for all again: one array is enough
    assert stored_bytes(each) == 8 * len(each) + 8


def test_equal_delays_set_per_synapse_are_stored_once_from_the_next_run(both_targets):
    start_scope()
    source = SpikeGeneratorGroup(3, [0, 1, 2], [0, 0, 0] * ms)
    target = NeuronGroup(3, "a : second")
    target.a = -1 * ms
    S = Synapses(source, target, on_pre="a_post = t")
    S.connect(j="i")
    S.delay[0] = 1 * ms
    S.delay[1:] = 1 * ms  # per synapse, all equal
    assert not S.variables["delay"].uniform
    Network(source, target, S).run(2 * ms)
    assert S.variables["delay"].uniform and stored_bytes(S) == 8 * 3 + 8
    assert list(target.a[:] / ms) == pytest.approx([1, 1, 1])


def test_a_monitor_built_first_records_a_delay_the_code_reads(both_targets):
    """The code reads the one value stored (a state key of its own), the StateMonitor one
    value per synapse: neither replaces the other, whichever object is built first."""
    start_scope()
    source = SpikeGeneratorGroup(3, [0, 1, 2], [0, 0, 0] * ms)
    target = NeuronGroup(3, "x : 1")
    given = Synapses(source, target, on_pre="x_post += delay/ms", delay=1 * ms)
    given.connect(j="i")
    equal = Synapses(source, target, on_pre="x_post += 10*delay/ms")
    equal.connect(j="i")
    equal.delay[0] = 0.5 * ms
    equal.delay[1:] = 0.5 * ms  # per synapse, all equal: stored once when the run starts
    given_monitor = StateMonitor(given, "delay", record=True)
    equal_monitor = StateMonitor(equal, "delay", record=True)

    @network_operation(when="start")
    def change(t):
        if abs(t / ms - 1) < 1e-9:
            equal.delay = 0.7 * ms  # the one value stored, which the monitor reads too

    Network(given_monitor, equal_monitor, source, target, given, equal, change).run(1.5 * ms)
    assert np.all(given_monitor.delay / ms == 1) and given_monitor.delay.shape == (3, 15)
    assert equal_monitor.delay.shape == (3, 15)
    assert np.all(equal_monitor.delay[:, :10] / ms == 0.5)
    assert np.all(equal_monitor.delay[:, 11:] / ms == 0.7)
    assert list(target.x[:]) == pytest.approx([6, 6, 6])


def test_raw_access_writes_in_place_and_reads_without_copies():
    start_scope()
    G = NeuronGroup(4, "v : 1", threshold="v > 1")
    S = Synapses(G, G, on_pre="v += 1")
    S.connect(j="i")
    S.delay = 2 * ms
    view = np.asarray(S.delay)  # a read: no array per synapse made for it
    assert view.shape == (4,) and S.variables["delay"].uniform and not view.flags.writeable
    assert len(S.delay) == 4
    S.delay_[1] = 0.003  # the raw array is the storage: written in place
    assert list(S.delay[:] / ms) == [2, 3, 2, 2]


def test_brian1_stdp_keeps_a_connections_one_delay_stored_once():
    """ExponentialSTDP copies its Connection's delay by reading and setting it, not through
    the in-place handle, which would lay it out per synapse on both."""
    brian1 = pytest.importorskip("axonal.brian1")
    start_scope()
    volt, still = brian1.volt, "dv/dt = 0*volt/second : volt\ndge/dt = 0*volt/second : volt"
    pre = brian1.NeuronGroup(20, still, threshold=1 * volt)
    post = brian1.NeuronGroup(20, still, threshold=1 * volt)
    C = brian1.Connection(pre, post, "ge", weight=0.5 * mV, sparseness=0.5, delay=2 * ms)
    brian1.ExponentialSTDP(C, 10 * ms, 10 * ms, 0.1 * mV, -0.1 * mV, wmax=1 * mV)
    stdp = C._brian1_stdp
    assert len(stdp) == len(C) > 0 and np.all(np.asarray(stdp.delay) == 2e-3)
    assert C.variables["delay"].uniform and stdp.variables["delay"].uniform


def test_a_failed_step_undoes_the_delays_written_in_it():
    """A network_operation's writes are undone when its step raises (the step's savepoint),
    a delay stored once as one laid out per synapse by the write."""
    G, one, each = one_delay_and_one_each(1 * ms)

    @network_operation
    def change():
        one.delay = 3 * ms
        each.delay = "2 * i * ms"
        raise RuntimeError("after the writes")

    with pytest.raises(RuntimeError, match="after the writes"):
        Network(G, one, each, change).run(defaultclock.dt)
    assert one.delay == 1 * ms and list(each.delay[:] / ms) == [0, 1, 2]


def test_delays_stored_once_for_a_run_are_not_made_per_synapse_during_it(both_targets):
    """The run's kernels read the one value stored when it started: a network_operation may
    change that value (code reads the new one), but not give synapses different delays,
    which the kernels would not see; between runs it may."""
    start_scope()
    source = SpikeGeneratorGroup(2, [0, 1, 0, 1], [0.5, 0.5, 1.5, 1.5] * ms)
    target = NeuronGroup(2, "x : 1")
    S = Synapses(source, target, on_pre="x_post = delay/ms", name="stored_once")
    S.connect(j="i")
    S.delay = 0.2 * ms
    refused = "stored_once.delay is stored once for this run.*set per-synapse delays between"

    @network_operation(when="start")
    def change(t):
        if abs(t / ms - 1) < 1e-9:
            S.delay = 0.4 * ms  # one value for all: the code reads it
            with pytest.raises(GroupError, match=refused):
                S.delay = "(i + 1) * ms"
            with pytest.raises(GroupError, match=refused):
                S.delay[0] = 1 * ms
            with pytest.raises(GroupError, match=refused):
                S.delay_  # noqa: B018  (the in-place handle would be an array per synapse)

    Network(source, target, S, change).run(2 * ms)
    assert list(target.x[:]) == pytest.approx([0.4, 0.4])
    assert S.variables["delay"].uniform and S.delay[:] / ms == pytest.approx([0.4, 0.4])
    S.delay = "(i + 1) * ms"  # between runs
    assert list(S.delay[:] / ms) == pytest.approx([1, 2])


def test_a_pynn_projection_stores_a_delay_shared_by_its_connections_once():
    sim = pytest.importorskip("axonal.pynn")
    sim.setup(timestep=0.1)
    cells = sim.Population(20, sim.IF_curr_exp())
    same = sim.Projection(
        cells, cells, sim.FixedProbabilityConnector(0.5), sim.StaticSynapse(weight=0.1, delay=1.5)
    )
    spread = sim.Projection(
        cells,
        cells,
        sim.FixedProbabilityConnector(0.5),
        sim.StaticSynapse(weight=0.1, delay="0.5 + 0.1*d"),
    )
    same_delays = np.asarray(same.get("delay", format="array"))
    spread_delays = np.asarray(spread.get("delay", format="list", with_address=False))
    same_synapses = [s for s, _ in same._parts][0]
    spread_synapses = [s for s, _ in spread._parts][0]
    sim.end()
    assert np.all(same_delays[~np.isnan(same_delays)] == 1.5)
    assert same_synapses.variables["delay"].uniform
    assert same_synapses.state_arrays()["delay"].nbytes == 8
    assert not spread_synapses.variables["delay"].uniform and len(np.unique(spread_delays)) > 1
