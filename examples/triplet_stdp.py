"""The triplet STDP rule (Pfister & Gerstner 2006), all-to-all, on pairing protocols.

60 pre-post pairs are delivered at frequencies from 0.1 to 50 Hz with the postsynaptic spike
10 ms after (+10 ms) or before (-10 ms) the presynaptic one. The pair terms alone would give
frequency-independent changes; the triplet terms make high-frequency pairing potentiating in
both orders, as Sjöström et al. (2001) measured in visual cortex.
Parameters: Pfister & Gerstner (2006), Table 4, visual cortex, all-to-all, full model.
Usage: python triplet_stdp.py
"""

import numpy as np

from axonal import *

tau_plus, tau_minus, tau_x, tau_y = 16.8 * ms, 33.7 * ms, 101 * ms, 125 * ms
A2p, A3p, A2m, A3m = 5e-10, 6.2e-3, 7e-3, 2.3e-4
frequencies = [0.1, 10, 20, 40, 50] * Hz
offsets = [10, -10] * ms
n_pairs = 60

triplet_model = """
w : 1
dr1/dt = -r1 / tau_plus : 1 (event-driven)
dr2/dt = -r2 / tau_x : 1 (event-driven)
do1/dt = -o1 / tau_minus : 1 (event-driven)
do2/dt = -o2 / tau_y : 1 (event-driven)
"""
on_pre = """
w = w - o1 * (A2m + A3m * r2)
r1 += 1
r2 += 1
"""
on_post = """
w = w + r1 * (A2p + A3p * o2)
o1 += 1
o2 += 1
"""

# One synapse per (frequency, offset) protocol, all simulated together.
protocols = [(f, d) for f in frequencies for d in offsets]
pre_indices, pre_times, post_indices, post_times = [], [], [], []
for k, (frequency, offset) in enumerate(protocols):
    starts = 50 * ms + np.arange(n_pairs) / frequency
    pre_indices += [k] * n_pairs
    pre_times += list(starts / ms)
    post_indices += [k] * n_pairs
    post_times += list((starts + offset) / ms)
pre = SpikeGeneratorGroup(len(protocols), pre_indices, pre_times * ms)
post = SpikeGeneratorGroup(len(protocols), post_indices, post_times * ms)
S = Synapses(pre, post, triplet_model, on_pre=on_pre, on_post=on_post)
S.connect(j="i")
run(max(pre_times + post_times) * ms + 1 * ms)

print("triplet STDP: weight change after 60 pairings (Pfister & Gerstner 2006, visual cortex)")
for k, (frequency, offset) in enumerate(protocols):
    print(f"  {frequency / Hz:5.1f} Hz, post {offset / ms:+.0f} ms: dw = {S.w[k]:+.4f}")
