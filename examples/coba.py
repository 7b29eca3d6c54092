"""COBA: the conductance-based benchmark network (Brette et al. 2007, benchmark 1).

4000 integrate-and-fire neurons with exponential synaptic conductances, 3200 excitatory and 800
inhibitory, p = 0.02. Usage: python coba.py [duration_ms]
"""

import sys

from axonal import *

duration = (float(sys.argv[1]) if len(sys.argv) > 1 else 1000) * ms
N = 4000
N_exc = 3200

area = 20000 * umetre**2
Cm = (1 * ufarad * cm**-2) * area
gl = (5e-5 * siemens * cm**-2) * area
El = -60 * mV
Vt = -50 * mV
Vr = -60 * mV
Ee = 0 * mV
Ei = -80 * mV
taue = 5 * ms
taui = 10 * ms
we = 6 * nS
wi = 67 * nS

eqs = """
dv/dt  = (gl*(El - v) + ge*(Ee - v) + gi*(Ei - v)) / Cm : volt (unless refractory)
dge/dt = -ge / taue : siemens
dgi/dt = -gi / taui : siemens
"""
P = NeuronGroup(N, eqs, threshold="v > Vt", reset="v = Vr", refractory=5 * ms, method="euler")
P.v = "El + (randn() * 5 - 5) * mV"
P.ge = "(randn() * 1.5 + 4) * 10 * nS"
P.gi = "(randn() * 12 + 20) * 10 * nS"

Ce = Synapses(P, P, on_pre="ge += we")
Ci = Synapses(P, P, on_pre="gi += wi")
Ce.connect("i < N_exc", p=0.02)
Ci.connect("i >= N_exc", p=0.02)

spikes = SpikeMonitor(P)
run(duration)

rate = spikes.num_spikes / (N * duration / second)
active = (spikes.count > 0).mean()
print(
    f"COBA: {N} neurons, {len(Ce) + len(Ci)} synapses, {duration / ms:g} ms: "
    f"{spikes.num_spikes} spikes, mean rate {rate:.2f} Hz, {active:.0%} of neurons active"
)
