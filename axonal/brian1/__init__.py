"""Brian 1 scripts on axonal: ``from brian import *`` becomes ``from axonal.brian1 import *``.

A thin layer: every Brian 1 class here is an axonal NeuronGroup, Synapses, monitor or network
operation with Brian 1's arguments and attributes, so the scripts run on both targets. The
star import gives what Brian 1's did: units, NumPy and pylab names (``rand``, ``exp``,
``plot``, ``show``), the simulator classes, and the symbolic ``i`` and ``j`` of
``sparseness=exp(-abs(i-j)*.1)``. Names listed in docs/brian1.md.
"""

from __future__ import annotations

import numpy as _np

import axonal.units as _units
from axonal.brian1.connections import Connection, DelayConnection, IdentityConnection
from axonal.brian1.equations import Equations
from axonal.brian1.groups import (
    MultipleSpikeGeneratorGroup,
    NeuronGroup,
    PoissonGroup,
    SpikeGeneratorGroup,
    TimedArray,
)
from axonal.brian1.monitors import (
    PopulationRateMonitor,
    SpikeMonitor,
    StateMonitor,
    raster_plot,
    rasterPlot,
)
from axonal.brian1.network import (
    Clock,
    EventClock,
    MagicNetwork,
    Network,
    RegularClock,
    define_default_clock,
    get_default_clock,
    network_operation,
    reinit,
    reinit_default_clock,
    run,
    stop,
)
from axonal.brian1.pairs import i, j
from axonal.brian1.stdp import ExponentialSTDP
from axonal.brian1.thresholds import (
    EmpiricalThreshold,
    FunReset,
    FunThreshold,
    NoReset,
    NoThreshold,
    PoissonThreshold,
    Reset,
    SimpleFunThreshold,
    StringReset,
    StringThreshold,
    Threshold,
    VariableReset,
    VariableThreshold,
)
from axonal.brian1.unsupported import UNSUPPORTED_NAMES, Brian1Unsupported, unsupported
from axonal.network import defaultclock

_CLASSES = [
    "Brian1Unsupported", "Clock", "Connection", "DelayConnection", "EmpiricalThreshold",
    "Equations", "EventClock", "ExponentialSTDP", "FunReset", "FunThreshold",
    "IdentityConnection", "MagicNetwork", "MultipleSpikeGeneratorGroup", "Network",
    "NeuronGroup", "NoReset", "NoThreshold", "PoissonGroup", "PoissonThreshold",
    "PopulationRateMonitor", "RegularClock", "Reset", "SimpleFunThreshold",
    "SpikeGeneratorGroup", "SpikeMonitor", "StateMonitor", "StringReset", "StringThreshold",
    "Threshold", "TimedArray", "VariableReset", "VariableThreshold", "defaultclock",
    "define_default_clock", "get_default_clock", "i", "j", "network_operation", "raster_plot",
    "rasterPlot", "reinit", "reinit_default_clock", "run", "stop",
]  # fmt: skip


def _pylab_names() -> dict[str, object]:
    """pylab's names (plot, show, ion, subplot...), which Brian 1's star import included;
    none when matplotlib is not installed (the plotting calls then say so)."""
    try:
        from matplotlib import pylab
    except ImportError:
        return {}
    return {name: getattr(pylab, name) for name in dir(pylab) if not name.startswith("_")}


def _namespace() -> dict[str, object]:
    names: dict[str, object] = {}
    # Lowest priority first: NumPy, pylab, then units and unit-aware functions, then Brian 1.
    names.update({n: getattr(_np, n) for n in dir(_np) if not n.startswith("_")})
    names.update(_pylab_names())
    names.update({"rand": _np.random.rand, "randn": _np.random.randn})
    names.update({n: getattr(_units, n) for n in _units.__all__})
    names["qarray"] = _units.Quantity
    names.update({n: unsupported(n) for n in UNSUPPORTED_NAMES})
    names.update({n: globals()[n] for n in _CLASSES})
    names.pop("test", None)  # NumPy's test runner: pytest would collect it from test modules
    return names


_exported = _namespace()
globals().update({n: v for n, v in _exported.items() if n not in globals()})
__all__ = sorted(_exported)
