"""SpatialNeuron's interface: state by section, point currents, spikes at a threshold location,
the two targets in agreement, and clear errors for bad input."""

import numpy as np
import pytest

import axonal
from axonal import (
    Cylinder,
    DimensionMismatchError,
    Network,
    Soma,
    SpatialNeuron,
    StateMonitor,
    cm,
    farad,
    mV,
    nA,
    ohm,
    set_target,
    siemens,
    uF,
    um,
)
from axonal.spatial.spatialneuron import SpatialNeuronError
from tests.spatial.models import ball_and_stick_hh

PASSIVE = "Im = 1e-4*siemens/cm**2 * (-70*mV - v) : amp/meter**2\nI : amp (point current)"


def ball_and_stick():
    morpho = Soma(20 * um)
    morpho.dend = Cylinder(diameter=1 * um, length=100 * um, n=10)
    morpho.dend.tip = Cylinder(diameter=0.5 * um, length=20 * um, n=2)
    morpho.axon = Cylinder(diameter=1 * um, length=50 * um, n=5)
    return morpho


def test_state_by_section_and_by_distance():
    morpho = ball_and_stick()
    neuron = SpatialNeuron(morpho, PASSIVE, method="exact")
    assert len(neuron) == 18
    assert len(neuron.dend) == 12  # the dendrite's subtree
    assert len(neuron.dend.main) == 10 and len(neuron.main) == 1
    neuron.v = -70 * mV
    neuron.dend.v = -60 * mV
    neuron.axon.v = -50 * mV
    neuron.v[morpho.dend[10 * um : 30 * um]] = -40 * mV
    v = np.asarray(neuron.v / mV)
    np.testing.assert_allclose(v[0], -70)
    # 10 um to 30 um: compartments 1 and 2 of dend (a border belongs to the next one)
    np.testing.assert_allclose(v[1:4], [-60, -40, -40])
    np.testing.assert_allclose(v[4:13], -60)  # the rest of dend and its tip
    np.testing.assert_allclose(v[13:], -50)
    np.testing.assert_allclose(neuron.dend[40 * um].v / mV, [-60])
    np.testing.assert_allclose(neuron.dend.tip.v / mV, [-60, -60])
    np.testing.assert_allclose(neuron.area[0] / um**2, np.pi * 400)
    np.testing.assert_allclose(neuron.axon.distance / um, [5, 15, 25, 35, 45])


def test_point_current_divided_by_area():
    """A point current into the soma alone: at steady state all the current leaves through
    the membrane, so sum(area * gL * (v - EL)) = I."""
    neuron = SpatialNeuron(ball_and_stick(), PASSIVE, method="exact")
    neuron.v = -70 * mV
    neuron.I[0] = 0.01 * nA
    neuron.clock.dt = 5 * axonal.ms
    Network(neuron).run(300 * axonal.ms)
    leak = np.sum(np.asarray(neuron.area_) * 1.0 * (np.asarray(neuron.v_) + 0.07))
    assert leak == pytest.approx(1e-11, rel=1e-9)
    np.testing.assert_allclose(np.asarray(neuron.Ic_), 0, atol=1e-12)


def test_spikes_at_the_threshold_location_only():
    results = ball_and_stick_hh(axonal)
    assert set(results["spike_i"]) == {80}  # the last axon compartment (1 + 20 + 59)
    # The spike reaches the axon's end after it peaks in the soma (soma recorded first).
    v = np.array(results["v"])
    assert np.argmax(v[0]) < np.argmax(v[3])


@pytest.mark.slow
def test_targets_agree_on_an_hh_neuron():
    traces = {}
    for target in ("numpy", "numba"):
        set_target(target)
        traces[target] = ball_and_stick_hh(axonal)
    np.testing.assert_allclose(traces["numpy"]["v"], traces["numba"]["v"], rtol=0, atol=1e-9)
    assert traces["numpy"]["spike_i"] == traces["numba"]["spike_i"]
    np.testing.assert_allclose(traces["numpy"]["spike_t"], traces["numba"]["spike_t"])


