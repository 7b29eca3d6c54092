"""The cable equation's implicit step: one exact O(n) solve over the tree of compartments.

Each step, after the channels' own variables have moved, the membrane potential of every
compartment solves the backward-Euler system (per compartment i, area A, capacitance Cm)

    A Cm (v'_i - v_i)/dt = A (I0_i - gtot_i v'_i) + sum_j g_ij (v'_j - v'_i)

where the membrane current, linear in v, is written ``Im = I0 - gtot*v`` and g_ij are axial
conductances. The unknowns are the compartments' potentials plus one potential per section
end (a branch point or a sealed end, with no capacitance: the currents meeting there sum to
zero), so that a branch point couples its sections through the resistance of their half
compartments, as in Brian 2's discretisation. Numbered root first (every node after its
parent), the matrix of such a tree is eliminated from the leaves to the root and solved back
from the root to the leaves without fill-in (Hines, 1984): exact up to rounding, stable for
any dt (backward Euler), first order in time and second order in space.
"""

from __future__ import annotations

import hashlib
import inspect
from dataclasses import dataclass

import numpy as np
from numba import njit

from axonal.codegen.loop_views import slot_value
from axonal.spatial.morphology import Morphology

__all__: list[str] = []  # internal room: SpatialNeuron is the public way in


@dataclass(frozen=True)
class CableTree:
    """The nodes of the solve: ``parent[k] < k`` (-1 for the root), ``compartment[k]`` (the
    compartment of node k, -1 for a section end) and ``r_length[k]`` (the conductance to the
    parent times Ri, in metres)."""

    parent: np.ndarray
    compartment: np.ndarray
    r_length: np.ndarray


def cable_tree(morphology: Morphology) -> CableTree:
    """The solve's tree for a morphology (compartments numbered as its flat order)."""
    parent, compartment, r_length = [-1], [-1], [0.0]  # node 0: the root section's start
    end_node: dict[int, int] = {}
    first = 0
    for section in morphology.sections():
        start = 0 if section.parent is None else end_node[id(section.parent)]
        half_1, half_2 = section._r_lengths()
        previous = start
        for k in range(section.n):
            parent.append(previous)
            compartment.append(first + k)
            # From the previous node to this midpoint: half compartments in series.
            r_length.append(half_1[k] if k == 0 else 1 / (1 / half_2[k - 1] + 1 / half_1[k]))
            previous = len(parent) - 1
        parent.append(previous)
        compartment.append(-1)
        r_length.append(half_2[-1])
        end_node[id(section)] = len(parent) - 1
        first += section.n
    return CableTree(
        np.array(parent, np.int64), np.array(compartment, np.int64), np.array(r_length)
    )


@njit(cache=True, error_model="numpy", inline="always")
def _assemble(parent, compartment, g_axial, area, Cm, gtot, I0, v, diagonal, rhs, dt):
    """The system's diagonal and right-hand side (the off-diagonal entries are -g_axial)."""
    nodes = parent.shape[0]
    for k in range(nodes):
        diagonal[k] = 0.0
        rhs[k] = 0.0
    for k in range(1, nodes):
        diagonal[k] += g_axial[k]
        diagonal[parent[k]] += g_axial[k]
    for k in range(nodes):
        c = compartment[k]
        if c >= 0:
            diagonal[k] += area[c] * (Cm[c] / dt + gtot[c])
            rhs[k] = area[c] * (Cm[c] / dt * v[c] + I0[c])


@njit(cache=True, error_model="numpy", inline="always")
def _take_solution(compartment, Cm, v, Ic, rhs, dt):
    """The compartments' new potentials (solved into rhs) and capacitive currents."""
    for k in range(compartment.shape[0]):
        c = compartment[k]
        if c >= 0:
            Ic[c] = Cm[c] * (rhs[k] - v[c]) / dt
            v[c] = rhs[k]


@njit(cache=True, error_model="numpy")
def solve_cable(parent, compartment, g_axial, area, Cm, gtot, I0, v, Ic, diagonal, rhs, dt):
    """One backward-Euler step of the cable equation, in place: v and Ic (see the module)."""
    nodes = parent.shape[0]
    _assemble(parent, compartment, g_axial, area, Cm, gtot, I0, v, diagonal, rhs, dt)
    for k in range(nodes - 1, 0, -1):  # leaves to root: fold each node into its parent
        factor = g_axial[k] / diagonal[k]
        diagonal[parent[k]] -= factor * g_axial[k]
        rhs[parent[k]] += factor * rhs[k]
    rhs[0] = rhs[0] / diagonal[0]
    for k in range(1, nodes):  # root to leaves
        rhs[k] = (rhs[k] + g_axial[k] * rhs[parent[k]]) / diagonal[k]
    _take_solution(compartment, Cm, v, Ic, rhs, dt)


