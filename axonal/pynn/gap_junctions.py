"""Gap junctions (PyNN's ElectricalSynapse): Synapses whose summed currents add up in ``i_gap``.

Each connection of conductance ``w`` carries ``w*(v_pre - v_post)`` into the target and the
opposite current into the source (a junction is bidirectional, as in NEURON's and NEST's gap
junctions), as two summed variables. Several gap projections may reach the same Population:
their summed variables into one ``i_gap`` add up (the network's rule for several sums into one
variable, axonal.synapses.summed). The coupling is explicit: the currents of a step come from
the voltages at its start.
"""

from __future__ import annotations

from axonal.synapses import Synapses

GAP_CURRENT = "i_gap"


def gap_model(weight_unit: str = "siemens") -> str:
    """The Synapses model of a gap junction of conductance ``w``."""
    return (
        f"w : {weight_unit}\n"
        f"{GAP_CURRENT}_post = w*(v_pre - v_post) : amp (summed)\n"
        f"{GAP_CURRENT}_pre = w*(v_post - v_pre) : amp (summed)\n"
    )


class GapJunctions(Synapses):
    """Synapses of gap junctions between two groups that have ``v`` and ``i_gap``."""

    def __init__(self, source, target, **kwargs):
        if GAP_CURRENT not in source.variables or GAP_CURRENT not in target.variables:
            raise ValueError(
                f"gap junctions between {source.name} and {target.name}: both cell types "
                f"need a membrane potential v and the current {GAP_CURRENT}"
            )
        super().__init__(source, target, model=gap_model(), namespace={}, **kwargs)
