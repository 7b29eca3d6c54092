"""What Brian 2 scripts read from Synapses besides their own variables.

``S.indices[i, j]`` (the synapse numbers of the pairs selected by pre- and postsynaptic index,
as Brian 2's ``Synapses.indices``), and a neuron's variable read through the connectivity:
``S.v_post`` (the postsynaptic ``v`` of every synapse), ``S.x_pre``, or ``S.g`` for a
postsynaptic variable that the synapses do not define themselves.
"""

from __future__ import annotations

import numpy as np


class SynapseIndices:
    """``S.indices[...]``: synapse numbers for an (i, j) selection, a condition or a slice."""

    def __init__(self, synapses):
        self.synapses = synapses

    def __getitem__(self, item) -> np.ndarray:
        selected = self.synapses.storage_indices(item)
        return np.arange(self.synapses.N)[selected]

    def __repr__(self) -> str:
        return f"<{self.synapses.name}.indices>"


def neuron_values_through_synapses(synapses, name: str):
    """The values of a pre- or postsynaptic variable for each synapse, with units, or None."""
    if name in ("N_incoming_post", "N_outgoing_pre"):  # per neuron, as Brian 2 gives them
        index, group = (
            ("j", synapses.target) if name == "N_incoming_post" else ("i", synapses.source)
        )
        return np.bincount(synapses.variables[index].values, minlength=len(group))
    found = synapses._neuron_variable(name)
    if found is None:
        return None
    group, variable_name, index = found
    positions = np.arange(synapses.N)
    variable = group.variables[variable_name]
    raw = synapses._raw_name(name, positions, {}, None)  # as model code reads it
    return variable.with_units(np.broadcast_to(raw, positions.shape).copy())
