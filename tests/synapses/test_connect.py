"""connect(): patterns, probabilities, generators, and what is refused."""

import time

import numpy as np
import pytest

from axonal import *
from axonal.synapses.connect import SynapseConnectionError, sparse_sample


def neurons(N, name=None):
    return NeuronGroup(N, "v : 1\nx : metre", name=name)


def test_all_to_all_and_explicit_pairs():
    start_scope()
    G, H = neurons(3), neurons(4)
    S = Synapses(G, H)
    S.connect()
    assert len(S) == 12
    assert sorted(zip(S.i[:], S.j[:], strict=True)) == [(i, j) for i in range(3) for j in range(4)]
    T = Synapses(G, H)
    T.connect(i=[0, 2], j=[3, 1])
    assert list(T.i[:]) == [0, 2] and list(T.j[:]) == [3, 1]
    assert list(T.N_outgoing[:]) == [1, 1] and list(S.N_incoming[:]) == [3] * 12


def test_probability_gives_the_binomial_count_quickly():
    start_scope()
    seed(1)
    G = neurons(4000)
    S = Synapses(G, G)
    started = time.process_time()
    S.connect("i < 3200", p=0.02)
    elapsed = time.process_time() - started
    expected = 3200 * 4000 * 0.02
    assert abs(len(S) - expected) < 5 * np.sqrt(expected * 0.98)
    assert S.i[:].max() < 3200
    # no pair twice
    pairs = S.i[:].astype(np.int64) * 4000 + S.j[:]
    assert len(np.unique(pairs)) == len(S)
    assert elapsed < 5  # CPU seconds, generous: no Python loop per pair (about 0.15 s here)


def test_sparse_sampling_is_uniform_over_candidates():
    np.random.seed(5)
    rows, candidates = sparse_sample(np.zeros(2000, np.int64), np.full(2000, 50), 0.1)
    counts = np.bincount(candidates, minlength=50)
    assert counts.sum() == len(rows)
    # each candidate chosen with probability 0.1 for each of 2000 rows: 200 +- 13
    assert np.all(np.abs(counts - 200) < 6 * np.sqrt(200 * 0.9))


def test_condition_on_neuron_variables_and_probability_expression():
    start_scope()
    seed(2)
    G = neurons(200)
    G.x = "i * um"
    S = Synapses(G, G)
    S.connect("i != j", p="exp(-abs(x_pre - x_post) / (5*um))")
    distance = np.abs(S.i[:] - S.j[:])
    assert distance.min() >= 1
    near = np.mean(distance == 1) / np.mean(distance == 10)
    assert near > np.exp(9 / 5) * 0.6  # p falls as exp(-d/5): ratio e^(9/5) ~ 6
    assert len(S) == pytest.approx(2 * 200 * (np.exp(-0.2) / (1 - np.exp(-0.2))), rel=0.15)


def test_generator_syntax_with_ranges_and_skipping():
    start_scope()
    G = neurons(10)
    S = Synapses(G, G)
    S.connect(j="k for k in range(i-3, i+4) if i != k", skip_if_invalid=True)
    for i in range(10):
        targets = sorted(S.j[S.i[:] == i])
        assert targets == [k for k in range(i - 3, i + 4) if k != i and 0 <= k < 10]
    T = Synapses(G, G)
    with pytest.raises(SynapseConnectionError, match="skip_if_invalid"):
        T.connect(j="i + 1")
    assert len(T) == 0  # nothing half-connected
    T.connect(j="i + 1", skip_if_invalid=True)
    assert list(T.j[:]) == list(range(1, 10))
    U = Synapses(G, G)
    U.connect(j="k for k in sample(N_post, p=1.0)")
    assert len(U) == 100


