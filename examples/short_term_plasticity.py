"""Tsodyks-Markram short-term plasticity: depressing and facilitating synapses.

A presynaptic neuron fires regularly; at each spike the utilisation u jumps by U*(1-u) (then
decays to 0 with tau_f) and the spike releases the fraction u of the available resources x
(which recover to 1 with tau_d), as in Tsodyks, Pawelzik & Markram (1998). The postsynaptic
increments shrink (depression) or grow (facilitation) along the train towards a steady state.
Usage: python short_term_plasticity.py
"""

from axonal import *

rate = 20 * Hz
n_spikes = 30
synapse_model = """
w : volt
U : 1
tau_d : second
tau_f : second
du/dt = -u / tau_f : 1 (event-driven)
dx/dt = (1 - x) / tau_d : 1 (event-driven)
"""
on_pre = """
u += U * (1 - u)
v_post += w * u * x
x -= u * x
"""
source = SpikeGeneratorGroup(1, [0] * n_spikes, arange(n_spikes) / rate)
target = NeuronGroup(2, "v : volt")  # no dynamics: v adds up the synaptic increments
S = Synapses(source, target, synapse_model, on_pre=on_pre)
S.connect()
# synapse 0 depresses, synapse 1 facilitates (parameters as in Tsodyks et al. 1998)
S.U = [0.5, 0.05]
S.tau_d = [800, 100] * ms
S.tau_f = [50, 1000] * ms
S.w = 1 * mV
S.u = 0
S.x = 1
increments = StateMonitor(target, "v", record=True, when="end")
run(n_spikes / rate)

steps = diff(increments.v, axis=1, prepend=0 * mV)
for k, kind in enumerate(["depressing", "facilitating"]):
    sizes = steps[k][steps[k] > 0 * mV]
    print(f"{kind}: first increment {sizes[0] / mV:.3f} mV, last {sizes[-1] / mV:.3f} mV "
          f"({len(sizes)} spikes at {rate / Hz:g} Hz)")
