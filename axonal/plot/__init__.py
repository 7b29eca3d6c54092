"""Plots of monitors, synapses and networks, and live views during a run (matplotlib).

matplotlib is imported when a plot is made, never by ``import axonal`` or ``import
axonal.plot``. Every function returns the Axes it drew on and accepts ``ax=``.
"""

from axonal.plot.dispatch import brian_plot
from axonal.plot.live import LiveRaster, LiveTrace, LiveView, LiveViews
from axonal.plot.morphology import plot_morphology
from axonal.plot.network import network_dot, plot_network
from axonal.plot.spikes import plot_raster, plot_rate
from axonal.plot.state import plot_state
from axonal.plot.synapses import plot_synapses

__all__ = [
    "LiveRaster",
    "LiveTrace",
    "LiveView",
    "LiveViews",
    "brian_plot",
    "network_dot",
    "plot_morphology",
    "plot_network",
    "plot_raster",
    "plot_rate",
    "plot_state",
    "plot_synapses",
]
