"""PoissonInput: increments with the binomial mean and variance, weights as expressions, errors."""

import math

import numpy as np
import pytest

from axonal import *
from axonal.inputs.poissoninput import PoissonInputError


def increments(monitor) -> np.ndarray:
    """Per-step changes of the recorded variable (raw values), all neurons pooled."""
    return np.diff(monitor.v_, axis=1).ravel()


def test_increments_have_the_binomial_mean_and_variance():
    start_scope()
    seed(21)
    G = NeuronGroup(1000, "v : volt")
    source = PoissonInput(G, "v", N=1000, rate=20 * Hz, weight=0.5 * mV)
    monitor = StateMonitor(G, "v", record=True)
    run(20 * ms)
    steps = increments(monitor) / 1e-3  # in mV
    p, weight = 20 * 1e-4, 0.5
    # Mean 1.0 mV and variance 0.499 mV^2 per step, from 199 000 increments.
    assert steps.mean() == pytest.approx(1000 * p * weight, rel=0.01)
    assert steps.var() == pytest.approx(1000 * p * (1 - p) * weight**2, rel=0.03)
    # Every increment is a whole number of weights.
    np.testing.assert_allclose(steps / weight, np.round(steps / weight), atol=1e-9)


def test_counts_follow_the_binomial_distribution_for_few_sources():
    start_scope()
    seed(22)
    G = NeuronGroup(2000, "v : 1")
    source = PoissonInput(G, "v", N=5, rate=3000 * Hz, weight=1)  # p = rate * dt = 0.3
    monitor = StateMonitor(G, "v", record=True)
    run(5 * ms)
    counts = np.round(increments(monitor)).astype(int)
    observed = np.bincount(counts, minlength=6) / len(counts)
    expected = [math.comb(5, k) * 0.3**k * 0.7 ** (5 - k) for k in range(6)]
    # 98 000 samples: standard errors below 0.0015
    np.testing.assert_allclose(observed, expected, atol=0.006)


def test_a_weight_expression_with_units_and_the_neuron_index():
    start_scope()
    seed(23)
    w0 = 0.1 * nA
    G = NeuronGroup(400, "v : amp\nscale : 1")
    G.scale = "1 + (i % 2)"
    source = PoissonInput(G, "v", N=200, rate=50 * Hz, weight="w0 * scale")
    run(10 * ms)
    total = G.v_ / 1e-9
    # 100 steps x 200 sources x p = 0.005: mean count 100, i.e. 10 nA and 20 nA
    assert total[::2].mean() == pytest.approx(10, abs=0.5)
    assert total[1::2].mean() == pytest.approx(20, abs=1.0)


def test_two_inputs_add_up_and_a_subgroup_gets_only_its_own():
    start_scope()
    seed(24)
    G = NeuronGroup(200, "v : 1")
    half = PoissonInput(G[100:], "v", N=100, rate=100 * Hz, weight=1, name="second_half")
    everyone = PoissonInput(G, "v", N=100, rate=100 * Hz, weight=1, name="everyone")
    run(10 * ms)
    # 100 steps x 100 sources x p = 0.01: 100 per input
    assert G.v[:100].mean() == pytest.approx(100, abs=3)
    assert G.v[100:].mean() == pytest.approx(200, abs=4)


def test_edge_probabilities_zero_and_one():
    start_scope()
    G = NeuronGroup(3, "v : 1")
    certain = PoissonInput(G, "v", N=7, rate=10 * kHz, weight=1)  # p = 1
    never = PoissonInput(G, "v", N=7, rate=0 * Hz, weight=100)
    run(1 * ms)
    assert G.v[:].tolist() == [70, 70, 70]


