"""NeuronGroup, subgroups, input groups and the unit-aware views of their variables."""

from axonal.groups.neurongroup import NeuronGroup

__all__ = ["NeuronGroup"]
