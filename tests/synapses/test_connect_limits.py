"""connect() refuses what it cannot do before doing it: more synapses than memory can hold,
probabilities outside 0..1 computed from expressions, and indices that are not whole numbers
(issue #12, item 5)."""

import time

import numpy as np
import pytest

from axonal import NeuronGroup, Synapses, ms
from axonal.synapses import connect
from axonal.synapses.connect import SynapseConnectionError, SynapseMemoryError


def groups(n_pre, n_post):
    return NeuronGroup(n_pre, "v : volt"), NeuronGroup(n_post, "v : volt")


def test_p_half_between_two_groups_of_1e5_is_refused_up_front_naming_the_synapses():
    """5e9 synapses (at least 40 GiB) used to grow toward 37 GiB before failing."""
    available = connect.available_memory()
    if available is None or available > 2**40:
        pytest.skip("this machine could hold 5e9 synapses")
    source, target = groups(10**5, 10**5)
    S = Synapses(source, target, "w : volt", on_pre="v += w", name="huge_synapses")
    started = time.perf_counter()
    with pytest.raises(SynapseMemoryError, match="huge_synapses.*5e\\+09 synapses.*GiB"):
        S.connect(p=0.5)
    assert time.perf_counter() - started < 5  # refused before drawing, not after
    assert len(S) == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"p": 0.5},  # dense sampling: expected count
        {"p": 0.1},  # sparse sampling: the exact binomial count
        {"condition": "i < 800", "p": 1.0},  # all-to-all rows
        {"condition": "i != j", "p": "0.5"},  # chunked evaluation: counted as it goes
        {"j": "k for k in sample(N_post, p=0.5)"},  # generator
    ],
)
def test_connect_refuses_what_does_not_fit_in_the_memory_left(monkeypatch, kwargs):
    """With 1 MiB left, 1000 x 1000 pairs at these probabilities (at least 1.6 MiB) cannot fit;
    with the real memory they connect."""
    source, target = groups(1000, 1000)
    S = Synapses(source, target, "w : volt", on_pre="v += w", name="small_memory")
    monkeypatch.setattr(connect, "available_memory", lambda: 1 << 20)
    with pytest.raises(SynapseMemoryError, match="small_memory: connect\\(\\) would create"):
        S.connect(**kwargs)
    assert len(S) == 0
    monkeypatch.undo()
    S.connect(**kwargs)
    assert len(S) > 50_000


def test_memory_check_counts_the_synapses_variables_and_n(monkeypatch):
    """The estimate follows what is stored: more variables and n copies per pair cost more."""
    source, target = groups(100, 100)
    plain = Synapses(source, target, on_pre="v += 1*mV")
    rich = Synapses(source, target, "w : volt\nx : 1\ny : 1", on_pre="v += w")
    assert (
        rich._connect_budget(1).bytes_per_synapse == plain._connect_budget(1).bytes_per_synapse + 24
    )
    # A delay the same for all synapses is stored once; one from code, per synapse.
    drawn = Synapses(source, target, on_pre="v += 1*mV", delay="rand()*ms")
    assert (
        drawn._connect_budget(1).bytes_per_synapse == plain._connect_budget(1).bytes_per_synapse + 8
    )
    # 10 000 pairs x 4 copies x (8 stored + 8 + 16 temporary) bytes = 1.3 MB > 1 MiB
    monkeypatch.setattr(connect, "available_memory", lambda: 1 << 20)
    plain.connect(p=1.0)  # 10 000 x 32 bytes fits
    with pytest.raises(SynapseMemoryError):
        Synapses(source, target, on_pre="v += 1*mV").connect(p=1.0, n=4)


@pytest.mark.parametrize(
    "p, message",
    [
        ("1.5", "p='1.5' is 1.5 for i=0, j=0"),
        ("-0.1", "is -0.1"),
        ("i / 10.0 - 0.5", "is -0.5 for i=0"),
        ("sqrt(-1.0 - i)", "is nan for i=0"),
    ],
)
@pytest.mark.filterwarnings("ignore:invalid value encountered")
def test_a_probability_expression_is_range_checked_like_a_number(p, message):
    source, target = groups(20, 5)
    S = Synapses(source, target, on_pre="v += 1*mV", name="checked")
    with pytest.raises(SynapseConnectionError, match=f"checked: .*{message}.*between 0 and 1"):
        S.connect(p=p)
    assert len(S) == 0
    with pytest.raises(SynapseConnectionError, match="between 0 and 1"):
        S.connect(p=1.5)  # as a number, as before


def test_a_generator_probability_is_range_checked():
    source, target = groups(5, 5)
    S = Synapses(source, target, on_pre="v += 1*mV")
    with pytest.raises(SynapseConnectionError, match="p='2.0' is 2"):
        S.connect(j="k for k in sample(N_post, p=2.0)")
    with pytest.raises(SynapseConnectionError, match="is -1 for i=0, j="):
        S.connect(j="k for k in sample(N_post, p=i/3.2 - 1) if k != i")
    assert len(S) == 0


def test_a_probability_varying_by_pair_may_exceed_one_where_it_peaks_as_in_brian2():
    """Brian 2's spatial_connections example: p = 1.5 * exp(-d**2/...) connects the nearest
    pairs with certainty; refused only when p is the same for every pair (p='1.5')."""
    source, target = groups(20, 5)
    S = Synapses(source, target, on_pre="v += 1*mV", name="peaked")
    with pytest.warns(UserWarning, match="peaked: .*'i / 10.0' is 1.1 for i=11.*certainty"):
        S.connect(p="i / 10.0")
    pairs = set(zip(S.i[:].tolist(), S.j[:].tolist(), strict=True))
    assert {(i, j) for i in range(10, 20) for j in range(5)} <= pairs  # p >= 1: every pair
    assert all(i > 0 for i, _ in pairs)  # p = 0 for i = 0


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"i": 1.7, "j": 0}, "i= must be integer indices; 1.7 is not a whole number"),
        ({"i": [0, 1], "j": [0.5, 1]}, "j= must be integer indices; 0.5"),
        ({"i": [0, np.nan], "j": 0}, "i= must be integer indices; nan"),
        ({"i": ["0"], "j": 0}, "i= must be integer indices"),
        ({"i": 1 * ms, "j": 0}, "i= must be integer indices"),
        ({"i": 0, "j": 0, "n": 1.5}, "n= must be integer indices"),
        ({"j": "i / 2"}, "the indices 'i / 2' yields must be integer indices; 0.5"),
        ({"j": "k for k in range(i/2, 4)"}, "the bounds of range\\(\\) in 'i / 2' must be integer"),
    ],
)
def test_fractional_indices_are_refused_not_truncated(kwargs, message):
    source, target = groups(5, 5)
    S = Synapses(source, target, on_pre="v += 1*mV", name="indexed")
    with pytest.raises(SynapseConnectionError, match=f"indexed: {message}"):
        S.connect(**kwargs)
    assert len(S) == 0


def test_whole_numbers_given_as_floats_still_connect():
    source, target = groups(5, 5)
    S = Synapses(source, target, on_pre="v += 1*mV")
    S.connect(i=np.array([1.0, 2.0]), j=3.0, n=2.0)
    S.connect(j="i // 2")
    assert list(S.i[:]) == [1, 1, 2, 2, 0, 1, 2, 3, 4]
    assert list(S.j[:]) == [3, 3, 3, 3, 0, 0, 1, 1, 2]
