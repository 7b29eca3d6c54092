"""Song, Miller & Abbott (2000): spike-timing-dependent plasticity makes weights bimodal.

1000 Poisson inputs at 15 Hz drive one integrate-and-fire neuron (as in Brian 2's example,
the synaptic drive uses the fixed distance Ee - vr from reversal) through plastic synapses
(pair-based STDP, depression slightly stronger). Competition between the inputs pushes the
weights towards 0 or towards gmax.
Usage: python stdp_song.py [duration_ms]
"""

import sys

import numpy as np

from axonal import *

duration = (float(sys.argv[1]) if len(sys.argv) > 1 else 100_000) * ms
N = 1000
taum = 10 * ms
taupre = 20 * ms
taupost = taupre
Ee = 0 * mV
vt = -54 * mV
vr = -60 * mV
El = -74 * mV
taue = 5 * ms
F = 15 * Hz
gmax = 0.01
dApre = 0.01
dApost = -dApre * taupre / taupost * 1.05
dApost *= gmax
dApre *= gmax

eqs_neurons = """
dv/dt = (ge * (Ee - vr) + El - v) / taum : volt
dge/dt = -ge / taue : 1
"""
inputs = PoissonGroup(N, rates=F)
neurons = NeuronGroup(1, eqs_neurons, threshold="v > vt", reset="v = vr", method="exact")
S = Synapses(
    inputs,
    neurons,
    """
    w : 1
    dApre/dt = -Apre / taupre : 1 (event-driven)
    dApost/dt = -Apost / taupost : 1 (event-driven)
    """,
    on_pre="""
    ge += w
    Apre += dApre
    w = clip(w + Apost, 0, gmax)
    """,
    on_post="""
    Apost += dApost
    w = clip(w + Apre, 0, gmax)
    """,
)
S.connect()
S.w = "rand() * gmax"
output = SpikeMonitor(neurons)
run(duration, report="text", report_period=30 * second)

weights = S.w[:] / gmax
near_zero = np.mean(weights < 0.1)
near_max = np.mean(weights > 0.9)
print(
    f"STDP (Song et al. 2000): {duration / second:g} s, output rate "
    f"{output.num_spikes / (duration / second):.1f} Hz; final weights: "
    f"{near_zero:.0%} below 0.1 gmax, {near_max:.0%} above 0.9 gmax"
)
