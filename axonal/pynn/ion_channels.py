"""PyNN's standard ion channels as axonal equations, for MultiCompartmentNeuron.

Each channel of a cell type, under the name the cell type gives it (``"na"``, ``"kdr"``,
``"pas"``), becomes a conductance density per compartment ``g_<name>`` and, for the
Hodgkin-Huxley channels, gating variables ``<name>_m``, ``<name>_h``, ``<name>_n``. The kinetics
are those of NEURON's ``hh`` mechanism (which pyNN.neuron and pyNN.arbor use) at 6.3 degC,
the two simulators' default temperature (q10 factor 1); the sodium and potassium reversal
potentials come from the cell's ``ionic_species`` (``e_na``, ``e_k``). The gating variables
start at their steady state for the initial membrane potential, as NEURON's finitialize does.
"""

from __future__ import annotations

import numpy as np
from pyNN.standardmodels import ion_channels as standard

__all__ = ["NaChannel", "KdrChannel", "PassiveLeak", "PassiveLeakHH"]

# rates in 1/ms of v in mV (NEURON's hh.mod); exprel(x) = (exp(x) - 1)/x has no 0/0 at the
# singular voltages (-40 mV for m, -55 mV for n)
_RATES = {
    "m": ("1/exprel(-(v/mV + 40)/10)", "4*exp(-(v/mV + 65)/18)"),
    "h": ("0.07*exp(-(v/mV + 65)/20)", "1/(exp(-(v/mV + 35)/10) + 1)"),
    "n": ("0.1/exprel(-(v/mV + 55)/10)", "0.125*exp(-(v/mV + 65)/80)"),
}


def _exprel(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    small = np.abs(x) < 1e-8
    safe = np.where(small, 1.0, x)
    return np.where(small, 1.0 + x / 2, np.expm1(safe) / safe)


def steady_state(gate: str, v_mV: np.ndarray) -> np.ndarray:
    """alpha/(alpha + beta) of a gate at ``v_mV``."""
    v = np.asarray(v_mV, dtype=float)
    alpha = {
        "m": 1 / _exprel(-(v + 40) / 10),
        "h": 0.07 * np.exp(-(v + 65) / 20),
        "n": 0.1 / _exprel(-(v + 55) / 10),
    }[gate]
    beta = {
        "m": 4 * np.exp(-(v + 65) / 18),
        "h": 1 / (np.exp(-(v + 35) / 10) + 1),
        "n": 0.125 * np.exp(-(v + 65) / 80),
    }[gate]
    return alpha / (alpha + beta)


class _AxonalChannel:
    """What a MultiCompartmentNeuron needs of a channel: its current and equations."""

    gates: tuple[str, ...] = ()
    exponents: dict[str, int] = {}
    reversal = ""  # the ionic species whose reversal potential drives the current

    def current(self, name: str) -> str:
        """The channel's membrane current density (amp/meter**2), linear in v."""
        opening = "*".join(
            f"{name}_{gate}**{self.exponents[gate]}" if self.exponents[gate] > 1
            else f"{name}_{gate}"
            for gate in self.gates
        )  # fmt: skip
        drive = f"(e_{self.reversal} - v)" if self.reversal else f"(e_{name} - v)"
        return f"g_{name}*{opening + '*' if opening else ''}{drive}"

    def equations(self, name: str) -> str:
        lines = [f"g_{name} : siemens/meter**2"]
        if not self.reversal:
            lines.append(f"e_{name} : volt")
        for gate in self.gates:
            alpha, beta = _RATES[gate]
            lines.append(
                f"d{name}_{gate}/dt = (({alpha})*(1 - {name}_{gate}) - ({beta})*{name}_{gate})"
                f"/ms : 1"
            )
        return "\n".join(lines)

    def state_names(self, name: str) -> dict[str, str]:
        """PyNN's name of each gating variable (``na.m``) -> the native one (``na_m``)."""
        return {f"{name}.{gate}": f"{name}_{gate}" for gate in self.gates}


class NaChannel(_AxonalChannel, standard.NaChannel):
    __doc__ = "Hodgkin-Huxley sodium channel (m**3 h), NEURON's hh kinetics."
    gates, exponents, reversal = ("m", "h"), {"m": 3, "h": 1}, "na"


class KdrChannel(_AxonalChannel, standard.KdrChannel):
    __doc__ = "Hodgkin-Huxley delayed-rectifier potassium channel (n**4)."
    gates, exponents, reversal = ("n",), {"n": 4}, "k"


class PassiveLeak(_AxonalChannel, standard.PassiveLeak):
    __doc__ = "A passive leak: conductance density and reversal potential ``e_rev``."


class PassiveLeakHH(_AxonalChannel, standard.PassiveLeakHH):
    __doc__ = "The passive leak of the Hodgkin-Huxley model (e_rev -54.3 mV by default)."
