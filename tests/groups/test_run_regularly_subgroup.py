"""Subgroup.run_regularly: code on a subgroup's neurons only, with i and N of the subgroup."""

import numpy as np
import pytest

from axonal import *
from axonal.codegen.targets import TARGETS
from axonal.groups.group import GroupError
from axonal.network.fused import loop_function_of

# Brian 2.9.0 (numpy target), same script with `from brian2 import *`: G.v after the run and
# the monitor's rows (time x neuron, mV), printed by /work/refenv/bin/python.
BRIAN_V_END_MV = [0.5, 0.5, 0.1, -0.9, -1.9, 0.5, 0.5, 0.5, 0.5, 0.5]
BRIAN_TRACE_MV = [
    [0.0, 0.0, 0.0, -1.0, -2.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.1, 0.1, 0.1, -0.9, -1.9, 0.1, 0.1, 0.1, 0.1, 0.1],
    [0.2, 0.2, 0.0, -1.0, -2.0, 0.2, 0.2, 0.2, 0.2, 0.2],
    [0.3, 0.3, 0.1, -0.9, -1.9, 0.3, 0.3, 0.3, 0.3, 0.3],
    [0.4, 0.4, 0.0, -1.0, -2.0, 0.4, 0.4, 0.4, 0.4, 0.4],
]


@pytest.mark.parametrize("target", TARGETS)
def test_only_the_subgroup_is_set_with_its_own_index(target):
    set_target(target)
    start_scope()
    G = NeuronGroup(10, "dv/dt = 1*volt/second : volt")
    G[2:5].run_regularly("v = -i*mV", dt=0.2 * ms)
    M = StateMonitor(G, "v", record=True)
    net = Network(G, M)
    net.run(0.5 * ms)
    np.testing.assert_allclose(G.v / mV, BRIAN_V_END_MV, atol=1e-12)
    np.testing.assert_allclose(M.v.T / mV, BRIAN_TRACE_MV, atol=1e-12)
    if target == "numba":
        assert len(loop_function_of(net)) == 1  # it ran inside the compiled loop


@pytest.mark.parametrize("target", TARGETS)
def test_the_python_loop_gives_the_same(target):
    """A network operation keeps the run in the Python loop: kernels are called one by one."""
    set_target(target)
    start_scope()
    G = NeuronGroup(10, "dv/dt = 1*volt/second : volt")
    G[2:5].run_regularly("v = -i*mV", dt=0.2 * ms)
    M = StateMonitor(G, "v", record=True)
    calls = []
    operation = network_operation(lambda: calls.append(1))
    net = Network(G, M, operation)
    net.run(0.5 * ms)
    assert len(calls) == 5 and not loop_function_of(net)
    np.testing.assert_allclose(M.v.T / mV, BRIAN_TRACE_MV, atol=1e-12)


@pytest.mark.parametrize("target", TARGETS)
def test_N_is_the_subgroup_size_and_updates_accumulate(target):
    set_target(target)
    start_scope()
    G = NeuronGroup(10, "v : 1\nstep : 1")
    G.step = "i"
    G[6:9].run_regularly("v += N + 100*i + step")
    run(0.3 * ms)
    expected = np.zeros(10)
    expected[6:9] = 3 * (3 + 100 * np.arange(3) + np.arange(6, 9))
    np.testing.assert_allclose(G.v, expected)


@pytest.mark.parametrize("target", TARGETS)
def test_a_subgroup_operation_can_read_a_linked_variable(target):
    set_target(target)
    start_scope()
    source = NeuronGroup(4, "I : volt")
    source.I = "i * mV"
    G = NeuronGroup(4, "x : volt (linked)\nv : volt\nhalf = x / 2 : volt")
    G.x = linked_var(source, "I", index=[3, 2, 1, 0])
    G[1:3].run_regularly("v = half + x")
    H = NeuronGroup(4, "y : volt (linked)\nw : volt")
    H.y = linked_var(source, "I")
    H[2:4].run_regularly("w = 2 * y")
    run(0.1 * ms)
    np.testing.assert_allclose(G.v / mV, [0, 3, 1.5, 0])
    np.testing.assert_allclose(H.w / mV, [0, 0, 4, 6])


@pytest.mark.parametrize("target", TARGETS)
def test_targets_agree_with_spikes_and_a_subgroup_operation(target):
    """Two subgroups kick their neurons at different periods; spikes follow exactly."""
    set_target(target)
    start_scope()
    G = NeuronGroup(
        6, "dv/dt = -v / (10*ms) : volt", threshold="v > 10*mV", reset="v = 0*mV", method="exact"
    )
    G[0:3].run_regularly("v += (4 + i)*mV", dt=1 * ms)
    G[3:6].run_regularly("v += 12*mV", dt=2.5 * ms)
    spikes = SpikeMonitor(G)
    run(10 * ms)
    # The same schedule by hand: kicks at the step's start, decay, threshold, reset.
    v, expected = np.zeros(6), {neuron: [] for neuron in range(6)}
    for step in range(100):
        if step % 10 == 0:
            v[0:3] += 4 + np.arange(3)
        if step % 25 == 0:
            v[3:6] += 12
        v *= np.exp(-0.01)
        for neuron in np.flatnonzero(v > 10):
            expected[neuron].append(step * 0.1)
        v[v > 10] = 0
    trains = spikes.spike_trains()
    assert len(expected[2]) > len(expected[0]) > 2 and len(expected[5]) == 4
    for neuron in range(6):
        np.testing.assert_allclose(trains[neuron] / ms, expected[neuron], atol=1e-9)


def test_a_subgroup_operation_checks_its_code():
    start_scope()
    G = NeuronGroup(4, "v : volt")
    part = G[1:3]
    part.run_regularly("i = 3")
    with pytest.raises(GroupError, match=f"{part.name}: 'i = 3' writes to the read-only 'i'"):
        run(0.1 * ms)
