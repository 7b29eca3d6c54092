"""Synapses: connectivity, pathways, delays and summed variables."""

__all__: list[str] = []
