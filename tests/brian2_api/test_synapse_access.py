"""Synapses as Brian 2 scripts use them: temporaries in code, S.v_post, S.x_pre, S.indices.

Expected values were computed with Brian 2.9.0 running the same code.
"""

import numpy as np

from axonal import NeuronGroup, StateMonitor, Synapses, ms, mV, run, seed, start_scope


def test_temporaries_in_reset_and_on_pre_code_as_in_brian2():
    start_scope()
    G = NeuronGroup(2, "v : 1", threshold="True", reset="tmp = v + 1\nv = tmp * 2")
    S = Synapses(G, G, "w : 1", on_pre="dw = 0.5*v_post\nw = clip(w + dw, 0, 10)")
    S.connect(i=0, j=1)
    run(0.3 * ms)
    assert list(G.v) == [14, 14] and list(S.w) == [4]  # Brian 2: [14. 14.] [4.]


def test_temporary_with_units_is_checked_like_a_variable():
    start_scope()
    G = NeuronGroup(1, "v : volt", threshold="True", reset="dv = 2*mV\nv = v + dv")
    run(0.2 * ms)
    assert G.v[0] == 4 * mV


def test_an_assignment_nothing_reads_is_still_an_error():
    start_scope()
    G = NeuronGroup(1, "v : 1", threshold="True", reset="V = 0")
    try:
        run(0.1 * ms)
    except Exception as error:  # noqa: BLE001 - the message is what is tested
        assert "'V'" in str(error) and "not a variable" in str(error)
    else:
        raise AssertionError("a reset writing to an unknown name ran")


def test_pre_and_post_variables_and_indices_as_in_brian2():
    start_scope()
    H = NeuronGroup(4, "v : volt\nx : 1")
    H.v = [1, 2, 3, 4] * mV
    H.x = [10, 20, 30, 40]
    S = Synapses(H, H, "w : 1")
    S.connect()
    assert np.allclose(S.v_post[:5] / mV, [1, 2, 3, 4, 1])  # Brian 2: [1. 2. 3. 4. 1.] mV
    assert list(S.x_pre[:5]) == [10, 10, 10, 10, 20]
    assert list(S.indices[1, 2:4]) == [6, 7] and list(S.indices[:, 0]) == [0, 4, 8, 12]
    S.w[S.indices[:, 0:2]] = 5
    assert list(S.w[:8]) == [5, 5, 0, 0, 5, 5, 0, 0]
    assert list(S.indices["i == j"]) == [0, 5, 10, 15]


def test_statemonitor_records_neuron_variables_through_synapses_and_s_indexing():
    start_scope()
    G = NeuronGroup(3, "dv/dt = 1/ms : 1", threshold="v > 1", reset="v = 0")
    G.v = [0, 0.3, 0.6]
    S = Synapses(G, G, "w : 1", on_pre="w += 1")
    S.connect()
    assert list(S[1, :]) == [3, 4, 5] and list(S["j == 0"]) == [0, 3, 6]
    M = StateMonitor(S, ["v_post", "v"], record=S[0, :])
    N = StateMonitor(G, "v", record=True)
    run(3 * ms)
    # v_post of synapse (0, j) is neuron j's v; 'v' without suffix is the target's v too.
    np.testing.assert_array_equal(M.v_post, N.v)
    np.testing.assert_array_equal(M.v, N.v)


def test_connect_value_if_condition_without_else():
    start_scope()
    G, H = NeuronGroup(5, "v : 1"), NeuronGroup(3, "v : 1")
    S = Synapses(G, H)
    S.connect(j="i if i < N_post")
    assert list(S.i) == [0, 1, 2] and list(S.j) == [0, 1, 2]


def test_sample_with_a_script_constant_p_is_sampled_like_a_literal():
    start_scope()
    G = NeuronGroup(400, "v : 1")
    pa = 0.05
    counts = {}
    for text in ("k for k in sample(N_post, p=pa)", "k for k in sample(N_post, p=0.05)"):
        seed(11)
        S = Synapses(G, G)
        S.connect(j=text)
        counts[text] = (S.N, list(S.j[:20]))
    # The same draws: a constant from the script takes the sampling path of a literal p.
    assert counts["k for k in sample(N_post, p=pa)"] == counts["k for k in sample(N_post, p=0.05)"]
    seed(11)
    S = Synapses(G, G)
    S.connect(j="k for k in sample(N_post, p=pa) if k != i")
    assert not np.any(S.i[:] == S.j[:]) and abs(S.N - 0.05 * 400 * 400) < 5 * np.sqrt(8000)


def test_sample_with_size_draws_that_many_distinct_targets():
    start_scope()
    G = NeuronGroup(50, "v : 1")
    S = Synapses(G, G)
    S.connect(j="k for k in sample(N_post, size=5)")
    assert S.N == 250
    for i in range(50):
        targets = S.j[S.i[:] == i]
        assert len(set(targets)) == 5 and all(0 <= t < 50 for t in targets)
    counts = np.bincount(S.j[:], minlength=50)
    assert counts.min() < counts.max()  # drawn, not the same targets for everyone
    try:
        Synapses(G, G).connect(j="k for k in sample(10, size=20)")
    except Exception as error:  # noqa: BLE001 - the message is what is tested
        assert "size=20" in str(error) and "(10)" in str(error)
    else:
        raise AssertionError("size larger than the candidates was accepted")


def test_incoming_and_outgoing_counts_per_neuron_as_in_brian2():
    start_scope()
    G, H = NeuronGroup(3, "v : 1"), NeuronGroup(4, "v : 1")
    S = Synapses(G, H)
    S.connect(i=[0, 0, 1, 2], j=[1, 3, 3, 3])
    assert list(S.N_incoming_post) == [0, 1, 0, 3] and list(S.N_outgoing_pre) == [2, 1, 1]
