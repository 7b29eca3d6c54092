"""The Brian 2 synapse tutorial's first examples: two and three neurons, weights and delays.

Neuron 0 is driven to fire regularly; it excites neurons 1 and 2 with weights 'j*0.2' and
delays 'j*2*ms'. Usage: python synapses_tutorial.py
"""

from axonal import *

start_scope()
eqs = """
dv/dt = (I-v)/tau : 1
I : 1
tau : second
"""
G = NeuronGroup(3, eqs, threshold="v>1", reset="v = 0", method="exact")
G.I = [2, 0, 0]
G.tau = [10, 100, 100] * ms

S = Synapses(G, G, "w : 1", on_pre="v_post += w")
S.connect(i=0, j=[1, 2])
S.w = "j*0.2"
S.delay = "j*2*ms"

M = StateMonitor(G, "v", record=True)
spikes = SpikeMonitor(G)
run(50 * ms)
print(
    f"synapse tutorial: neuron 0 spiked at {spikes.t[spikes.i == 0] / ms} ms; "
    f"v of neurons 1 and 2 at the end: {G.v[1]:.4f}, {G.v[2]:.4f}"
)
