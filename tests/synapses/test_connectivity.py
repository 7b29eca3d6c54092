"""CSR of synapses by neuron: counts, the sorted check and the piecewise counting sort."""

import numpy as np
import pytest

from axonal.synapses import connectivity
from axonal.synapses.connectivity import csr, index_counts, is_sorted


@pytest.fixture(params=[1 << 18, 7, 1])
def piece(request, monkeypatch):
    monkeypatch.setattr(connectivity, "PIECE", request.param)
    return request.param


def test_counts_and_sortedness_agree_with_numpy(piece):
    rng = np.random.default_rng(1)
    values = rng.integers(0, 13, 200).astype(np.int32)
    assert np.array_equal(index_counts(values, 15), np.bincount(values, minlength=15))
    assert not is_sorted(values)
    assert is_sorted(np.sort(values)) and is_sorted(values[:1]) and is_sorted(values[:0])
    # a single descent exactly between two pieces of 7 (positions 6 and 7) is seen
    assert not is_sorted(np.array([0, 1, 2, 3, 4, 5, 6, 3, 8, 9], np.int32))


def test_unsorted_synapses_get_the_stable_order_of_argsort(piece):
    rng = np.random.default_rng(2)
    by_neuron = rng.integers(0, 50, 1000).astype(np.int32)
    order, pointers = csr(by_neuron, 60)
    assert order.dtype == np.int32
    assert np.array_equal(order, np.argsort(by_neuron, kind="stable"))
    expected = np.searchsorted(np.sort(by_neuron), np.arange(61))
    assert np.array_equal(pointers, expected)


def test_sorted_synapses_need_no_order(piece):
    by_neuron = np.array([0, 0, 2, 2, 2, 5], np.int32)
    order, pointers = csr(by_neuron, 7)
    assert order is None
    assert list(pointers) == [0, 2, 2, 5, 5, 5, 6, 6]
    order, pointers = csr(np.zeros(0, np.int32), 3)
    assert order is None and list(pointers) == [0, 0, 0, 0]
