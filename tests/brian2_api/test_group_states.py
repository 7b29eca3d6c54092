"""get_states/set_states, G.t/G.dt, store/restore with a file, views in matplotlib.

Expected names and behaviour are Brian 2.9.0's for the same group (checked in its environment).
"""

import numpy as np
import pytest

from axonal import (
    DimensionMismatchError,
    NeuronGroup,
    SpikeMonitor,
    Synapses,
    defaultclock,
    ms,
    mV,
    restore,
    run,
    second,
    start_scope,
    store,
)

MODEL = "dv/dt = -v/tau : volt\ntau : second\nw = v*2 : volt"


def _group():
    G = NeuronGroup(3, MODEL)
    G.v = [1, 2, 3] * mV
    G.tau = 5 * ms
    return G


def test_get_states_names_units_and_formats_as_brian2():
    start_scope()
    G = _group()
    states = G.get_states()
    assert sorted(states) == ["N", "dt", "i", "t", "t_in_timesteps", "tau", "v"]
    assert np.allclose(states["v"] / mV, [1, 2, 3]) and states["dt"] == defaultclock.dt
    assert sorted(G.get_states(units=False, subexpressions=True)) == [
        *["N", "dt", "i", "t", "t_in_timesteps", "tau", "v", "w"]
    ]
    assert sorted(G.get_states(read_only_variables=False)) == ["tau", "v"]
    raw = G.get_states(["v", "tau"], units=False)
    assert list(raw["v"]) == pytest.approx([0.001, 0.002, 0.003])
    frame = G.get_states(["v", "tau"], units=False, format="pandas")
    assert list(frame.columns) == ["v", "tau"] and list(frame["tau"]) == [0.005] * 3
    with pytest.raises(NotImplementedError, match="units=False"):
        G.get_states(format="pandas")


def test_set_states_checks_units_and_read_only_variables():
    start_scope()
    G = _group()
    G.set_states({"v": [4, 5, 6] * mV})
    assert np.allclose(G.v / mV, [4, 5, 6])
    with pytest.raises(TypeError, match="variable i is read-only"):
        G.set_states({"i": [0, 1, 2]})
    with pytest.raises(DimensionMismatchError):
        G.set_states({"v": [4, 5, 6]})
    G.set_states({"tau": [1, 2, 3]}, units=False)
    assert list(G.tau / second) == [1, 2, 3]
    import pandas

    G.set_states(pandas.DataFrame({"tau": [0.5, 0.25, 0.125]}), units=False)
    assert list(G.tau / second) == [0.5, 0.25, 0.125]


def test_group_t_dt_and_synapse_states():
    start_scope()
    G = _group()
    run(0.5 * ms)
    assert abs(G.t / ms - 0.5) < 1e-9 and G.dt == defaultclock.dt and G.N == 3
    S = Synapses(G, G, "x : 1")
    S.connect()
    assert "x" in S.get_states() and not any(n.startswith("_") for n in S.get_states())


def test_views_can_be_plotted_by_matplotlib(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    start_scope()
    G = _group()
    assert np.allclose(G.v[:, None] / mV, [[1], [2], [3]])  # matplotlib indexes so
    line = plt.plot(G.tau)[0]
    assert list(line.get_ydata()) == pytest.approx([0.005] * 3)
    plt.close("all")


def test_store_and_restore_with_a_file_and_the_clock_goes_back(tmp_path):
    start_scope()
    filename = tmp_path / "state.pkl"
    G = NeuronGroup(2, "dv/dt = 1/ms : 1", threshold="v > 1", reset="v = 0")
    M = SpikeMonitor(G)
    run(1.5 * ms)
    store("a", filename=filename)
    run(1 * ms)
    after = (M.num_spikes, G.v[:].copy())
    restore("a", filename=filename)
    assert abs(defaultclock.t / ms - 1.5) < 1e-9 and M.num_spikes == 2
    run(1 * ms)
    assert M.num_spikes == after[0] and np.array_equal(G.v[:], after[1])
    with pytest.raises(KeyError, match="holds no state 'b'"):
        restore("b", filename=filename)
