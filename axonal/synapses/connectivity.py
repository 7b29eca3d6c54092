"""Synapses ordered by neuron (CSR row pointers and order) without 64-bit copies per synapse."""

from __future__ import annotations

import numpy as np

# Synapses handled at once: temporaries of a few MB, however many synapses there are.
PIECE = 1 << 18


def rank_in_runs(run_lengths: np.ndarray) -> np.ndarray:
    """0, 1, ... within each run of consecutive elements: [2, 3] gives [0, 1, 0, 1, 2]."""
    return np.arange(run_lengths.sum()) - np.repeat(
        np.cumsum(run_lengths) - run_lengths, run_lengths
    )


def index_counts(indices: np.ndarray, size: int) -> np.ndarray:
    """How often each of 0..size-1 occurs in ``indices`` (np.bincount, a piece at a time:
    bincount converts its input to 64 bits)."""
    counts = np.zeros(size, dtype=np.int64)
    for first in range(0, len(indices), PIECE):
        counts += np.bincount(indices[first : first + PIECE], minlength=size)
    return counts


def is_sorted(values: np.ndarray) -> bool:
    """Whether ``values`` never decreases (checked a piece at a time)."""
    for first in range(0, len(values) - 1, PIECE):
        piece = values[first : first + PIECE + 1]
        if np.any(piece[1:] < piece[:-1]):
            return False
    return True


def csr(by_neuron: np.ndarray, rows: int) -> tuple[np.ndarray | None, np.ndarray]:
    """(order, pointers): the synapses of neuron r are ``order[pointers[r]:pointers[r+1]]``,
    in their stored order. ``order`` is None when the synapses are already sorted by neuron
    (then they are ``pointers[r]:pointers[r+1]``), else int32 when the count allows."""
    pointers = np.zeros(rows + 1, dtype=np.int64)
    np.cumsum(index_counts(by_neuron, rows), out=pointers[1:])
    if is_sorted(by_neuron):
        return None, pointers
    dtype = np.int32 if len(by_neuron) <= np.iinfo(np.int32).max else np.int64
    order = np.empty(len(by_neuron), dtype=dtype)
    # A stable counting sort, a piece at a time: each piece's synapses go after those of the
    # same neuron already placed (``filled``), in their stored order.
    filled = pointers[:-1].copy()
    for first in range(0, len(by_neuron), PIECE):
        piece = by_neuron[first : first + PIECE]
        local = np.argsort(piece, kind="stable")
        neurons = piece[local]
        starts = np.flatnonzero(np.diff(neurons, prepend=-1))  # first of each neuron's run
        run_lengths = np.diff(starts, append=len(neurons))
        order[filled[neurons] + rank_in_runs(run_lengths)] = local + first
        filled[neurons[starts]] += run_lengths
    return order, pointers
