"""Brian 2's NumPy target on the Song et al. (2000) STDP network, seed 1, 2 s of simulated time.

axonal draws its random numbers in the same order as Brian 2's NumPy target, so with the same
seed both give the same spikes and weights: tests/synapses/test_plasticity.py checks it.
Run in the reference environment: /work/refenv/bin/python benchmarks/reference/values_song_numpy.py
"""

import json
from pathlib import Path

import numpy as np
from brian2 import *

prefs.codegen.target = "numpy"
seed(1)
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
    """w : 1
                dApre/dt = -Apre / taupre : 1 (event-driven)
                dApost/dt = -Apost / taupost : 1 (event-driven)""",
    on_pre="""ge += w
                       Apre += dApre
                       w = clip(w + Apost, 0, gmax)""",
    on_post="""Apost += dApost
                        w = clip(w + Apre, 0, gmax)""",
)
S.connect()
S.w = "rand() * gmax"
output = SpikeMonitor(neurons)
run(2 * second)
result = {
    "description": __doc__.splitlines()[0],
    "brian2_version": "2.9.0",
    "output_spike_times_s": [float(t) for t in output.t / second],
    "weights": [float(w) for w in S.w[:]],
}
path = Path(__file__).resolve().parent / "data" / "stdp_song_numpy_seed1_2s.json"
path.write_text(json.dumps(result))
print(f"{len(result['output_spike_times_s'])} output spikes, mean w {np.mean(S.w[:]):.6g}")
