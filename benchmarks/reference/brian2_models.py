"""The benchmark models of /work/shared/BENCHMARKS.md written with Brian 2's public API."""

import brian2 as b2
from brian2 import cm, ms, msiemens, mV, nS, siemens, ufarad, umetre

N_EXCITATORY_FRACTION = 0.8  # 3200 of 4000 neurons are excitatory

CUBA_EQUATIONS = """
dv/dt  = (ge + gi - (v - El)) / taum : volt (unless refractory)
dge/dt = -ge / taue : volt
dgi/dt = -gi / taui : volt
"""
CUBA_PARAMETERS = {
    "taum": 20 * ms,
    "taue": 5 * ms,
    "taui": 10 * ms,
    "Vt": -50 * mV,
    "Vr": -60 * mV,
    "El": -49 * mV,
    "we": 60 * 0.27 / 10 * mV,  # 1.62 mV
    "wi": -20 * 4.5 / 10 * mV,  # -9 mV
}

AREA = 20000 * umetre**2
COBA_PARAMETERS = {
    "Cm": (1 * ufarad * cm**-2) * AREA,
    "gl": (5e-5 * siemens * cm**-2) * AREA,
    "El": -60 * mV,
    "Vt": -50 * mV,
    "Vr": -60 * mV,
    "Ee": 0 * mV,
    "Ei": -80 * mV,
    "taue": 5 * ms,
    "taui": 10 * ms,
    "we": 6 * nS,
    "wi": 67 * nS,
}
COBA_EQUATIONS = """
dv/dt  = (gl*(El - v) + ge*(Ee - v) + gi*(Ei - v)) / Cm : volt (unless refractory)
dge/dt = -ge / taue : siemens
dgi/dt = -gi / taui : siemens
"""

COBAHH_PARAMETERS = dict(
    COBA_PARAMETERS,
    EK=-90 * mV,
    ENa=50 * mV,
    g_na=(100 * msiemens * cm**-2) * AREA,
    g_kd=(30 * msiemens * cm**-2) * AREA,
    VT=-63 * mV,
)
COBAHH_EQUATIONS = """
dv/dt = (gl*(El-v) + ge*(Ee-v) + gi*(Ei-v)
         - g_na*(m*m*m)*h*(v-ENa) - g_kd*(n*n*n*n)*(v-EK)) / Cm : volt
dm/dt = alpha_m*(1-m) - beta_m*m : 1
dn/dt = alpha_n*(1-n) - beta_n*n : 1
dh/dt = alpha_h*(1-h) - beta_h*h : 1
dge/dt = -ge / taue : siemens
dgi/dt = -gi / taui : siemens
alpha_m = 0.32*(mV**-1)*(13*mV-v+VT)/(exp((13*mV-v+VT)/(4*mV))-1.)/ms : Hz
beta_m = 0.28*(mV**-1)*(v-VT-40*mV)/(exp((v-VT-40*mV)/(5*mV))-1)/ms : Hz
alpha_h = 0.128*exp((17*mV-v+VT)/(18*mV))/ms : Hz
beta_h = 4./(1+exp((40*mV-v+VT)/(5*mV)))/ms : Hz
alpha_n = 0.032*(mV**-1)*(15*mV-v+VT)/(exp((15*mV-v+VT)/(5*mV))-1.)/ms : Hz
beta_n = .5*exp((10*mV-v+VT)/(40*mV))/ms : Hz
"""

OVERHEAD_EQUATIONS = "dv/dt = -v / (10*ms) : 1"


def _ei_synapses(group, n_neurons, on_pre_e, on_pre_i, p, namespace):
    """Excitatory (first 80 %) and inhibitory (last 20 %) random synapses onto the whole group."""
    n_exc = int(N_EXCITATORY_FRACTION * n_neurons)
    exc = b2.Synapses(group[:n_exc], group, on_pre=on_pre_e, namespace=namespace)
    inh = b2.Synapses(group[n_exc:], group, on_pre=on_pre_i, namespace=namespace)
    exc.connect(p=p)
    inh.connect(p=p)
    return exc, inh


def cuba(n_neurons: int = 4000, p: float = 0.02) -> dict:
    """CUBA (Brette et al. 2007 benchmark 2): returns the objects and the spike monitor."""
    group = b2.NeuronGroup(
        n_neurons,
        CUBA_EQUATIONS,
        threshold="v > Vt",
        reset="v = Vr",
        refractory=5 * ms,
        method="exact",
        namespace=CUBA_PARAMETERS,
    )
    group.v = "Vr + rand() * (Vt - Vr)"
    group.ge = 0 * mV
    group.gi = 0 * mV
    exc, inh = _ei_synapses(group, n_neurons, "ge += we", "gi += wi", p, CUBA_PARAMETERS)
    spikes = b2.SpikeMonitor(group)
    return {
        "objects": [group, exc, inh, spikes],
        "group": group,
        "spikes": spikes,
        "synapses": [exc, inh],
    }


def coba(n_neurons: int = 4000, p: float = 0.02) -> dict:
    """COBA (Brette et al. 2007 benchmark 1), Euler integration."""
    group = b2.NeuronGroup(
        n_neurons,
        COBA_EQUATIONS,
        threshold="v > Vt",
        reset="v = Vr",
        refractory=5 * ms,
        method="euler",
        namespace=COBA_PARAMETERS,
    )
    group.v = "El + (randn() * 5 - 5) * mV"
    group.ge = "(randn() * 1.5 + 4) * 10 * nS"
    group.gi = "(randn() * 12 + 20) * 10 * nS"
    exc, inh = _ei_synapses(group, n_neurons, "ge += we", "gi += wi", p, COBA_PARAMETERS)
    spikes = b2.SpikeMonitor(group)
    return {
        "objects": [group, exc, inh, spikes],
        "group": group,
        "spikes": spikes,
        "synapses": [exc, inh],
    }


def cobahh(n_neurons: int = 4000, p: float = 0.02) -> dict:
    """COBAHH (Brette et al. 2007 benchmark 3, Brian 2's examples/COBAHH.py)."""
    group = b2.NeuronGroup(
        n_neurons,
        COBAHH_EQUATIONS,
        threshold="v > -20*mV",
        refractory=3 * ms,
        method="exponential_euler",
        namespace=COBAHH_PARAMETERS,
    )
    group.v = "El + (randn() * 5 - 5) * mV"
    group.ge = "(randn() * 1.5 + 4) * 10 * nS"
    group.gi = "(randn() * 12 + 20) * 10 * nS"
    exc, inh = _ei_synapses(group, n_neurons, "ge += we", "gi += wi", p, COBAHH_PARAMETERS)
    spikes = b2.SpikeMonitor(group)
    return {
        "objects": [group, exc, inh, spikes],
        "group": group,
        "spikes": spikes,
        "synapses": [exc, inh],
    }


def overhead(n_neurons: int = 1, p: float = 0.0) -> dict:
    """One neuron, dv/dt = -v/(10 ms): measures the fixed cost of a time step."""
    group = b2.NeuronGroup(n_neurons, OVERHEAD_EQUATIONS, method="exact")
    group.v = 1
    return {"objects": [group], "group": group, "spikes": None, "synapses": []}


MODELS = {"cuba": cuba, "coba": coba, "cobahh": cobahh, "overhead": overhead}

__all__ = ["MODELS", "cuba", "coba", "cobahh", "overhead"]
