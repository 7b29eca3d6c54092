"""Monitors: spikes, events, state variables and population rates; their export and import."""

from axonal.monitors.eventmonitor import EventMonitor, SpikeMonitor
from axonal.monitors.hdf5_io import read_hdf5, to_hdf5
from axonal.monitors.neo_io import spike_generator_from_neo, spikes_from_neo, to_neo
from axonal.monitors.nwb_io import (
    read_nwb_series,
    spike_generator_from_nwb,
    spikes_from_nwb,
    to_nwb,
)
from axonal.monitors.statemonitor import PopulationRateMonitor, StateMonitor

__all__ = [
    "SpikeMonitor",
    "EventMonitor",
    "StateMonitor",
    "PopulationRateMonitor",
]

# Export to and import from the field's formats: axonal.monitors.to_neo and the rest, and the
# monitors' own methods; kept out of ``from axonal import *``, which stays Brian 2's namespace.
FORMATS = [
    "read_hdf5",
    "read_nwb_series",
    "spike_generator_from_neo",
    "spike_generator_from_nwb",
    "spikes_from_neo",
    "spikes_from_nwb",
    "to_hdf5",
    "to_neo",
    "to_nwb",
]