def test_several_synapses_per_pair_and_indexing_by_pair():
    start_scope()
    G = neurons(2)
    S = Synapses(G, G, "w : 1", multisynaptic_index="k")
    S.connect(i=[0, 1], j=[1, 1], n=3)
    assert len(S) == 6
    assert list(S.k[:]) == [0, 1, 2, 0, 1, 2]
    S.w = "k + 10*i"
    assert list(S.w[0, 1]) == [0, 1, 2]
    assert list(S.w[1, 1, 2]) == [12]
    assert list(S.w["i > 0"]) == [10, 11, 12]


def test_subgroups_as_source_and_target():
    start_scope()
    G = neurons(20)
    S = Synapses(G[:10], G[10:])
    S.connect(j="i")
    assert list(S.i[:]) == list(range(10)) and list(S.j[:]) == list(range(10))
    S2 = Synapses(G[5:8], G)
    S2.connect()
    assert len(S2) == 60 and S2.i[:].max() == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"p": 1.5}, "between 0 and 1"),
        ({"i": [0], "j": [7]}, "outside"),
        ({"i": [9], "j": [0]}, "out of range"),
        ({"condition": "i + j"}, "not a condition"),
        ({"p": "1*mV"}, "dimensionless"),
        ({"condition": "v_post > undefined_name"}, "undefined_name"),
    ],
)
def test_bad_connections_are_refused_and_nothing_is_left_behind(kwargs, message):
    start_scope()
    G = neurons(5)
    S = Synapses(G, G)
    with pytest.raises(Exception, match=message):
        S.connect(**kwargs)
    assert len(S) == 0


def test_sparse_sampling_draws_the_same_pairs_whatever_the_piece_size(monkeypatch):
    """Sampling a few rows at a time uses the random stream as one piece would (redraws of
    repeated candidates included: 30 draws from 40 candidates collide often)."""
    from axonal.synapses import connect

    lengths = np.array([40, 0, 40, 7, 40, 1, 40] * 30)
    starts = np.arange(len(lengths)) * 3
    results = []
    for piece in (1 << 18, 50, 1):
        monkeypatch.setattr(connect, "SAMPLE_CHUNK", piece)
        np.random.seed(11)
        results.append(sparse_sample(starts, lengths, 0.2))
    for rows, candidates in results[1:]:
        assert np.array_equal(rows, results[0][0])
        assert np.array_equal(candidates, results[0][1])
    rows, candidates = results[0]
    assert rows.dtype == np.int32 and candidates.dtype == np.int32
    offsets = candidates - starts[rows]
    assert np.all((offsets >= 0) & (offsets < lengths[rows]))
    keys = rows.astype(np.int64) * 100 + offsets
    assert np.all(np.diff(keys) > 0)  # sorted by row then candidate, no pair twice


def test_connect_keeps_no_64_bit_copy_per_synapse(monkeypatch):
    """Peak of the arrays allocated by connect(): the stored arrays (int32 i and j shared with
    the storage indices, the float64 delay: 16 bytes a synapse) and temporaries of a fixed
    size, not further arrays of 4 or 8 bytes per synapse (connect() once peaked at 72 bytes
    a synapse here). N_incoming and N_outgoing are counted only when read."""
    import tracemalloc

    from axonal.synapses import connect

    monkeypatch.setattr(connect, "SAMPLE_CHUNK", 1 << 15)  # pieces of about 1 MB
    start_scope()
    seed(3)
    G = neurons(20000)
    S = Synapses(G, G, on_pre="v += 1")
    tracemalloc.start()
    try:
        S.connect(p=0.005)
        connected, peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        S.state_arrays()  # what store() copies: N_incoming/N_outgoing are not counted for it
        reading = tracemalloc.get_traced_memory()[1] - connected
    finally:
        tracemalloc.stop()
    assert reading < 1e5
    assert 1.9e6 < len(S) < 2.1e6
    assert S.i[:].dtype == np.int32 and S.variables["_pre_idx"].values is S.variables["i"].values
    assert peak < 16 * len(S) + 3e6
    assert list(S.N_outgoing[:3]) == [np.sum(S.i[:] == S.i[k]) for k in range(3)]


