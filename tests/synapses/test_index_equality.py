"""Conditions naming one partner exactly ('i == k_post', 'j == 2*i and ...') connect the same
pairs, in the same order, as testing every pair (found once per neuron instead)."""

import numpy as np
import pytest

import axonal
from axonal import NeuronGroup, Synapses
from axonal.model.ir import Expression
from axonal.synapses.index_equality import index_equality

N_PRE, N_POST = 7, 11


def _groups():
    axonal.start_scope()
    source = NeuronGroup(N_PRE, "k : 1\nx : 1")
    target = NeuronGroup(N_POST, "k : 1\nx : 1")
    source.k = [3, 0, 10, 12, 5, 5, -1]
    source.x = np.arange(N_PRE) * 0.5
    target.k = [0, 6, 2, 2, 9, 1.5, 4, 6, 0, 3, 7]
    target.x = np.arange(N_POST) * 0.25
    return source, target


def _every_pair(condition: str):
    """The pairs by testing each (i, j) with Python, in i-then-j order."""
    source, target = _groups()
    pairs = []
    for i in range(N_PRE):
        for j in range(N_POST):
            names = {"i": i, "j": j, "N_pre": N_PRE, "N_post": N_POST}
            names.update(k_pre=source.k[i], k_post=target.k[j], x_pre=source.x[i])
            names.update(x_post=target.x[j])
            if eval(condition, {}, names):
                pairs.append((i, j))
    return pairs


@pytest.mark.parametrize(
    "condition",
    [
        "i == k_post",
        "k_post == i",
        "j == k_pre",
        "j == 2*i",
        "i == j // 2 and j > 3",
        "x_post > 1 and k_pre == j",
        "i == N_pre - 1 - j % N_pre",
        "i == j + 0.5",
    ],
)
def test_the_pairs_equal_those_of_testing_every_pair(condition):
    assert index_equality(Expression(condition)) is not None
    expected = _every_pair(condition)
    source, target = _groups()
    synapses = Synapses(source, target)
    synapses.connect(condition)
    assert list(zip(synapses.i[:].tolist(), synapses.j[:].tolist(), strict=True)) == expected


def test_a_probability_draws_among_the_found_pairs_only():
    source, target = _groups()
    axonal.seed(4)
    synapses = Synapses(source, target)
    synapses.connect("i == k_post", p="0.5 + 0*x_post")
    found = _every_pair("i == k_post")
    pairs = list(zip(synapses.i[:].tolist(), synapses.j[:].tolist(), strict=True))
    np.random.seed(4)
    drawn = np.random.random(len(found)) < 0.5
    assert pairs == [pair for pair, kept in zip(found, drawn, strict=True) if kept]


@pytest.mark.parametrize(
    "condition", ["i == j + x_pre", "i == k_post or j == 1", "i != k_post", "i == rand()", "i < j"]
)
def test_other_conditions_are_not_taken_for_an_index_equality(condition):
    assert index_equality(Expression(condition)) is None
