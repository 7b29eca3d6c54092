"""The cable equation against cable theory: sealed finite cable, semi-infinite cable, Rall's
equivalent cylinder, and second-order convergence in the compartment length.

Steady states are reached with a long time step: backward Euler's fixed point is the
discretised cable's exact steady state whatever dt, so only the spatial error remains.
"""

import numpy as np
import pytest
from scipy.special import erfc

from axonal import (
    Cylinder,
    Network,
    SpatialNeuron,
    StateMonitor,
    cm,
    mm,
    ms,
    mV,
    nA,
    ohm,
    siemens,
    uF,
    um,
)

GL = 1e-4 * siemens / cm**2
EL = -70 * mV
CM = 1 * uF / cm**2
RI = 100 * ohm * cm
DIAMETER = 1 * um
# lambda = sqrt(d / (4 Ri gL)) = 500 um; tau = Cm / gL = 10 ms
LAMBDA = float(np.sqrt(1e-6 / (4 * 1.0 * 1.0)))
TAU = 0.01
R_AXIAL = 1.0 / (np.pi * 0.5e-6**2)  # ohm per metre of the 1 um cable (Ri = 1 ohm m)
CURRENT = 0.02e-9
MODEL = """
Im = gL * (EL - v) : amp/meter**2
I : amp (point current)
"""


def passive(morphology, name="cable"):
    neuron = SpatialNeuron(
        morphology, MODEL, Cm=CM, Ri=RI, method="exact", name=name,
        namespace={"gL": GL, "EL": EL},
    )  # fmt: skip
    neuron.v = EL
    return neuron


def steady_state(neuron, injected_at=0) -> np.ndarray:
    """The depolarisation (volts above EL) at steady state with CURRENT in one compartment."""
    neuron.I[injected_at] = CURRENT * 1e9 * nA
    _run_long(neuron)
    return np.asarray(neuron.v_) - float(EL)


def _run_long(neuron) -> None:
    neuron.clock.dt = 10 * ms  # (1 + dt/tau)^-40 of the start remains: 1e-19
    Network(neuron).run(400 * ms)


def sealed_profile(x: np.ndarray, length: float) -> np.ndarray:
    """Cable theory: a sealed cable of ``length`` with CURRENT injected at x = 0."""
    input_resistance = R_AXIAL * LAMBDA / np.tanh(length / LAMBDA)
    return CURRENT * input_resistance * np.cosh((length - x) / LAMBDA) / np.cosh(length / LAMBDA)


def test_sealed_finite_cable_profile_and_input_resistance():
    length = 1e-3  # 2 lambda
    neuron = passive(Cylinder(diameter=DIAMETER, length=1 * mm, n=200))
    depolarisation = steady_state(neuron)
    x = np.asarray(neuron.distance_)
    expected = sealed_profile(x, length)
    np.testing.assert_allclose(depolarisation, expected, rtol=2e-4)
    # Input resistance: V(0) / I, V(0) extrapolated from the first two midpoints (O(dx^2)).
    v0 = depolarisation[0] - (depolarisation[1] - depolarisation[0]) / 2
    theory = R_AXIAL * LAMBDA / np.tanh(length / LAMBDA)
    assert v0 / CURRENT == pytest.approx(theory, rel=1e-3)


def test_convergence_is_second_order_in_dx():
    errors = []
    for n in (10, 20, 40, 80):
        neuron = passive(Cylinder(diameter=DIAMETER, length=1 * mm, n=n), name=f"cable{n}")
        depolarisation = steady_state(neuron)
        expected = sealed_profile(np.asarray(neuron.distance_), 1e-3)
        errors.append(np.max(np.abs(depolarisation - expected)))
    orders = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert np.all(np.abs(orders - 2) < 0.1), orders


def test_semi_infinite_cable_space_constant_and_time_course():
    # 10 lambda long with a sealed far end: "infinite" to 1e-8 at the injection site.
    neuron = passive(Cylinder(diameter=DIAMETER, length=5 * mm, n=500))
    neuron.I[0] = CURRENT * 1e9 * nA
    monitor = StateMonitor(neuron, "v", record=[0])
    neuron.clock.dt = 0.005 * ms
    network = Network(neuron, monitor)
    network.run(20 * ms)
    t = np.asarray(monitor.t_)[1:]  # recorded at the start of a step: t/dt steps are done
    v = np.asarray(monitor.v_)[0, 1:] - float(EL)
    # Semi-infinite cable, current I into its sealed end, at X = x/lambda and T = t/tau:
    # V = I r_a lambda / 2 [e^-X erfc(X/(2 sqrt T) - sqrt T) - e^X erfc(X/(2 sqrt T) + sqrt T)]
    # (at X = 0: I r_a lambda erf(sqrt T)); the first midpoint is at x = 5 um.
    x0 = float(neuron.distance_[0])
    big_x, big_t = x0 / LAMBDA, t / TAU
    theory = (
        CURRENT
        * R_AXIAL
        * LAMBDA
        / 2
        * (
            np.exp(-big_x) * erfc(big_x / (2 * np.sqrt(big_t)) - np.sqrt(big_t))
            - np.exp(big_x) * erfc(big_x / (2 * np.sqrt(big_t)) + np.sqrt(big_t))
        )
    )
    late = t > 1e-3  # (backward Euler's error, O(dt), is largest on the early steep rise)
    np.testing.assert_allclose(v[late], theory[late], rtol=2e-3)
    # Space constant: the late profile decays as exp(-x/lambda) (fit over 0.5 to 3 lambda).
    neuron.clock.dt = 10 * ms
    network.run(400 * ms)
    x = np.asarray(neuron.distance_)
    profile = np.asarray(neuron.v_) - float(EL)
    window = (x > LAMBDA / 2) & (x < 3 * LAMBDA)
    slope = np.polyfit(x[window], np.log(profile[window]), 1)[0]
    assert -1 / slope == pytest.approx(LAMBDA, rel=2e-3)
    assert x0 == pytest.approx(5e-6)


