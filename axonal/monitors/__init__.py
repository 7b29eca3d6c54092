"""Monitors: spikes, events, state variables and population rates."""

from axonal.monitors.eventmonitor import EventMonitor, SpikeMonitor
from axonal.monitors.statemonitor import PopulationRateMonitor, StateMonitor

__all__ = ["SpikeMonitor", "EventMonitor", "StateMonitor", "PopulationRateMonitor"]