def test_properties_and_bad_arguments():
    start_scope()
    G = NeuronGroup(3, "v : volt\nu = 2*v : volt", name="cells")
    P = PoissonInput(G, "v", 10, 5 * Hz, 1 * mV)
    assert (P.N, P.rate, P.weight, P.target_var) == (10, 5 * Hz, 1 * mV, "v")
    with pytest.raises(PoissonInputError, match="cells has no variable 'x'"):
        PoissonInput(G, "x", 10, 5 * Hz, 1 * mV)
    with pytest.raises(PoissonInputError, match="read-only"):
        PoissonInput(G, "u", 10, 5 * Hz, 1 * mV)
    with pytest.raises(PoissonInputError, match="read-only"):
        PoissonInput(G, "i", 10, 5 * Hz, 1)
    with pytest.raises(DimensionMismatchError, match="weight .* units of cells.v"):
        PoissonInput(G, "v", 10, 5 * Hz, 1 * nA)
    with pytest.raises(DimensionMismatchError, match="rate must be in Hz"):
        PoissonInput(G, "v", 10, 5 * ms, 1 * mV)
    with pytest.raises(PoissonInputError, match="whole number"):
        PoissonInput(G, "v", 2.5, 5 * Hz, 1 * mV)
    with pytest.raises(PoissonInputError, match="rate >= 0"):
        PoissonInput(G, "v", 3, -5 * Hz, 1 * mV)


def test_errors_at_run_time():
    start_scope()
    G = NeuronGroup(3, "v : volt", name="cells")
    fast = PoissonInput(G, "v", 10, 20 * kHz, 1 * mV, name="too_fast")
    with pytest.raises(PoissonInputError, match="too_fast: rate \\* dt = 2 exceeds 1"):
        run(1 * ms)
    start_scope()
    G = NeuronGroup(3, "v : volt", name="cells2")
    wrong = PoissonInput(G, "v", 10, 20 * Hz, "2 * nA", name="wrong_units")
    with pytest.raises(DimensionMismatchError, match="wrong_units: the weight '2 \\* nA' is in A"):
        run(1 * ms)
    assert G.v[0] == 0 * mV


@pytest.fixture
def numba_target():
    pytest.importorskip("numba")
    from axonal.codegen.targets import current_target, set_target

    previous = current_target()
    set_target("numba")
    yield
    set_target(previous)


@pytest.mark.slow  # compiles three kernels when the cache is cold (~6 s)
def test_the_compiled_target_draws_the_same_distribution(numba_target):
    start_scope()
    seed(25)
    G = NeuronGroup(1000, "v : volt")
    source = PoissonInput(G, "v", N=1000, rate=20 * Hz, weight=0.5 * mV)
    P = PoissonGroup(1000, "rate_of(t)")
    rate_of = TimedArray([0, 100] * Hz, dt=5 * ms)
    spikes = SpikeMonitor(P)
    run(10 * ms)
    # 100 steps: mean 100 mV, standard deviation 7 mV per neuron, 0.22 mV for the mean
    assert G.v_.mean() / 1e-3 == pytest.approx(100, abs=1.5)
    assert G.v_.std() / 1e-3 == pytest.approx(np.sqrt(100 * 0.499), rel=0.1)
    # 1000 neurons x 50 steps x p = 0.01: 500 spikes, all in the second half
    assert spikes.num_spikes == pytest.approx(500, abs=100)
    assert spikes.t.min() >= 5 * ms


def test_shot_noise_on_a_leaky_membrane_has_campbells_mean_and_variance():
    start_scope()
    seed(26)
    tau = 10 * ms
    G = NeuronGroup(1000, "dv/dt = -v / tau : volt", method="exact")
    source = PoissonInput(G, "v", N=1000, rate=10 * Hz, weight=0.1 * mV)
    run(100 * ms)  # ten time constants: the start is forgotten
    monitor = StateMonitor(G, "v", record=True, dt=5 * ms)
    run(100 * ms)
    # Per step a binomial increment (mean mu, variance s2), then decay by a = exp(-dt/tau):
    # stationary mean mu / (1 - a) and variance s2 / (1 - a^2) -- Campbell's theorem,
    # N*rate*w*tau = 10 mV and N*rate*w^2*tau/2 = 0.5 mV^2, in discrete time.
    a, p = np.exp(-0.01), 10 * 1e-4
    mean = 1000 * p * 0.1 / (1 - a)
    variance = 1000 * p * (1 - p) * 0.1**2 / (1 - a**2)
    values = monitor.v_ / 1e-3
    assert values.mean() == pytest.approx(mean, abs=0.05)  # 10.05 mV; standard error 0.01
    assert values.var() == pytest.approx(variance, rel=0.05)  # 0.502 mV^2
