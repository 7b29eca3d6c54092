"""What the Brian 1 layer does not map: each refusal names the feature and the axonal way."""

from __future__ import annotations


class Brian1Unsupported(NotImplementedError):
    """A Brian 1 feature axonal.brian1 does not provide; the message says how to write it in
    axonal (``from axonal import *``, Brian 2 syntax)."""

    def __init__(self, feature: str, axonal_way: str) -> None:
        self.feature, self.axonal_way = feature, axonal_way
        super().__init__(f"Brian 1's {feature} is not supported by axonal.brian1. {axonal_way}")


# Brian 1 names with no counterpart here, and the axonal way to write what they did.
UNSUPPORTED_NAMES = {
    "Synapses": (
        "Brian 1.4's Synapses class (the Brian 2 precursor)",
        "Its syntax is Brian 2's: use axonal.Synapses (from axonal import Synapses).",
    ),
    "STDP": (
        "general STDP class with equation strings (STDP(C, eqs, pre, post))",
        "Use ExponentialSTDP here, or axonal.Synapses with on_pre/on_post statements and "
        "event-driven traces.",
    ),
    "STP": (
        "short-term plasticity class STP",
        "Write the Tsodyks-Markram equations in axonal.Synapses (see "
        "examples/short_term_plasticity.py).",
    ),
    "Compartments": (
        "compartmental modelling (Compartments, MembraneEquation)",
        "axonal has no multi-compartment models; write the compartments as coupled "
        "NeuronGroup equations.",
    ),
    "MembraneEquation": (
        "MembraneEquation / library currents",
        "Write the currents into the equation string.",
    ),
    "SpikeCounter": (
        "SpikeCounter",
        "Use SpikeMonitor(...).nspikes here, or axonal's SpikeMonitor.count.",
    ),
    "RecentStateMonitor": (
        "RecentStateMonitor",
        "Use StateMonitor and keep the last samples (M.values[:, -n:]).",
    ),
    "HomogeneousCorrelatedSpikeTrains": (
        "correlated spike trains (brian.correlatedspikes)",
        "Build them from a PoissonGroup and a shared source with axonal.Synapses.",
    ),
    "brian_sample_run": ("brian_sample_run", "Run tests/brian1 with pytest."),
    "forget": ("forget()/recall()", "Use Network.remove and Network.add."),
    "recall": ("forget()/recall()", "Use Network.remove and Network.add."),
    "clear": ("clear()", "Use start_scope() from axonal."),
    "set_global_preferences": (
        "set_global_preferences (useweave, usecodegen...)",
        "Choose the target with axonal.set_target('numpy' or 'numba').",
    ),
}


def unsupported(name: str):
    """A stand-in for the Brian 1 name that refuses with the axonal way."""
    feature, axonal_way = UNSUPPORTED_NAMES[name]

    def refuse(*args, **kwargs):
        raise Brian1Unsupported(feature, axonal_way)

    refuse.__name__ = name
    refuse.__doc__ = f"Not supported: Brian 1's {feature}. {axonal_way}"
    return refuse
