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
