"""Synapses at run time: pathways, weights, delays, summed variables, errors."""

import numpy as np
import pytest

from axonal import *
from axonal.groups.group import GroupError
from axonal.model.errors import EquationError


def test_weights_arrive_at_the_target_and_accumulate():
    start_scope()
    source = NeuronGroup(3, "v : 1", threshold="True")
    target = NeuronGroup(2, "v : 1")
    S = Synapses(source, target, "w : 1", on_pre="v_post += w")
    S.connect(i=[0, 1, 2], j=[0, 1, 1])
    S.w = "1 + i"
    run(2 * defaultclock.dt)
    # every source spikes on both steps; target 1 gets 2 + 3 per step
    assert list(target.v[:]) == [2, 10]


def test_unsuffixed_names_refer_to_the_target():
    start_scope()
    source = NeuronGroup(1, "v : 1", threshold="True")
    target = NeuronGroup(1, "ge : volt")
    S = Synapses(source, target, on_pre="ge += 1.5*mV")
    S.connect()
    run(defaultclock.dt)
    assert target.ge[0] == 1.5 * mV


@pytest.mark.parametrize("delay_steps", [0, 1, 7, 30])
def test_homogeneous_delays_deliver_every_spike_once(delay_steps):
    start_scope()
    source = NeuronGroup(1, "n : 1", threshold="n < 3", reset="n += 1")
    target = NeuronGroup(1, "received : 1\narrivals : 1")
    S = Synapses(source, target, on_pre="received += 1", delay=delay_steps * defaultclock.dt)
    S.connect()
    record = StateMonitor(target, "received", record=0, when="end")
    run((delay_steps + 5) * defaultclock.dt)
    # spikes at steps 0, 1, 2 arrive at steps d, d+1, d+2
    trace = record.received[0]
    assert trace[-1] == 3
    assert np.argmax(trace >= 1) == delay_steps


def test_heterogeneous_delays_by_expression_and_subgroup_source():
    start_scope()
    source = NeuronGroup(4, "n : 1", threshold="n < 1", reset="n += 1")
    target = NeuronGroup(4, "arrived_at : second")
    target.arrived_at = -1 * second
    S = Synapses(source[1:], target, on_pre="arrived_at = t")
    S.connect(j="i")
    S.delay = "j * 2*ms"
    assert list(S.delay[:] / ms) == [0, 2, 4]
    run(10 * ms)
    assert list(target.arrived_at[:3] / ms) == pytest.approx([0, 2, 4])
    assert target.arrived_at[3] == -1 * second


def test_delays_survive_consecutive_runs():
    start_scope()
    source = NeuronGroup(1, "n : 1", threshold="n < 1", reset="n += 1")
    target = NeuronGroup(1, "received : 1")
    S = Synapses(source, target, on_pre="received += 1", delay=5 * ms)
    S.connect()
    run(2 * ms)
    assert target.received[0] == 0
    run(4 * ms)
    assert target.received[0] == 1


def test_summed_variable_is_the_sum_over_incoming_synapses():
    start_scope()
    source = NeuronGroup(3, "x : 1")
    source.x = "i + 1"
    target = NeuronGroup(2, "total : 1")
    S = Synapses(source, target, "w : 1\ntotal_post = w * x_pre : 1 (summed)")
    S.connect(i=[0, 1, 2, 2], j=[0, 0, 0, 1])
    S.w = 2
    run(defaultclock.dt)
    assert list(target.total[:]) == [12, 6]


def test_on_post_pathway_and_pre_variables():
    start_scope()
    source = NeuronGroup(2, "a : 1")
    target = NeuronGroup(1, "v : 1", threshold="True")
    S = Synapses(source, target, "w : 1", on_post="w += 1\na_pre += 10")
    S.connect()
    run(3 * defaultclock.dt)
    assert list(S.w[:]) == [3, 3] and list(source.a[:]) == [30, 30]


def test_errors_name_the_synapses():
    start_scope()
    G = NeuronGroup(2, "v : volt", threshold="v > 1*volt")
    S = Synapses(G, G, on_pre="ge_post += 1*mV", name="syn_missing")
    S.connect()
    with pytest.raises((GroupError, EquationError), match="ge_post"):
        run(defaultclock.dt)
    start_scope()
    with pytest.raises(GroupError, match="must not be negative"):
        Synapses(G, G, on_pre="v += 1*mV", delay=-1 * ms)
    S2 = Synapses(G, G, on_pre="v += 1*mV")
    S2.connect()
    with pytest.raises(GroupError, match="must not be negative"):
        S2.delay = "-j*ms"
    with pytest.raises(DimensionMismatchError):
        S2.delay = 3 * mV
    with pytest.raises(GroupError, match="read-only"):
        S2.i = 0
    start_scope()
    S3 = Synapses(G, G, on_pre="v += 1*nS", name="syn_units")
    S3.connect()
    with pytest.raises(DimensionMismatchError, match="syn_units"):
        run(defaultclock.dt)


def test_summed_variable_into_a_subgroup_leaves_the_rest_of_the_group_alone():
    start_scope()
    source = NeuronGroup(2, "x : 1")
    source.x = "i + 1"
    target = NeuronGroup(4, "total : 1")
    target.total = 7
    S = Synapses(source, target[2:], "total_post = x_pre : 1 (summed)")
    S.connect()
    run(defaultclock.dt)
    assert list(target.total[:]) == [7, 7, 3, 3]


def test_storage_indices_share_the_index_arrays_also_after_restore():
    """A group that is not a subgroup stores its synapses' positions as the indices
    themselves: one int32 array, not two, before and after store()/restore()."""
    start_scope()
    G = NeuronGroup(10, "v : 1", threshold="v > 1")
    S = Synapses(G, G[4:], on_pre="v += 1")
    S.connect(j="i", skip_if_invalid=True)
    S.connect(i=[0, 9], j=[5, 0])
    net = Network(G, S)
    net.store()
    net.restore()
    v = S.variables
    assert v["_pre_idx"].values is v["i"].values and v["i"].values.dtype == np.int32
    assert list(v["_post_idx"].values) == [j + 4 for j in S.j[:]]
    # pairs (0,0) ... (5,5), (0,5), (9,0): targets 0 and 5 and source 0 have two synapses
    assert list(S.N_incoming[:]) == [2, 1, 1, 1, 1, 2, 2, 2]
    assert list(S.N_outgoing[:]) == [2, 1, 1, 1, 1, 1, 2, 1]
