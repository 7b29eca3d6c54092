"""CUBA: the current-based benchmark (Brette et al. 2007, benchmark 2; Vogels & Abbott 2005).

4000 leaky integrate-and-fire neurons, 3200 excitatory and 800 inhibitory, connected at random
with probability 0.02; exponential synaptic currents. Usage: python cuba.py [duration_ms] [N]
"""

import sys

from axonal import *

duration = (float(sys.argv[1]) if len(sys.argv) > 1 else 1000) * ms
N = int(sys.argv[2]) if len(sys.argv) > 2 else 4000
N_exc = int(0.8 * N)
connection_probability = min(1.0, 80 / N) if N != 4000 else 0.02

taum = 20 * ms
taue = 5 * ms
taui = 10 * ms
Vt = -50 * mV
Vr = -60 * mV
El = -49 * mV
we = 60 * 0.27 / 10 * mV  # excitatory synaptic weight (voltage)
wi = -20 * 4.5 / 10 * mV  # inhibitory synaptic weight

eqs = """
dv/dt  = (ge + gi - (v - El)) / taum : volt (unless refractory)
dge/dt = -ge / taue : volt
dgi/dt = -gi / taui : volt
"""
P = NeuronGroup(N, eqs, threshold="v > Vt", reset="v = Vr", refractory=5 * ms, method="exact")
P.v = "Vr + rand() * (Vt - Vr)"
P.ge = 0 * mV
P.gi = 0 * mV

Ce = Synapses(P, P, on_pre="ge += we")
Ci = Synapses(P, P, on_pre="gi += wi")
Ce.connect("i < N_exc", p=connection_probability)
Ci.connect("i >= N_exc", p=connection_probability)

spikes = SpikeMonitor(P)
run(duration)

rate = spikes.num_spikes / (N * duration / second)
active = (spikes.count > 0).mean()
print(
    f"CUBA: {N} neurons, {len(Ce) + len(Ci)} synapses, {duration / ms:g} ms: "
    f"{spikes.num_spikes} spikes, mean rate {rate:.2f} Hz, {active:.0%} of neurons active"
)