def test_rall_equivalent_cylinder():
    """A cylinder branching in two daughters that obey the 3/2 rule, with equal electrotonic
    lengths, responds at its root as one cylinder of the parent's diameter."""
    d0, ell0 = 2e-6, 300e-6
    d1 = d0 / 2 ** (2 / 3)  # d0^(3/2) = 2 d1^(3/2)
    ell1 = 200e-6
    lambda0 = np.sqrt(d0 / (4 * 1.0 * 1.0))
    lambda1 = np.sqrt(d1 / (4 * 1.0 * 1.0))
    dx_electrotonic = 0.005  # compartments of lambda / 200 everywhere
    n0 = round(ell0 / lambda0 / dx_electrotonic)
    n1 = round(ell1 / lambda1 / dx_electrotonic)
    tree = Cylinder(diameter=d0 * 1e6 * um, length=ell0 * 1e6 * um, n=n0)
    tree.L = Cylinder(diameter=d1 * 1e6 * um, length=ell1 * 1e6 * um, n=n1)
    tree.R = Cylinder(diameter=d1 * 1e6 * um, length=ell1 * 1e6 * um, n=n1)
    equivalent_length = ell0 + ell1 * lambda0 / lambda1
    single = Cylinder(diameter=d0 * 1e6 * um, length=equivalent_length * 1e6 * um, n=n0 + n1)
    branched, straight = passive(tree, "rall_tree"), passive(single, "rall_cylinder")
    v_tree, v_single = steady_state(branched), steady_state(straight)
    # The parent section of the tree against the same stretch of the single cylinder.
    np.testing.assert_allclose(v_tree[:n0], v_single[:n0], rtol=1e-3)
    # Both daughters carry the single cylinder's far part.
    np.testing.assert_allclose(v_tree[n0 : n0 + n1], v_single[n0:], rtol=2e-3)
    np.testing.assert_allclose(v_tree[n0 + n1 :], v_single[n0:], rtol=2e-3)
    # And the input resistance is the sealed cylinder's of electrotonic length L0 + L1.
    electrotonic = ell0 / lambda0 + ell1 / lambda1
    theory = 1.0 / (np.pi * (d0 / 2) ** 2) * lambda0 / np.tanh(electrotonic)
    v0 = v_tree[0] - (v_tree[1] - v_tree[0]) / 2
    assert v0 / CURRENT == pytest.approx(theory, rel=2e-3)


def test_tree_solve_against_a_sparse_direct_solve():
    """The O(n) elimination gives what a general sparse LU gives for the same system, on the
    SWC tree with random state (membrane slopes of both signs, as in a spike's upstroke)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.linalg import spsolve

    from axonal import Morphology
    from axonal.spatial.cable import cable_tree, solve_cable
    from tests.spatial.models import SWC_FILE

    morpho = Morphology.from_file(SWC_FILE)
    tree = cable_tree(morpho)
    rng = np.random.default_rng(3)
    n, nodes, dt = morpho.total_compartments, len(tree.parent), 2.5e-5
    area = np.concatenate([np.asarray(s.area) for s in morpho.sections()])
    cm_, gtot = rng.uniform(0.005, 0.02, n), rng.uniform(-5, 50, n)
    i0, v = rng.uniform(-3, 3, n), rng.uniform(-0.08, 0.03, n)
    g = tree.r_length / 1.5
    child = np.arange(1, nodes)
    diagonal = np.zeros(nodes)
    np.add.at(diagonal, child, g[child])
    np.add.at(diagonal, tree.parent[child], g[child])
    rhs = np.zeros(nodes)
    at = np.flatnonzero(tree.compartment >= 0)
    c = tree.compartment[at]
    diagonal[at] += area[c] * (cm_[c] / dt + gtot[c])
    rhs[at] = area[c] * (cm_[c] / dt * v[c] + i0[c])
    rows = np.concatenate([np.arange(nodes), child, tree.parent[child]])
    cols = np.concatenate([np.arange(nodes), tree.parent[child], child])
    data = np.concatenate([diagonal, -g[child], -g[child]])
    expected = spsolve(coo_matrix((data, (rows, cols))).tocsc(), rhs)[at]
    new_v, ic = v.copy(), np.zeros(n)
    work = np.zeros(nodes), np.zeros(nodes)
    solve_cable(tree.parent, tree.compartment, g, area, cm_, gtot, i0, new_v, ic, *work, dt)
    # (the soma's near-zero axial resistance makes the system ill-conditioned, ~1e9: the two
    # solvers' rounding differs by ~1e-11 V)
    np.testing.assert_allclose(new_v[c], expected, rtol=0, atol=1e-10)
    np.testing.assert_allclose(ic, cm_ * (new_v - v) / dt, rtol=1e-12)
