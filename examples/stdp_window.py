"""The STDP weight-change window (Brian 2 synapse tutorial): pairs of pre and post spikes.

Presynaptic neuron i fires at i*tmax/(N-1), postsynaptic neuron i at (N-1-i)*tmax/(N-1);
each pair is connected by a synapse with pair-based STDP (event-driven exponential traces).
The final weight of each synapse is the weight change for its spike-time difference:
potentiation when pre precedes post, depression otherwise. Usage: python stdp_window.py
"""

import numpy as np

from axonal import *

taupre = taupost = 20 * ms
wmax = 0.01
Apre = 0.01
Apost = -Apre * taupre / taupost * 1.05
tmax = 50 * ms
N = 100

# Presynaptic neurons G spike at times from 0 to tmax, postsynaptic H from tmax to 0.
G = NeuronGroup(N, "tspike : second", threshold="t > tspike", refractory=100 * ms)
H = NeuronGroup(N, "tspike : second", threshold="t > tspike", refractory=100 * ms)
G.tspike = "i * tmax / (N - 1)"
H.tspike = "(N - 1 - i) * tmax / (N - 1)"

S = Synapses(
    G,
    H,
    """
    w : 1
    dapre/dt = -apre/taupre : 1 (event-driven)
    dapost/dt = -apost/taupost : 1 (event-driven)
    """,
    on_pre="""
    apre += Apre
    w = w + apost
    """,
    on_post="""
    apost += Apost
    w = w + apre
    """,
)
S.connect(j="i")
pre_spikes = SpikeMonitor(G)
post_spikes = SpikeMonitor(H)
run(tmax + 1 * ms)

delta_t = (H.tspike[:] - G.tspike[:]) / ms
potentiated = np.sum(S.w[:] > 0)
print(
    f"STDP window: {N} pairs, delta t from {delta_t.min():.1f} to {delta_t.max():.1f} ms; "
    f"{potentiated} potentiated, largest change {S.w[:].max():.5f}, "
    f"smallest {S.w[:].min():.5f}"
)
