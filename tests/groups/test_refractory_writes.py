"""A variable of an ``(unless refractory)`` equation is held against every write from code
during the refractory period (synapses, inputs, run_regularly, string assignments), as in
Brian 2; resets still write it. Expected values were printed by Brian 2.9.0 (NumPy target) for
the same scripts."""

import numpy as np
import pytest

from axonal import (
    Hz,
    NeuronGroup,
    PoissonInput,
    SpikeGeneratorGroup,
    SpikeMonitor,
    StateMonitor,
    Synapses,
    ms,
    mV,
    run,
    start_scope,
)
from axonal.codegen.targets import TARGETS, set_target

LIF = "dv/dt = -v/(10*ms) : volt (unless refractory)"


@pytest.mark.parametrize("target", TARGETS)
def test_synaptic_input_during_refractoriness_is_ignored(target):
    """Input at 2 ms reaches a neuron refractory since 1.1 ms: v stays 0, no second spike
    (Brian 2.9.0: one spike at 1.1 ms, v = 0 at 1.5, 2.5, 3.5 ms)."""
    set_target(target)
    start_scope()
    source = SpikeGeneratorGroup(1, [0, 0], [1, 2] * ms)
    group = NeuronGroup(
        1, LIF, threshold="v > 1*mV", reset="v = 0*mV", refractory=3 * ms, method="exact"
    )
    synapses = Synapses(source, group, on_pre="v += 2*mV")
    synapses.connect()
    spikes = SpikeMonitor(group)
    trace = StateMonitor(group, "v", record=0)
    run(10 * ms)
    assert np.allclose(spikes.t / ms, [1.1])
    assert np.all(trace.v[0][[15, 25, 35]] == 0 * mV)


@pytest.mark.parametrize("target", TARGETS)
def test_run_regularly_and_string_assignments_wait_for_the_refractory_period(target):
    """Brian 2.9.0 gives these traces; v of the refractory neuron 0 stays at 0.7 mV."""
    set_target(target)
    start_scope()
    group = NeuronGroup(
        2, LIF, threshold="v > 1*mV", reset="v = 0*mV", refractory=3 * ms, method="exact"
    )
    group.v = [2, 0] * mV
    group.run_regularly("v += 0.5*mV", dt=1 * ms)
    trace = StateMonitor(group, "v", record=True)
    run(0.15 * ms)
    group.v = 0.7 * mV  # a value set from Python is not code: it is written
    group.v = "v + 0.1*mV"  # code: only where the neuron is not refractory
    assert np.allclose(group.v / mV, [0.7, 0.8])
    run(5 * ms)
    expected = [[0.7, 0.7, 0.7, 0.6658606, 0.0], [0.77635643, 0.0, 0.0, 0.0, 0.0]]
    assert np.allclose(trace.v[:, [5, 15, 25, 35, 45]] / mV, expected, atol=1e-7)


@pytest.mark.parametrize("target", TARGETS)
def test_poisson_input_does_not_reach_a_refractory_neuron(target):
    """With a 1 ms refractory period and an input that alone crosses threshold every step, a
    neuron fires once per refractory period plus one step: 1 s / 1.1 ms ~ 909 spikes (it
    would fire every step, 10 000 times, if the input reached it during refractoriness)."""
    set_target(target)
    start_scope()
    group = NeuronGroup(
        1, LIF, threshold="v > 1*mV", reset="v = 0*mV", refractory=1 * ms, method="exact"
    )
    drive = PoissonInput(group, "v", N=1, rate=10000 * Hz, weight=2 * mV)  # every step
    spikes = SpikeMonitor(group)
    run(1000 * ms)
    assert spikes.num_spikes == pytest.approx(1000 / 1.1, abs=2)


def test_resets_still_write():
    """The reset runs on a neuron that just became refractory: it must write v."""
    start_scope()
    group = NeuronGroup(
        1, "dv/dt = 1/(1*ms) * mV : volt (unless refractory)", threshold="v > 1*mV",
        reset="v = -5*mV", refractory=2 * ms, method="exact",
    )  # fmt: skip
    run(1.5 * ms)
    assert group.v[0] == -5 * mV
