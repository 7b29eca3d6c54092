"""Brunel & Hakim (1999): a sparse network of inhibitory neurons with noise and delays.

5000 leaky integrate-and-fire neurons receive strong, noisy external drive and inhibit each
other (1000 connections each) with a 2 ms delay: the population oscillates at a high
frequency while each neuron fires irregularly at a low rate.
Usage: python brunel_hakim.py [duration_ms]
"""

import sys

import numpy as np

from axonal import *

duration = (float(sys.argv[1]) if len(sys.argv) > 1 else 100) * ms
N = 5000
Vr = 10 * mV
theta = 20 * mV
tau = 20 * ms
delta = 2 * ms
taurefr = 2 * ms
C = 1000
sparseness = C / N
J = 0.1 * mV
muext = 25 * mV
sigmaext = 1 * mV

eqs = """
dV/dt = (-V + muext + sigmaext * sqrt(tau) * xi) / tau : volt
"""
group = NeuronGroup(
    N, eqs, threshold="V > theta", reset="V = Vr", refractory=taurefr, method="euler"
)
group.V = Vr
connections = Synapses(group, group, on_pre="V += -J", delay=delta)
connections.connect(p=sparseness)

spikes = SpikeMonitor(group)
rate = PopulationRateMonitor(group)
run(duration)

mean_rate = spikes.num_spikes / (N * duration / second)
# Dominant frequency of the population rate after the initial transient.
steady = rate.rate_[rate.t_ > 0.05] if duration > 60 * ms else rate.rate_
spectrum = np.abs(np.fft.rfft(steady - steady.mean()))
frequencies = np.fft.rfftfreq(len(steady), defaultclock.dt / second)
peak = frequencies[1:][np.argmax(spectrum[1:])] if len(steady) > 2 else 0.0
print(
    f"Brunel-Hakim: {N} neurons, {len(connections)} synapses, {duration / ms:g} ms: "
    f"mean rate {mean_rate:.1f} Hz, population oscillation at {peak:.0f} Hz"
)
