"""NeuronGroup, subgroups, input groups and the unit-aware views of their variables."""

__all__: list[str] = []
