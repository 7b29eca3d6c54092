"""Multicompartment neurons: morphologies, SpatialNeuron and the cable equation's solver."""

from axonal.spatial.morphology import Cylinder, Morphology, Section, Soma
from axonal.spatial.spatialneuron import SpatialNeuron

__all__ = ["Morphology", "Soma", "Cylinder", "Section", "SpatialNeuron"]
