"""Many identical SpatialNeurons: each neuron's channels, membrane current and cable solve are
one function of the compiled loop called per neuron (a loop family), with the same results as
the NumPy target (tests/codegen/test_loop_families.py tests families in general)."""

import numpy as np

import axonal
from axonal.codegen.loop_views import address_table, witness_of
from axonal.codegen.targets import set_target
from axonal.network.fused import loop_function_of
from axonal.spatial.cable import cable_tree, solve_cable, solve_cables
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
    assert "for _o in range(4):" in loop.source  # channels and Im per neuron
    # ... then the four cable solves in one call
    assert loop.source.count("_call_axonal_spatial_cable__solve_cables(") == 1


def _cable_system(morphology, rng):
    """A cable solve's arrays for ``morphology`` with random membrane values."""
    tree, n = cable_tree(morphology), morphology.total_compartments
    nodes = len(tree.parent)
    area, cm = 1e-10 * (1 + rng.random(n)), 0.01 * (1 + rng.random(n))
    gtot, current = rng.random(n), -0.065 * rng.random(n)
    v = -0.065 + 0.01 * rng.random(n)
    return [tree.parent, tree.compartment, tree.r_length / 1.5, area, cm, gtot, current, v,
            np.zeros(n), np.zeros(nodes), np.zeros(nodes)]  # fmt: skip


def test_cable_solves_of_many_neurons_in_one_call_are_each_neurons_own():
    """solve_cables (all owners' eliminations advancing together) gives each neuron the bits
    solve_cable gives it alone, for trees of different sizes and shapes, rows chosen by
    first/stride."""
    rng = np.random.default_rng(16)
    ball = axonal.Soma(diameter=20 * axonal.um)
    ball.dend = axonal.Cylinder(diameter=1 * axonal.um, length=500 * axonal.um, n=49)
    forked = axonal.Cylinder(diameter=2 * axonal.um, length=50 * axonal.um, n=3)
    forked.left = axonal.Cylinder(diameter=1 * axonal.um, length=80 * axonal.um, n=7)
    forked.right = axonal.Cylinder(diameter=1 * axonal.um, length=20 * axonal.um, n=2)
    trees = [ball, forked, axonal.Soma(diameter=10 * axonal.um), forked, ball]
    systems = [_cable_system(tree, rng) for tree in trees]
    alone = [[array.copy() for array in system] for system in systems]
    initial_v = [system[7].copy() for system in systems]
    containers = []
    for position in range(11):
        arrays = [system[position] for system in systems]
        containers += [witness_of(arrays[0]), address_table("cable", arrays)]
    for _ in range(3):  # rows 1 and 3 only, then all
        solve_cables(*containers, 1, 2, 2, 25e-6)
        for row in (1, 3):
            solve_cable(*alone[row], 25e-6)
    solve_cables(*containers, 0, 1, 5, 25e-6)
    for system in alone:
        solve_cable(*system, 25e-6)
    for ours, theirs in zip(systems, alone, strict=True):
        for our_array, their_array in zip(ours, theirs, strict=True):
            np.testing.assert_array_equal(our_array, their_array)
    assert all(not np.array_equal(s[7], v) for s, v in zip(systems, initial_v, strict=True))
