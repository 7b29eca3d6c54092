"""Monitors: spikes, events, state variables and population rates; their export and import."""

from axonal.monitors.eventmonitor import EventMonitor, SpikeMonitor

# Export to and import from the field's formats (neo, NWB, HDF5): axonal.monitors.to_neo and
# the rest, and the monitors' own methods; kept out of ``from axonal import *``, which stays
# Brian 2's namespace.
from axonal.monitors.hdf5_io import read_hdf5 as read_hdf5
from axonal.monitors.hdf5_io import to_hdf5 as to_hdf5
from axonal.monitors.neo_io import spike_generator_from_neo as spike_generator_from_neo
from axonal.monitors.neo_io import spikes_from_neo as spikes_from_neo
from axonal.monitors.neo_io import to_neo as to_neo
from axonal.monitors.nwb_io import read_nwb_series as read_nwb_series
from axonal.monitors.nwb_io import spike_generator_from_nwb as spike_generator_from_nwb
from axonal.monitors.nwb_io import spikes_from_nwb as spikes_from_nwb
from axonal.monitors.nwb_io import to_nwb as to_nwb
from axonal.monitors.statemonitor import PopulationRateMonitor, StateMonitor

__all__ = [
    "SpikeMonitor",
    "EventMonitor",
    "StateMonitor",
    "PopulationRateMonitor",
]
