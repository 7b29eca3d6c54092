"""Several summed variables into one variable (issue 13): into the same elements they add up
(Brian 2 refuses them; tests/brian2_api/test_summed_variables.py compares the sum with Brian 2's
single Synapses); into partly overlapping subgroups, or at different points of the step, they
are refused before the run; disjoint subgroups each take their own sum."""

import numpy as np
import pytest

import axonal
from axonal import *
from axonal.network.network import NetworkError


def summing(target, source, name, weight, variable="y_post"):
    synapses = Synapses(source, target, f"{variable} = {weight}*v_pre : 1 (summed)", name=name)
    synapses.connect()
    return synapses


def test_two_summed_variables_into_one_variable_add_up():
    axonal.start_scope()
    source = NeuronGroup(3, "v : 1", name="summing_source")
    source.v = [1, 2, 3]
    target = NeuronGroup(2, "y : 1", name="summing_target")
    target.y = 100  # overwritten: the first sum zeroes y each step
    first, second = summing(target, source, "first", 1), summing(target, source, "second", 2)
    Network(source, target, first, second).run(0.3 * ms)
    np.testing.assert_array_equal(target.y[:], [18, 18])  # (1 + 2) * (1 + 2 + 3)


def test_one_synapses_summing_into_both_ends_of_one_group_adds_both():
    """As a gap junction within one population: x_post and x_pre into the same variable."""
    axonal.start_scope()
    group = NeuronGroup(3, "v : 1\ny : 1", name="both_ends")
    group.v = [1, 2, 4]
    both = Synapses(group, group, "y_post = v_pre : 1 (summed)\ny_pre = -v_post : 1 (summed)")
    both.connect(i=[0, 1], j=[1, 2])
    Network(group, both).run(0.1 * ms)
    np.testing.assert_array_equal(group.y[:], [-2, 1 - 4, 2])


def test_sums_at_different_points_of_the_step_are_refused_naming_both():
    axonal.start_scope()
    source = NeuronGroup(3, "v : 1", name="when_source")
    target = NeuronGroup(2, "y : 1", name="when_target")
    first, second = summing(target, source, "early", 1), summing(target, source, "late", 2)
    second.summed_updaters["y_post"].when = "after_groups"
    with pytest.raises(NetworkError) as refused:
        Network(source, target, first, second).run(0.1 * ms)
    message = str(refused.value)
    assert "'y_post' of 'early' (when='before_groups'" in message
    assert "'y_post' of 'late' (when='after_groups'" in message
    assert "same slot" in message


def test_overlapping_subgroups_are_refused_disjoint_ones_sum_each_their_part():
    axonal.start_scope()
    source = NeuronGroup(3, "v : 1", name="disjoint_source")
    source.v = [1, 2, 3]
    target = NeuronGroup(6, "y : 1", name="disjoint_target")
    left = summing(target[0:4], source, "left", 1)
    right = summing(target[3:6], source, "right", 10)
    with pytest.raises(NetworkError, match=r"'disjoint_target' \(elements 3 to 3\)"):
        Network(source, target, left, right).run(1 * ms)
    axonal.start_scope()
    right = summing(target[4:6], source, "right_disjoint", 10)
    Network(source, target, left, right).run(1 * ms)
    np.testing.assert_array_equal(target.y[:], [6, 6, 6, 6, 60, 60])
