"""Synapses as Brian 2 scripts use them: temporaries in code, S.v_post, S.x_pre, S.indices.

Expected values were computed with Brian 2.9.0 running the same code.
"""

import numpy as np

from axonal import NeuronGroup, Synapses, ms, mV, run, start_scope


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
