"""Gap junctions (PyNN's ElectricalSynapse): Synapses whose summed currents add up in ``i_gap``.

Each connection of conductance ``w`` carries ``w*(v_pre - v_post)`` into the target and the
opposite current into the source (a junction is bidirectional, as in NEURON's and NEST's gap
junctions), as two summed variables. A summed variable sets its target (zero, then add each
synapse's term); several gap projections may reach the same Population, so of all the gap
Synapses writing one group's ``i_gap`` only the first in the schedule (the oldest) zeroes it
and the others add to it. The coupling is explicit: the currents of a step come from the
voltages at its start.
"""

from __future__ import annotations

from axonal.model.ir import Expression, KernelRole, Statement
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
    """Synapses of gap junctions; ``registry`` lists every GapJunctions of the network."""

    def __init__(self, source, target, registry: list, **kwargs):
        if GAP_CURRENT not in source.variables or GAP_CURRENT not in target.variables:
            raise ValueError(
                f"gap junctions between {source.name} and {target.name}: both cell types "
                f"need a membrane potential v and the current {GAP_CURRENT}"
            )
        super().__init__(source, target, model=gap_model(), namespace={}, **kwargs)
        self._registry = registry
        registry.append(self)

    def _written_group(self, name: str):
        return self.target if name.endswith("_post") else self.source

    def _zeroes(self, name: str) -> bool:
        """Whether this Synapses's summed ``name`` is the first writer of its group's i_gap."""
        group = self._written_group(name)
        writers = [
            (synapses.creation_index, position)
            for synapses in self._registry
            for position, written in enumerate(synapses.summed)
            if synapses._written_group(written) is group
        ]
        return min(writers) == (self.creation_index, list(self.summed).index(name))

    def summed_targets(self) -> list[tuple[object, str, str]]:
        """Only the summed variables that zero ``i_gap`` set it; the others add to that sum, so
        the network's check for sums overwriting each other leaves them out."""
        return [target for target in super().summed_targets() if self._zeroes(target[2])]

    def _summed_kernels(self, name: str, expression: Expression, context):
        group, zero, add = super()._summed_kernels(name, expression, context)
        if not self._zeroes(name):
            # another gap Synapses zeroed i_gap earlier in this step: only add to it
            keep, functions = group.make_kernel(
                f"summed_{GAP_CURRENT}_keep",
                KernelRole.STATE_UPDATE,
                [Statement(GAP_CURRENT, "+=", Expression("0.0"))],
                context,
                when="before_groups",
            )
            zero = group.local_kernel(keep, context), functions
        return group, zero, add
