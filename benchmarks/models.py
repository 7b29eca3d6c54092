"""The benchmark models of /work/shared/BENCHMARKS.md, written once with the Brian 2 API.

Every builder takes the simulator's module as its first argument, ``brian2`` or ``axonal``, and
the same lines build the model in either (which is itself a check of axonal's promise that a
Brian 2 script runs with its import changed). axonal_bench.py binds them to axonal,
reference/brian2_models.py to Brian 2. Each returns the objects to run, the neuron group, the
spike monitor and the synapses.

The order of the calls (initial values, then connect()) fixes the random numbers each model
draws: the reference statistics in reference/reference_values.json were made with this order.
"""

from __future__ import annotations

from functools import partial
from types import ModuleType

EXCITATORY_FRACTION = 0.8  # 3200 of 4000 neurons are excitatory
BRUNEL_HAKIM_CONNECTIONS = 1000  # inputs per neuron (C)

CUBA_EQUATIONS = """
dv/dt  = (ge + gi - (v - El)) / taum : volt (unless refractory)
dge/dt = -ge / taue : volt
dgi/dt = -gi / taui : volt
"""
COBA_EQUATIONS = """
dv/dt  = (gl*(El - v) + ge*(Ee - v) + gi*(Ei - v)) / Cm : volt (unless refractory)
dge/dt = -ge / taue : siemens
dgi/dt = -gi / taui : siemens
"""
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
BRUNEL_HAKIM_EQUATIONS = "dV/dt = (-V + muext + sigmaext * sqrt(tau) * xi) / tau : volt"
STDP_NEURON_EQUATIONS = """
dv/dt = (ge * (Ee - vr) + El - v) / taum : volt
dge/dt = -ge / taue : 1
"""
STDP_SYNAPSE_MODEL = """
w : 1
dApre/dt = -Apre / taupre : 1 (event-driven)
dApost/dt = -Apost / taupost : 1 (event-driven)
"""
STDP_ON_PRE = """
ge += w
Apre += dApre
w = clip(w + Apost, 0, gmax)
"""
STDP_ON_POST = """
Apost += dApost
w = clip(w + Apre, 0, gmax)
"""


def cuba_parameters(sim: ModuleType) -> dict:
    return {
        "taum": 20 * sim.ms,
        "taue": 5 * sim.ms,
        "taui": 10 * sim.ms,
        "Vt": -50 * sim.mV,
        "Vr": -60 * sim.mV,
        "El": -49 * sim.mV,
        "we": 60 * 0.27 / 10 * sim.mV,  # 1.62 mV
        "wi": -20 * 4.5 / 10 * sim.mV,  # -9 mV
    }


def coba_parameters(sim: ModuleType) -> dict:
    area = 20000 * sim.umetre**2
    return {
        "Cm": (1 * sim.ufarad * sim.cm**-2) * area,
        "gl": (5e-5 * sim.siemens * sim.cm**-2) * area,
        "El": -60 * sim.mV,
        "Vt": -50 * sim.mV,
        "Vr": -60 * sim.mV,
        "Ee": 0 * sim.mV,
        "Ei": -80 * sim.mV,
        "taue": 5 * sim.ms,
        "taui": 10 * sim.ms,
        "we": 6 * sim.nS,
        "wi": 67 * sim.nS,
    }


def cobahh_parameters(sim: ModuleType) -> dict:
    area = 20000 * sim.umetre**2
    return dict(
        coba_parameters(sim),
        EK=-90 * sim.mV,
        ENa=50 * sim.mV,
        g_na=(100 * sim.msiemens * sim.cm**-2) * area,
        g_kd=(30 * sim.msiemens * sim.cm**-2) * area,
        VT=-63 * sim.mV,
    )


def brunel_hakim_parameters(sim: ModuleType) -> dict:
    return {
        "Vr": 10 * sim.mV,
        "theta": 20 * sim.mV,
        "tau": 20 * sim.ms,
        "J": 0.1 * sim.mV,
        "muext": 25 * sim.mV,
        "sigmaext": 1 * sim.mV,
    }


def stdp_parameters(sim: ModuleType) -> dict:
    return {
        "taum": 10 * sim.ms,
        "taupre": 20 * sim.ms,
        "taupost": 20 * sim.ms,
        "Ee": 0 * sim.mV,
        "vt": -54 * sim.mV,
        "vr": -60 * sim.mV,
        "El": -74 * sim.mV,
        "taue": 5 * sim.ms,
        "gmax": 0.01,
        "dApre": 0.01 * 0.01,  # dApre * gmax
        "dApost": -0.01 * 1.05 * 0.01,  # -dApre * taupre / taupost * 1.05 * gmax
    }


def _model(objects: list, group, spikes, synapses: list) -> dict:
    return {"objects": objects, "group": group, "spikes": spikes, "synapses": synapses}


def _ei_synapses(sim, group, n_neurons: int, p: float, namespace: dict) -> tuple:
    """Excitatory (first 80 %) and inhibitory (last 20 %) random synapses onto the whole group."""
    n_exc = int(EXCITATORY_FRACTION * n_neurons)
    exc = sim.Synapses(group[:n_exc], group, on_pre="ge += we", namespace=namespace)
    inh = sim.Synapses(group[n_exc:], group, on_pre="gi += wi", namespace=namespace)
    exc.connect(p=p)
    inh.connect(p=p)
    return exc, inh


