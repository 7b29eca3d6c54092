"""PyNN's synapse types as axonal Synapses code: model, on_pre and on_post statements.

The weight of a connection is the synaptic variable ``w`` in SI units (the Projection scales
PyNN's nA, uS or mV by the target cell type's weight unit). The target cell type says what a
spike of weight ``w`` does (``g_exc_post += w`` ...); a synapse type may replace ``w`` there by
an expression (``w*u*x`` for Tsodyks-Markram) and add its own state and updates.
"""

from __future__ import annotations

import re

from pyNN.standardmodels import build_translations, synapses

_WEIGHT = re.compile(r"\bw\b")


def effect(receptor_statement: str, amount: str) -> str:
    """The target's statement for a spike, with the weight replaced by ``amount``."""
    return _WEIGHT.sub(f"({amount})", receptor_statement)


class AxonalSynapseType:
    """What a Projection needs of a synapse type.

    ``native_variables``: (native name, axonal unit) of the per-synapse parameters besides the
    weight, in the order of ``translations``; their values arrive in SI.
    """

    native_variables: list[tuple[str, str]] = []
    plastic_weight = False

    def _get_minimum_delay(self):
        from axonal.pynn import simulator

        return simulator.state.min_delay

    def axonal_code(self, receptor_statement: str, weight_unit: str) -> tuple[str, str, str]:
        """(model, on_pre, on_post) of an axonal Synapses object."""
        return f"w : {weight_unit}", receptor_statement, ""


_BASE = [("weight", "weight"), ("delay", "delay")]


class StaticSynapse(AxonalSynapseType, synapses.StaticSynapse):
    __doc__ = synapses.StaticSynapse.__doc__
    translations = build_translations(*_BASE)


class TsodyksMarkramSynapse(AxonalSynapseType, synapses.TsodyksMarkramSynapse):
    """Depression and facilitation (Tsodyks, Uziel & Markram 2000), updated at each spike.

    Between spikes the resources x recover towards 1 with tau_rec and the utilisation u decays
    towards 0 with tau_facil (NEST's tsodyks2_synapse); at a spike u grows by U*(1 - u) (or is
    U without facilitation), the target receives w*u*x and x loses u*x.
    """

    __doc__ = synapses.TsodyksMarkramSynapse.__doc__
    translations = build_translations(
        *_BASE,
        ("U", "U"),
        ("tau_rec", "tau_rec", 1e-3),
        ("tau_facil", "tau_facil", 1e-3),
    )
    native_variables = [("U", "1"), ("tau_rec", "second"), ("tau_facil", "second")]

    def axonal_code(self, receptor_statement, weight_unit):
        model = f"""
w : {weight_unit}
U : 1
tau_rec : second
tau_facil : second
u_tm : 1
x_tm : 1
last_tm : second
"""
        on_pre = f"""
x_tm = 1 - (1 - x_tm)*exp(-(t - last_tm)/tau_rec)
u_tm = u_tm*exp(-(t - last_tm)/clip(tau_facil, 1e-12*second, inf*second))
u_tm = u_tm + U*(1 - u_tm)
{effect(receptor_statement, "w*u_tm*x_tm")}
x_tm = x_tm - u_tm*x_tm
last_tm = t
"""
        return model, on_pre, ""

    initial_state = {"x_tm": 1.0, "u_tm": 0.0, "last_tm": -1e9}


# -- spike-timing-dependent plasticity ------------------------------------------------------
# Weight dependences: the change at a post spike (potentiation, times the pre trace) and at a
# pre spike (depression, times the post trace), as NEST's stdp_synapse family computes them.
# The weight is clipped to [w_min, w_max] after every change.
_POTENTIATION = {
    "additive": "w_max*A_plus",
    "multiplicative": "A_plus*(w_max - w)",
    "additive-multiplicative": "w_max*A_plus",
    "gutig": "w_max*A_plus*clip(1 - w/w_max, 0, 1)**mu_plus",
}
_DEPRESSION = {
    "additive": "w_max*A_minus",
    "multiplicative": "A_minus*(w - w_min)",
    "additive-multiplicative": "A_minus*(w - w_min)",
    "gutig": "w_max*A_minus*clip(w/w_max, 0, 1)**mu_minus",
}


class AdditiveWeightDependence(synapses.AdditiveWeightDependence):
    __doc__ = synapses.AdditiveWeightDependence.__doc__
    translations = build_translations(("w_max", "w_max"), ("w_min", "w_min"))
    kind = "additive"
    extra_variables: list[tuple[str, str]] = []


class MultiplicativeWeightDependence(synapses.MultiplicativeWeightDependence):
    __doc__ = synapses.MultiplicativeWeightDependence.__doc__
    translations = build_translations(("w_max", "w_max"), ("w_min", "w_min"))
    kind = "multiplicative"
    extra_variables: list[tuple[str, str]] = []


class AdditivePotentiationMultiplicativeDepression(
    synapses.AdditivePotentiationMultiplicativeDepression
):
    __doc__ = synapses.AdditivePotentiationMultiplicativeDepression.__doc__
    translations = build_translations(("w_max", "w_max"), ("w_min", "w_min"))
    kind = "additive-multiplicative"
    extra_variables: list[tuple[str, str]] = []