@njit(cache=True, error_model="numpy")
def solve_cables(
    parent_w, parent_t, compartment_w, compartment_t, g_axial_w, g_axial_t, area_w, area_t,
    Cm_w, Cm_t, gtot_w, gtot_t, I0_w, I0_t, v_w, v_t, Ic_w, Ic_t, diagonal_w, diagonal_t,
    rhs_w, rhs_t, first, stride, count, dt,
):  # fmt: skip
    """``solve_cable`` for ``count`` neurons at once: neuron ``o``'s arrays are row
    ``first + o*stride`` of each address table (``loop_views``; ``*_w`` their witnesses).

    Each neuron's arithmetic is solve_cable's, in the same order (the same bits), but the
    eliminations and back-substitutions of all neurons advance together, node by node: one
    neuron's solve is a chain of divisions each waiting for the last, several independent
    chains side by side keep the processor busy (a tree of 53 nodes: about 0.7x the time).
    """
    longest = 0
    for o in range(count):  # the system of each neuron
        row = first + o * stride
        parent = slot_value(parent_w, parent_t, row)
        compartment = slot_value(compartment_w, compartment_t, row)
        g_axial = slot_value(g_axial_w, g_axial_t, row)
        area = slot_value(area_w, area_t, row)
        Cm = slot_value(Cm_w, Cm_t, row)
        gtot = slot_value(gtot_w, gtot_t, row)
        I0 = slot_value(I0_w, I0_t, row)
        v = slot_value(v_w, v_t, row)
        diagonal = slot_value(diagonal_w, diagonal_t, row)
        rhs = slot_value(rhs_w, rhs_t, row)
        longest = max(longest, parent.shape[0])
        _assemble(parent, compartment, g_axial, area, Cm, gtot, I0, v, diagonal, rhs, dt)
    for s in range(longest - 1):  # leaves to root: each neuron's s-th node from its end
        for o in range(count):
            row = first + o * stride
            parent = slot_value(parent_w, parent_t, row)
            k = parent.shape[0] - 1 - s
            if k >= 1:
                g_axial = slot_value(g_axial_w, g_axial_t, row)
                diagonal = slot_value(diagonal_w, diagonal_t, row)
                rhs = slot_value(rhs_w, rhs_t, row)
                factor = g_axial[k] / diagonal[k]
                diagonal[parent[k]] -= factor * g_axial[k]
                rhs[parent[k]] += factor * rhs[k]
    for o in range(count):
        row = first + o * stride
        diagonal = slot_value(diagonal_w, diagonal_t, row)
        rhs = slot_value(rhs_w, rhs_t, row)
        rhs[0] = rhs[0] / diagonal[0]
    for k in range(1, longest):  # root to leaves
        for o in range(count):
            row = first + o * stride
            parent = slot_value(parent_w, parent_t, row)
            if k < parent.shape[0]:
                g_axial = slot_value(g_axial_w, g_axial_t, row)
                diagonal = slot_value(diagonal_w, diagonal_t, row)
                rhs = slot_value(rhs_w, rhs_t, row)
                rhs[k] = (rhs[k] + g_axial[k] * rhs[parent[k]]) / diagonal[k]
    for o in range(count):
        row = first + o * stride
        compartment = slot_value(compartment_w, compartment_t, row)
        Cm = slot_value(Cm_w, Cm_t, row)
        v = slot_value(v_w, v_t, row)
        Ic = slot_value(Ic_w, Ic_t, row)
        rhs = slot_value(rhs_w, rhs_t, row)
        _take_solution(compartment, Cm, v, Ic, rhs, dt)


SOLVER = f"{__name__}:solve_cable"
BATCHED_SOLVER = f"{__name__}:solve_cables"
_SOLVER_FUNCTIONS = (_assemble, _take_solution, solve_cable, solve_cables)
SOLVER_VERSION = hashlib.sha256(
    "".join(inspect.getsource(f.py_func) for f in _SOLVER_FUNCTIONS).encode()
).hexdigest()[:16]
