"""NeuronGroup, subgroups, input groups and the unit-aware views of their variables."""

from axonal.groups.linked import linked_var
from axonal.groups.neurongroup import NeuronGroup
from axonal.groups.poissongroup import PoissonGroup
from axonal.groups.spikegeneratorgroup import SpikeGeneratorGroup

__all__ = ["NeuronGroup", "PoissonGroup", "SpikeGeneratorGroup", "linked_var"]