def cuba(sim: ModuleType, n_neurons: int = 4000, p: float = 0.02) -> dict:
    """CUBA (Brette et al. 2007 benchmark 2), exact integration."""
    parameters = cuba_parameters(sim)
    group = sim.NeuronGroup(
        n_neurons,
        CUBA_EQUATIONS,
        threshold="v > Vt",
        reset="v = Vr",
        refractory=5 * sim.ms,
        method="exact",
        namespace=parameters,
    )
    group.v = "Vr + rand() * (Vt - Vr)"
    group.ge = 0 * sim.mV
    group.gi = 0 * sim.mV
    exc, inh = _ei_synapses(sim, group, n_neurons, p, parameters)
    spikes = sim.SpikeMonitor(group)
    return _model([group, exc, inh, spikes], group, spikes, [exc, inh])


def _coba_like(sim, n_neurons: int, p: float, equations: str, parameters: dict, **options):
    group = sim.NeuronGroup(n_neurons, equations, namespace=parameters, **options)
    group.v = "El + (randn() * 5 - 5) * mV"
    group.ge = "(randn() * 1.5 + 4) * 10 * nS"
    group.gi = "(randn() * 12 + 20) * 10 * nS"
    exc, inh = _ei_synapses(sim, group, n_neurons, p, parameters)
    spikes = sim.SpikeMonitor(group)
    return _model([group, exc, inh, spikes], group, spikes, [exc, inh])


def coba(sim: ModuleType, n_neurons: int = 4000, p: float = 0.02) -> dict:
    """COBA (Brette et al. 2007 benchmark 1), Euler integration."""
    return _coba_like(
        sim, n_neurons, p, COBA_EQUATIONS, coba_parameters(sim),
        threshold="v > Vt", reset="v = Vr", refractory=5 * sim.ms, method="euler",
    )  # fmt: skip


def cobahh(sim: ModuleType, n_neurons: int = 4000, p: float = 0.02) -> dict:
    """COBAHH (Brette et al. 2007 benchmark 3, Brian 2's examples/COBAHH.py)."""
    return _coba_like(
        sim, n_neurons, p, COBAHH_EQUATIONS, cobahh_parameters(sim),
        threshold="v > -20*mV", refractory=3 * sim.ms, method="exponential_euler",
    )  # fmt: skip


def overhead(sim: ModuleType, n_neurons: int = 1, p: float = 0.0) -> dict:
    """One neuron, dv/dt = -v/(10 ms): the fixed cost of a time step."""
    group = sim.NeuronGroup(n_neurons, OVERHEAD_EQUATIONS, method="exact")
    group.v = 1
    return _model([group], group, None, [])


def brunel_hakim(sim: ModuleType, n_neurons: int = 5000, p: float | None = None) -> dict:
    """Brunel & Hakim (1999): noisy inhibitory network with 2 ms delays (examples/)."""
    p = min(1.0, BRUNEL_HAKIM_CONNECTIONS / n_neurons) if p is None else p
    parameters = brunel_hakim_parameters(sim)
    group = sim.NeuronGroup(
        n_neurons,
        BRUNEL_HAKIM_EQUATIONS,
        threshold="V > theta",
        reset="V = Vr",
        refractory=2 * sim.ms,
        method="euler",
        namespace=parameters,
    )
    group.V = parameters["Vr"]
    connections = sim.Synapses(
        group, group, on_pre="V += -J", delay=2 * sim.ms, namespace=parameters
    )
    connections.connect(p=p)
    spikes = sim.SpikeMonitor(group)
    return _model([group, connections, spikes], group, spikes, [connections])


def stdp(sim: ModuleType, n_inputs: int = 1000, p: float = 1.0) -> dict:
    """Song, Miller & Abbott (2000): Poisson inputs onto one neuron through STDP synapses."""
    parameters = stdp_parameters(sim)
    inputs = sim.PoissonGroup(n_inputs, rates=15 * sim.Hz)
    neuron = sim.NeuronGroup(
        1,
        STDP_NEURON_EQUATIONS,
        threshold="v > vt",
        reset="v = vr",
        method="exact",
        namespace=parameters,
    )
    plastic = sim.Synapses(
        inputs,
        neuron,
        STDP_SYNAPSE_MODEL,
        on_pre=STDP_ON_PRE,
        on_post=STDP_ON_POST,
        namespace=parameters,
    )
    if p < 1.0:
        plastic.connect(p=p)
    else:
        plastic.connect()
    plastic.w = "rand() * gmax"
    spikes = sim.SpikeMonitor(neuron)
    return _model([inputs, neuron, plastic, spikes], neuron, spikes, [plastic])


DEFAULT_SIZES = {"overhead": 1, "brunel_hakim": 5000, "stdp": 1000}  # others: 4000 neurons


def default_size(model: str) -> int:
    return DEFAULT_SIZES.get(model, 4000)


def default_p(model: str, n_neurons: int) -> float:
    """The connection probability of this model at this size (BENCHMARKS.md)."""
    if model == "overhead":
        return 0.0
    if model == "stdp":
        return 1.0
    if model == "brunel_hakim":
        return min(1.0, BRUNEL_HAKIM_CONNECTIONS / n_neurons)  # C = 1000 inputs per neuron
    return 80 / n_neurons  # 0.02 at N = 4000, and about 80 synapses per neuron at any size


BUILDERS = {
    "cuba": cuba,
    "coba": coba,
    "cobahh": cobahh,
    "overhead": overhead,
    "brunel_hakim": brunel_hakim,
    "stdp": stdp,
}


def bound_to(sim: ModuleType) -> dict:
    """The builders with the simulator filled in: ``MODELS['cuba'](n_neurons, p)``."""
    return {name: partial(builder, sim) for name, builder in BUILDERS.items()}
