"""seed() and the one random stream: a fused Numba run draws the numbers the NumPy target draws."""

import numpy as np
import pytest

from axonal import *
from axonal.codegen.targets import set_target
from axonal.network.fused import loop_function_of


def noisy_network():
    """Random set-up values, Poisson spikes (rand) and noisy neurons (randn, an odd count)."""
    start_scope()
    inputs = PoissonGroup(50, 40 * Hz)
    neurons = NeuronGroup(
        3,
        "dv/dt = -v / (10*ms) + 0.3 * xi / sqrt(10*ms) : 1",
        threshold="v > 1",
        reset="v = 0",
        method="euler",
    )
    neurons.v = "rand()"
    S = Synapses(inputs, neurons, "w : 1", on_pre="v_post += w")
    S.connect(p=0.5)
    S.w = "0.2 * rand()"
    input_spikes, output_spikes = SpikeMonitor(inputs), SpikeMonitor(neurons)
    trace = StateMonitor(neurons, "v", record=True)
    net = Network(inputs, neurons, S, input_spikes, output_spikes, trace)
    net.run(30.1 * ms)
    return net, input_spikes, output_spikes, trace


@pytest.mark.parametrize("target", ["numpy", "numba"])
def test_seed_repeats_a_random_run(target):
    set_target(target)
    seed(8)
    first = noisy_network()[1].i.copy()
    seed(8)
    assert np.array_equal(noisy_network()[1].i, first)
    seed(9)
    assert not np.array_equal(noisy_network()[1].i, first)


def test_a_fused_run_draws_the_numbers_of_the_numpy_target():
    found = {}
    for target in ("numpy", "numba"):
        set_target(target)
        seed(3)
        net, input_spikes, output_spikes, trace = noisy_network()
        found[target] = input_spikes, output_spikes, trace, np.random.randn(2), np.random.rand(2)
        assert bool(loop_function_of(net)) == (target == "numba")  # the loop drew the numbers
    reference, fused = found["numpy"], found["numba"]
    assert reference[0].num_spikes > 20 and reference[1].num_spikes > 0
    for monitor in (0, 1):
        np.testing.assert_array_equal(fused[monitor].i, reference[monitor].i)
        np.testing.assert_array_equal(fused[monitor].t_, reference[monitor].t_)
    np.testing.assert_allclose(fused[2].v_, reference[2].v_, rtol=1e-12, atol=1e-12)
    # The global stream continues where the NumPy target leaves it, the cached normal included
    # (3 neurons x 301 steps draw an odd number of normals).
    np.testing.assert_array_equal(fused[3], reference[3])
    np.testing.assert_array_equal(fused[4], reference[4])
