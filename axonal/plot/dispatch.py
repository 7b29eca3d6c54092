"""``brian_plot``: the plot that suits an object, as brian2tools offers Brian 2 users."""

from __future__ import annotations

from axonal.plot.morphology import plot_morphology
from axonal.plot.network import plot_network
from axonal.plot.spikes import plot_raster, plot_rate
from axonal.plot.state import plot_state
from axonal.plot.synapses import plot_synapses


def brian_plot(obj, ax=None, **kwargs):
    """Plot ``obj`` the usual way and return the Axes: a SpikeMonitor or EventMonitor as a
    raster, a PopulationRateMonitor as its rate, a StateMonitor as the traces of its variable
    (of ``variable=`` when it records several), Synapses as their connectivity, a Network (or
    a list of objects) as a diagram, a Morphology or SpatialNeuron as its shape. Keyword
    arguments go to that plot function."""
    from axonal.monitors import EventMonitor, PopulationRateMonitor, StateMonitor
    from axonal.network.network import Network

    if isinstance(obj, EventMonitor):
        return plot_raster(obj, ax=ax, **kwargs)
    if isinstance(obj, PopulationRateMonitor):
        return plot_rate(obj, ax=ax, **kwargs)
    if isinstance(obj, StateMonitor):
        return plot_state(obj, kwargs.pop("variable", None), ax=ax, **kwargs)
    if hasattr(obj, "source") and hasattr(obj, "target") and hasattr(obj, "connect"):
        return plot_synapses(obj, ax=ax, **kwargs)
    if hasattr(obj, "sections") or hasattr(obj, "morphology"):
        return plot_morphology(obj, ax=ax, **kwargs)
    if isinstance(obj, Network | list | tuple):
        return plot_network(obj, ax=ax, **kwargs)
    raise TypeError(
        f"brian_plot: no plot for {type(obj).__name__}; it plots monitors, Synapses and networks"
    )