def test_monitor_records_compartments_of_a_section():
    morpho = ball_and_stick()
    neuron = SpatialNeuron(morpho, PASSIVE, method="exact")
    neuron.v = -70 * mV
    neuron.I[morpho.dend.tip[-1]] = 0.005 * nA
    whole = StateMonitor(neuron, "v", record=morpho.dend.tip[-1])
    part = StateMonitor(neuron.dend, "v", record=morpho.dend.tip[-1])
    Network(neuron, whole, part).run(2 * axonal.ms)
    np.testing.assert_array_equal(whole[morpho.dend.tip[-1]].v, part[morpho.dend.tip[-1]].v)
    assert part.record[0] == 11 and whole.record[0] == 12
    assert whole.v[0, -1] > -70 * mV


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"model": "dv2/dt = -v2/(10*ms) : volt"}, SpatialNeuronError, "must define the membrane"),
        ({"model": "Im = 1*amp : amp"}, SpatialNeuronError, "per unit area"),
        ({"model": PASSIVE + "\nv : volt"}, SpatialNeuronError, "'v' is a variable every"),
        ({"model": PASSIVE.replace("amp (point", "volt (point")}, SpatialNeuronError,
         "point current I must be a current"),
        ({"Cm": 1 * farad}, DimensionMismatchError, "Cm must be in units of"),
        ({"Ri": 100 * ohm}, DimensionMismatchError, "Ri must be in units of"),
        ({"threshold": "v > 0*mV", "threshold_location": 18}, SpatialNeuronError,
         "threshold_location=18 is out of range"),
        ({"morphology": "soma"}, SpatialNeuronError, "morphology must be a Morphology"),
    ],
)  # fmt: skip
def test_bad_input(kwargs, error, message):
    arguments = {"morphology": ball_and_stick(), "model": PASSIVE, **kwargs}
    with pytest.raises(error, match=message) as raised:
        SpatialNeuron(**arguments, name="badneuron")
    assert "badneuron" in str(raised.value)


def test_section_out_of_range_names_the_section():
    neuron = SpatialNeuron(ball_and_stick(), PASSIVE, method="exact")
    with pytest.raises(Exception, match="no compartment 12 in a section of 10"):
        neuron.dend[12]
    with pytest.raises(AttributeError, match="no variable, attribute or section 'basal'"):
        neuron.basal  # noqa: B018
    assert siemens / cm**2 and uF  # (units used in the model strings)


def test_refractory_condition_holds_from_a_spike_until_it_fails():
    """Brian 2's rule for refractory='condition': a neuron is refractory from its spike until
    the condition first fails; before any spike the condition does not block the threshold
    (hh_with_spikes.py: threshold 'm > 0.5', refractory 'm > 0.4')."""
    group = axonal.NeuronGroup(
        1, "dx/dt = 1/ms : 1", threshold="x > 0.5", refractory="x > 0.4",
        reset="", method="euler",
    )  # fmt: skip
    spikes = axonal.SpikeMonitor(group)
    Network(group, spikes).run(2 * axonal.ms)
    # x grows past 0.4 without a spike, then spikes once at 0.5, then stays refractory
    assert len(spikes.i) == 1
    assert float(spikes.t[0] / axonal.ms) == pytest.approx(0.5)  # as Brian 2.9.0 gives


def test_a_current_not_linear_in_v_is_linearised_at_the_steps_v():
    # As Brian 2: gtot = -dIm/dv and I0 = Im + gtot*v (here a*v**2/mV), at the present v
    # (Destexhe et al. 1998's GHK calcium current needs it).
    model = "Im = -1e-4*siemens/cm**2*v**2/mV : amp/meter**2"
    neuron = SpatialNeuron(ball_and_stick(), model, method="exponential_euler")
    neuron.v = -2 * mV
    gtot = 2e-4 * siemens / cm**2 * neuron.v / mV
    np.testing.assert_allclose(neuron.gtot__private[:], gtot)
    np.testing.assert_allclose(neuron.I0__private[:], 1e-4 * siemens / cm**2 * 4 * mV, rtol=1e-12)


def test_a_monitor_indexed_by_a_whole_section():
    # Brian 2's mon[morpho] (Destexhe et al. 1998: a one-compartment root Cylinder) and
    # record=morpho.dend: the section's own compartments.
    morpho = Cylinder(x=[0, 38.42] * um, diameter=26 * um)
    morpho.dend = Cylinder(x=[0, 12.49] * um, diameter=10.28 * um, n=3)
    neuron = SpatialNeuron(morpho, PASSIVE, method="exact")
    neuron.I[morpho.dend[2]] = 0.005 * nA
    everything = StateMonitor(neuron, "v", record=True)
    dendrite = StateMonitor(neuron, "v", record=morpho.dend)
    Network(neuron, everything, dendrite).run(1 * axonal.ms)
    assert list(dendrite.record) == [1, 2, 3]
    np.testing.assert_array_equal(everything[morpho].v, everything.v[0])
    np.testing.assert_array_equal(dendrite[morpho.dend[2]].v, everything.v[3])