def test_generator_over_targets_with_i():
    """Brian 2's i='...' generator: for each target j, the sources it names."""
    start_scope()
    G, H = neurons(6), neurons(4)
    S = Synapses(G, H)
    S.connect(i="k for k in range(j, j + 3)", skip_if_invalid=True)
    assert sorted(zip(S.i[:], S.j[:], strict=True)) == sorted(
        (k, j) for j in range(4) for k in range(j, j + 3) if k < 6
    )
    assert list(S.j[:]) == sorted(S.j[:])  # made target by target
    T = Synapses(G, H)
    T.connect(i="2 * j", skip_if_invalid=True)  # j = 3 would need source 6
    assert list(zip(T.i[:], T.j[:], strict=True)) == [(0, 0), (2, 1), (4, 2)]
    seed(4)
    U = Synapses(neurons(3000), neurons(10))
    U.connect(i="k for k in sample(N_pre, p=0.1) if k != j")
    counts = np.bincount(U.j[:], minlength=10)
    assert np.all(np.abs(counts - 300) < 6 * np.sqrt(300 * 0.9))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"i": "k for k in range(j, j + 9)"}, "source index 6"),
        ({"i": "j", "j": "i"}, "neither a condition nor the other index"),
        ({"i": "j", "condition": "i != j"}, "neither a condition"),
        ({"j": "k for k in range(N_post)", "p": 0.5}, "cannot take p="),
        ({"i": "k for k in range(N_pre)", "p": "0.5"}, "cannot take p="),
    ],
)
def test_generators_refuse_what_brian_refuses(kwargs, message):
    start_scope()
    G = neurons(6)
    S = Synapses(G, neurons(4))
    with pytest.raises(SynapseConnectionError, match=message):
        S.connect(**kwargs)
    assert len(S) == 0


def _sample_row_by_row(starts, lengths, p):
    """sparse_sample's definition, one row at a time: binomial counts, then uniform draws for
    all rows in row order, then again for the rows that drew a candidate twice, until each
    row has its count of distinct candidates."""
    counts = np.random.binomial(lengths, p)
    chosen = [set() for _ in lengths]
    missing = counts.copy()
    while missing.any():
        rows = np.repeat(np.arange(len(lengths)), missing)
        offsets = np.floor(np.random.random(len(rows)) * lengths[rows]).astype(np.int64)
        for row, offset in zip(rows, offsets, strict=True):
            chosen[row].add(int(offset))
        missing = counts - np.array([len(c) for c in chosen])
    rows = np.repeat(np.arange(len(lengths)), counts)
    candidates = [starts[r] + o for r, c in enumerate(chosen) for o in sorted(c)]
    return rows, np.array(candidates, dtype=np.int64)


@pytest.mark.parametrize("piece", [1 << 16, 64, 1])
def test_sparse_sampling_is_its_row_by_row_definition(piece, monkeypatch):
    """The redraws of repeated candidates are merged into their rows exactly as drawn: the
    same pairs as a plain row-by-row sampler fed the same random stream (about 72 draws from 300
    candidates per row repeat about 8 times; rows of 0 and 1 candidates too)."""
    from axonal.synapses import connect

    monkeypatch.setattr(connect, "SAMPLE_CHUNK", piece)
    lengths = np.array([300, 0, 1, 300, 17, 300] * 20)
    starts = np.arange(len(lengths)) * 5
    np.random.seed(21)
    expected = _sample_row_by_row(starts, lengths, 0.24)
    after_expected = np.random.random()
    np.random.seed(21)
    rows, candidates = sparse_sample(starts, lengths, 0.24)
    assert np.array_equal(rows, expected[0])
    assert np.array_equal(candidates, expected[1])
    assert np.random.random() == after_expected  # as many random numbers used
