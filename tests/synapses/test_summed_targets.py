"""Two summed variables into the same variable would overwrite each other's sums: refused
before the run, as in Brian 2 (issue 10); disjoint subgroups may each take one."""

import numpy as np
import pytest

import axonal
from axonal import *
from axonal.network.network import NetworkError


def summing(target, source, name, weight):
    synapses = Synapses(source, target, f"y_post = {weight}*v_pre : 1 (summed)", name=name)
    synapses.connect()
    return synapses


def test_two_summed_variables_into_one_variable_are_refused_naming_both():
    axonal.start_scope()
    source = NeuronGroup(3, "v : 1", name="summing_source")
    target = NeuronGroup(2, "y : 1", name="summing_target")
    first, second = summing(target, source, "first", 1), summing(target, source, "second", 2)
    with pytest.raises(NetworkError) as refused:
        Network(source, target, first, second).run(1 * ms)
    message = str(refused.value)
    assert "'y_post' of 'first'" in message and "'y_post' of 'second'" in message
    assert "'y' of 'summing_target'" in message and "two variables" in message


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
