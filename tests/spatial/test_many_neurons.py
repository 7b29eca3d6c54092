"""Many identical SpatialNeurons: each neuron's channels, membrane current and cable solve are
one function of the compiled loop called per neuron (a loop family), with the same results as
the NumPy target (tests/codegen/test_loop_families.py tests families in general)."""

import numpy as np

import axonal
from axonal.codegen.targets import set_target
from axonal.network.fused import loop_function_of
from tests.spatial.models import ball_and_stick


def _ball_and_sticks(target: str, neurons: int):
    set_target(target)
    try:
        axonal.start_scope()
        axonal.defaultclock.dt = 0.025 * axonal.ms
        objects, monitors, _ = ball_and_stick(axonal, neurons)
        network = axonal.Network(*objects)
        network.run(15 * axonal.ms)
    finally:
        set_target("numpy")
    voltages = np.array([np.asarray(neuron.v_) for neuron in objects[::2]])
    return network, [np.asarray(monitor.t_) for monitor in monitors], voltages


def test_identical_ball_and_stick_neurons_share_their_loop_functions():
    compiled, spikes, v = _ball_and_sticks("numba", 4)
    _, numpy_spikes, numpy_v = _ball_and_sticks("numpy", 4)
    assert all(len(times) > 0 for times in spikes)  # every neuron fired
    for ours, theirs in zip(spikes, numpy_spikes, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    # As for one neuron (test_against_brian2): the targets' exp differ in the last bit.
    np.testing.assert_allclose(v, numpy_v, rtol=0, atol=1e-9)
    (loop,) = loop_function_of(compiled)
    assert loop.families is not None
    assert "for _o in range(4):" in loop.source  # channels, Im and cable solve per neuron
    assert loop.source.count("_call_axonal_spatial_cable__solve_cable(") == 1
