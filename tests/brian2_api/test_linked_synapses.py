"""(linked) variables in Synapses, on both targets, against Brian 2's results for the same code."""

import numpy as np
import pytest

from axonal import (
    Network,
    NeuronGroup,
    SpikeGeneratorGroup,
    StateMonitor,
    Synapses,
    linked_var,
    ms,
    set_target,
)
from axonal.codegen.targets import TARGETS
from axonal.groups.linked import LinkedVariableError
from tests.brian2_api.brian2_values import brian2_behaviour


def _source():
    source = NeuronGroup(3, "x : 1\ny = 2*x : 1")
    source.x = [1, 2, 3]
    return source


@pytest.mark.parametrize("target", TARGETS)
def test_a_linked_synaptic_variable_reads_its_source_in_on_pre_and_monitors(target):
    """The same script as brian2_reference.linked_synapses: the source (a subexpression)
    changes every 1 ms; each synapse reads its own element when its spike arrives."""
    set_target(target)
    source = _source()
    pre = SpikeGeneratorGroup(2, [0, 1], [1, 2] * ms)
    post = NeuronGroup(2, "u : 1")
    synapses = Synapses(pre, post, "g : 1 (linked)\nw : 1\nk : integer", on_pre="w += g")
    synapses.connect(i=[0, 1, 1], j=[0, 0, 1])
    synapses.g = linked_var(source, "y")
    source.run_regularly("x += 1", dt=1 * ms)
    monitor = StateMonitor(synapses, "g", record=True)
    Network(source, pre, post, synapses, monitor).run(3 * ms)
    expected = brian2_behaviour("linked_synapses")
    assert synapses.w[:].tolist() == expected["w"]
    np.testing.assert_array_equal(np.asarray(monitor.g), expected["g_recorded"])

    by_index = Synapses(pre, post, "g : 1 (linked)\nk : integer")
    by_index.connect(i=[0, 1], j=[0, 1])
    by_index.k = [2, 0]
    by_index.g = linked_var(source, "x", index="k")
    assert by_index.g[:].tolist() == expected["g_by_index_variable"]


def test_a_link_before_connect_or_after_more_synapses_names_the_size_mismatch():
    source = _source()
    group = NeuronGroup(2, "v : 1")
    synapses = Synapses(group, group, "g : 1 (linked)")
    with pytest.raises(LinkedVariableError, match=r"\(0 elements\).*\(3 elements\).*connect"):
        synapses.g = linked_var(source, "x")  # Brian 2 refuses too: sizes 0 and 3
    synapses.connect(i=[0, 1, 1], j=[0, 0, 1])
    synapses.g = linked_var(source, "x")
    assert synapses.g[:].tolist() == [1, 2, 3]
    synapses.connect(i=0, j=1)  # now 4 synapses for 3 source elements
    with pytest.raises(LinkedVariableError, match=r"synapses.*\.g \(4 elements\).*sizes differ"):
        _ = synapses.g[:]


def test_a_one_element_or_shared_source_is_read_by_every_synapse():
    """Brian 2 fails here with an IndexError; axonal reads the one value everywhere, as it
    does for a NeuronGroup's link."""
    group = NeuronGroup(2, "v : 1")
    synapses = Synapses(group, group, "g : 1 (linked)\nh : 1 (linked)")
    synapses.connect()
    single = NeuronGroup(1, "z : 1")
    single.z = 7
    shared = NeuronGroup(5, "s : 1 (shared)")
    shared.s = 5
    synapses.g = linked_var(single, "z")
    synapses.h = linked_var(shared, "s")
    assert synapses.g[:].tolist() == [7] * 4 and synapses.h[:].tolist() == [5] * 4


def test_linking_to_a_synaptic_variable_is_refused_as_in_brian2():
    group = NeuronGroup(2, "v : 1\nq : 1 (linked)")
    synapses = Synapses(group, group, "w : 1")
    synapses.connect(j="i")
    with pytest.raises(LinkedVariableError, match="gains elements with each connect"):
        group.q = linked_var(synapses, "w")


def test_a_linked_synaptic_variable_is_read_only():
    source = _source()
    synapses = Synapses(source, source, "g : 1 (linked)")
    synapses.connect(j="i")
    synapses.g = linked_var(source, "x")
    with pytest.raises(LinkedVariableError, match="read-only"):
        synapses.g = 3
