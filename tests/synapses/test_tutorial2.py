"""Brian 2's synapse tutorial: traces, spike times and connectivity against Brian 2.9.0."""

import numpy as np
import pytest

from axonal import *
from tests.reference import reference, reference_data

NEURON_EQUATIONS = """
dv/dt = (I-v)/tau : 1
I : 1
tau : second
"""


def driven_pair(n_neurons, model, on_pre, targets, weights, delays, duration):
    """Neuron 0 (I = 2, tau 10 ms) drives the others (I = 0, tau 100 ms) through synapses."""
    start_scope()
    G = NeuronGroup(n_neurons, NEURON_EQUATIONS, threshold="v>1", reset="v = 0", method="exact")
    G.I = [2] + [0] * (n_neurons - 1)
    G.tau = np.array([10] + [100] * (n_neurons - 1)) * ms
    S = Synapses(G, G, model, on_pre=on_pre)
    S.connect(i=0, j=targets)
    if weights is not None:
        S.w = weights
    if delays is not None:
        S.delay = delays
    M = StateMonitor(G, "v", record=True)
    spikes = SpikeMonitor(G)
    run(duration)
    return G, M, spikes


CELLS = {
    "simplest_synapse": (2, "", "v_post += 0.2", [1], None, None, 100),
    "weights": (3, "w : 1", "v_post += w", [1, 2], "j*0.2", None, 50),
    "delays": (3, "w : 1", "v_post += w", [1, 2], "j*0.2", "j*2*ms", 50),
}


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_cell_matches_brian(cell):
    n, model, on_pre, targets, weights, delays, duration = CELLS[cell]
    G, M, spikes = driven_pair(n, model, on_pre, targets, weights, delays, duration * ms)
    expected = reference("tutorial2", cell)
    for index, times in expected["spike_times_ms"].items():
        np.testing.assert_allclose(spikes.spike_trains()[int(index)] / ms, times, atol=1e-9)
    traces = reference_data(f"tutorial2_{cell}_traces.json")
    np.testing.assert_allclose(M.v[:, ::10], traces, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(G.v[:], expected["v_final"], rtol=1e-9, atol=1e-12)


def test_connection_patterns_match_brian():
    start_scope()
    G = NeuronGroup(10, "v : 1")
    expected = reference("tutorial2", "connectivity_counts")
    patterns = {
        "condition_abs_i_minus_j_lt_4": {"condition": "abs(i-j)<4 and i!=j"},
        "generator_range_i_minus_3_to_i_plus_3": {
            "j": "k for k in range(i-3, i+4) if i!=k",
            "skip_if_invalid": True,
        },
        "one_to_one_j_equals_i": {"j": "i"},
    }
    for name, arguments in patterns.items():
        S = Synapses(G, G)
        S.connect(**arguments)
        assert len(S) == expected[name], name
    counts = []
    for k in range(40):
        seed(k)
        S = Synapses(G, G)
        S.connect(condition="i!=j", p=0.2)
        counts.append(len(S))
    # Binomial(90, 0.2): mean 18, sd 3.8; the mean of 40 draws is within 0.6 (1 sd) of 18
    assert abs(np.mean(counts) - 18) < 1.8


def test_distance_dependent_weights_match_brian():
    start_scope()
    N = 30
    neuron_spacing = 50 * umetre
    width = N / 4.0 * neuron_spacing
    G = NeuronGroup(N, "x : metre")
    G.x = "i*neuron_spacing"
    S = Synapses(G, G, "w : 1")
    S.connect(condition="i!=j")
    S.w = "exp(-(x_pre-x_post)**2/(2*width**2))"
    expected = reference("tutorial2", "distance_dependent_weights")
    assert len(S) == expected["synapses"]
    assert S.w[:].sum() == pytest.approx(expected["sum_w"], rel=1e-12)
    np.testing.assert_allclose(S.w[0, :], expected["w_from_0"], rtol=1e-12)
