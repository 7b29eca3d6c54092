"""Synapses: connectivity, pathways, delays and summed variables."""

from axonal.synapses.synapses import Synapses

__all__ = ["Synapses"]