class GutigWeightDependence(synapses.GutigWeightDependence):
    __doc__ = synapses.GutigWeightDependence.__doc__
    translations = build_translations(
        ("w_max", "w_max"), ("w_min", "w_min"), ("mu_plus", "mu_plus"), ("mu_minus", "mu_minus")
    )
    kind = "gutig"
    extra_variables = [("mu_plus", "1"), ("mu_minus", "1")]


class SpikePairRule(synapses.SpikePairRule):
    __doc__ = synapses.SpikePairRule.__doc__
    translations = build_translations(
        ("tau_plus", "tau_plus", 1e-3),
        ("tau_minus", "tau_minus", 1e-3),
        ("A_plus", "A_plus"),
        ("A_minus", "A_minus"),
    )


class Vogels2011Rule(synapses.Vogels2011Rule):
    __doc__ = synapses.Vogels2011Rule.__doc__
    translations = build_translations(("tau", "tau", 1e-3), ("eta", "eta"), ("rho", "rho"))


class STDPMechanism(AxonalSynapseType, synapses.STDPMechanism):
    """Pair-based STDP with all-to-all pairing through exponential traces (as NEST's
    stdp_synapse): a pre spike depresses by the post trace, a post spike potentiates by the
    pre trace; Vogels et al. (2011) inhibitory plasticity with its symmetric rule."""

    __doc__ = synapses.STDPMechanism.__doc__
    base_translations = build_translations(
        ("weight", "weight"),
        ("delay", "delay"),
        ("dendritic_delay_fraction", "dendritic_delay_fraction"),
    )
    plastic_weight = True

    def __init__(self, *args, **kwargs):
        self.base_translations = dict(self.__class__.base_translations)
        super().__init__(*args, **kwargs)

    def _build_translations(self):
        self.translations = dict(self.base_translations)
        for component in (self.timing_dependence, self.weight_dependence):
            if component:
                self.translations.update(component.translations)

    def pathway_delays(self) -> dict[str, float]:
        """Delay variables of the plasticity pathways, as fractions of a connection's delay.

        Of a delay d, (1 - f) d is axonal and f d dendritic (f = dendritic_delay_fraction):
        the synapse sees a pre spike after (1 - f) d and a post spike after f d, while the
        spike reaches the target after d (the "pre" pathway)."""
        f = float(self.dendritic_delay_fraction)
        return {"_delay_plasticity": 1.0 - f, "_delay_post": f}

    def axonal_code(self, receptor_statement, weight_unit):
        model, plasticity, on_post = self._plasticity_code(receptor_statement, weight_unit)
        # the weight a spike carries is the weight when the synapse saw it (as NEST sends it)
        on_pre = {
            "plasticity": plasticity + "\nw_sent = w",
            "pre": effect(receptor_statement, "w_sent"),
        }
        return model + f"w_sent : {weight_unit}\n", on_pre, on_post

    def _plasticity_code(self, receptor_statement, weight_unit):
        wd, td = self.weight_dependence, self.timing_dependence
        extra = "\n".join(f"{name} : {unit}" for name, unit in wd.extra_variables)
        clip = "w = clip(w, w_min, w_max)"
        if isinstance(td, Vogels2011Rule):
            model = f"""
w : {weight_unit}
w_min : {weight_unit}
w_max : {weight_unit}
tau : second
eta : 1
rho : hertz
dx_pre/dt = -x_pre/tau : 1 (event-driven)
dy_post/dt = -y_post/tau : 1 (event-driven)
{extra}
"""
            # units: eta is a fraction of w_max per unit of trace
            on_pre = f"""
x_pre += 1
w = w + eta*w_max*(y_post - 2*rho*tau)
{clip}
"""
            on_post = f"""
y_post += 1
w = w + eta*w_max*x_pre
{clip}
"""
            return model, on_pre, on_post
        model = f"""
w : {weight_unit}
w_min : {weight_unit}
w_max : {weight_unit}
tau_plus : second
tau_minus : second
A_plus : 1
A_minus : 1
dx_pre/dt = -x_pre/tau_plus : 1 (event-driven)
dy_post/dt = -y_post/tau_minus : 1 (event-driven)
{extra}
"""
        on_pre = f"""
w = w - ({_DEPRESSION[wd.kind]})*y_post
{clip}
x_pre += 1
"""
        on_post = f"""
w = w + ({_POTENTIATION[wd.kind]})*x_pre
{clip}
y_post += 1
"""
        return model, on_pre, on_post


class ElectricalSynapse(AxonalSynapseType, synapses.ElectricalSynapse):
    """A gap junction of conductance ``weight`` (uS) carrying current both ways between the
    membrane potentials of its two cells (gap_junctions.py); it has no delay."""

    translations = build_translations(("weight", "weight"))
    electrical = True

    def axonal_code(self, receptor_statement, weight_unit):
        from axonal.pynn.gap_junctions import gap_model

        return gap_model(weight_unit), "", ""


class SimpleStochasticSynapse(AxonalSynapseType, synapses.SimpleStochasticSynapse):
    """Each spike is transmitted with probability p (drawn in the loop for each synapse)."""

    __doc__ = synapses.SimpleStochasticSynapse.__doc__
    translations = build_translations(*_BASE, ("p", "p"))

    def axonal_code(self, receptor_statement, weight_unit):
        model = f"w : {weight_unit}\np : 1"
        return model, effect(receptor_statement, "w*int(rand() < p)"), ""
