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


@njit(cache=True, error_model="numpy")
def solve_cable(parent, compartment, g_axial, area, Cm, gtot, I0, v, Ic, diagonal, rhs, dt):
    """One backward-Euler step of the cable equation, in place: v and Ic (see the module)."""
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
    for k in range(nodes - 1, 0, -1):  # leaves to root: fold each node into its parent
        factor = g_axial[k] / diagonal[k]
        diagonal[parent[k]] -= factor * g_axial[k]
        rhs[parent[k]] += factor * rhs[k]
    rhs[0] = rhs[0] / diagonal[0]
    for k in range(1, nodes):  # root to leaves
        rhs[k] = (rhs[k] + g_axial[k] * rhs[parent[k]]) / diagonal[k]
    for k in range(nodes):
        c = compartment[k]
        if c >= 0:
            Ic[c] = Cm[c] * (rhs[k] - v[c]) / dt
            v[c] = rhs[k]


SOLVER = f"{__name__}:solve_cable"
SOLVER_VERSION = hashlib.sha256(inspect.getsource(solve_cable.py_func).encode()).hexdigest()[:16]
