"""COBAHH: Hodgkin-Huxley (Traub-Miles) neurons with COBA synapses (Brette et al. 2007, bench. 3).

Usage: python cobahh.py [duration_ms]
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
EK = -90 * mV
ENa = 50 * mV
g_na = (100 * msiemens * cm**-2) * area
g_kd = (30 * msiemens * cm**-2) * area
VT = -63 * mV
taue = 5 * ms
taui = 10 * ms
Ee = 0 * mV
Ei = -80 * mV
we = 6 * nS
wi = 67 * nS

eqs = """
dv/dt = (gl*(El-v) + ge*(Ee-v) + gi*(Ei-v) - I_Na - I_K)/Cm : volt
I_Na = g_na*(m*m*m)*h*(v-ENa) : amp
I_K = g_kd*(n*n*n*n)*(v-EK) : amp
dm/dt = alpha_m*(1-m) - beta_m*m : 1
dn/dt = alpha_n*(1-n) - beta_n*n : 1
dh/dt = alpha_h*(1-h) - beta_h*h : 1
dge/dt = -ge*(1./taue) : siemens
dgi/dt = -gi*(1./taui) : siemens
alpha_m = 0.32*(mV**-1)*4*mV/exprel((13*mV-v+VT)/(4*mV))/ms : Hz
beta_m = 0.28*(mV**-1)*5*mV/exprel((v-VT-40*mV)/(5*mV))/ms : Hz
alpha_h = 0.128*exp((17*mV-v+VT)/(18*mV))/ms : Hz
beta_h = 4./(1+exp((40*mV-v+VT)/(5*mV)))/ms : Hz
alpha_n = 0.032*(mV**-1)*5*mV/exprel((15*mV-v+VT)/(5*mV))/ms : Hz
beta_n = .5*exp((10*mV-v+VT)/(40*mV))/ms : Hz
"""
P = NeuronGroup(N, model=eqs, threshold="v > -20*mV", refractory=3 * ms, method="exponential_euler")
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
print(
    f"COBAHH: {N} neurons, {len(Ce) + len(Ci)} synapses, {duration / ms:g} ms: "
    f"{spikes.num_spikes} spikes, mean rate {rate:.2f} Hz"
)
