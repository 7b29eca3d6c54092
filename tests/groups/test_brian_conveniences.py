"""Small conveniences Brian 2 scripts rely on (found by running Brian 2's own examples)."""

import numpy as np
import pytest

from axonal import (
    DimensionMismatchError,
    Hz,
    NeuronGroup,
    PoissonInput,
    SpikeGeneratorGroup,
    SpikeMonitor,
    StateMonitor,
    Synapses,
    ms,
    mV,
    nA,
    run,
    start_scope,
)
from axonal.groups.group import GroupError


def test_spike_monitor_it_unpacks_indices_and_times():
    start_scope()
    generator = SpikeGeneratorGroup(3, [2, 0, 1], [0.5, 1.0, 1.5] * ms)
    spikes = SpikeMonitor(generator)
    run(2 * ms)
    i, t = spikes.it
    assert i.tolist() == [2, 0, 1] and np.allclose(t / ms, [0.5, 1.0, 1.5])
    assert np.allclose(spikes.it_[1], [0.5e-3, 1.0e-3, 1.5e-3])


def test_a_plain_zero_sets_a_variable_with_units():
    group = NeuronGroup(3, "I : amp")
    group.I = 2 * nA
    group.I = 0
    assert np.all(group.I == 0 * nA)
    group.I = 2 * nA
    group.I[1:2] = np.zeros(1)
    assert np.allclose(group.I / nA, [2, 0, 2])
    with pytest.raises(DimensionMismatchError):
        group.I = 1  # only zero is the same in every unit


def test_whole_numbers_given_as_floats_are_sizes():
    group = NeuronGroup(2500.0, "v : volt")
    assert group.N == 2500 and isinstance(group.N, int)
    drive = PoissonInput(group, "v", N=200.0, rate=1 * Hz, weight=0.1 * mV)
    assert drive.N == 200
    for bad in (2.5, True, "3"):
        with pytest.raises(GroupError):
            NeuronGroup(bad, "v : 1")


def test_an_integer_index_is_a_one_neuron_subgroup():
    group = NeuronGroup(10, "v : 1")
    group.v = np.arange(10)
    assert group[5].N == 1 and group[5].v[0] == 5
    assert group[-1].v[0] == 9
    with pytest.raises(IndexError, match="no neuron 10"):
        group[10]


def test_one_recorded_element_has_all_the_times():
    start_scope()
    group = NeuronGroup(2, "dv/dt = -v/(10*ms) : 1", method="exact")
    group.v = [1, 2]
    trace = StateMonitor(group, "v", record=True)
    run(0.5 * ms)
    assert np.allclose(trace[1].t / ms, [0, 0.1, 0.2, 0.3, 0.4])
    assert np.allclose(trace[1].v, 2 * np.exp(-trace.t_ / 0.01))


def test_a_name_is_free_again_once_its_object_is_garbage():
    """A group and its synapses refer to each other; built twice in a function with the same
    names, the first pair is garbage by the second call."""

    def build():
        group = NeuronGroup(2, "v : 1", name="cells")
        synapses = Synapses(group, group, on_pre="v += 1", name="links")
        synapses.connect()
        return synapses.N

    assert build() == build() == 4
