"""The model of the sweep benchmark: CUBA (as examples/cuba.py), its parameters from
`parameters()`, reporting its rate and how long building and running it took in this process
(wall-clock and CPU seconds).

Usage: python benchmarks/sweep_cuba.py [duration_ms=200] [N=4000] [we_scale=1.0] [seed=0]
"""

import time

clock = time.perf_counter()
cpu_clock = time.process_time()
from axonal import *  # noqa: E402 - the import is part of what is timed (as in every run)

imported = time.perf_counter()
imported_cpu = time.process_time()
p = parameters({"duration_ms": 200.0, "N": 4000, "we_scale": 1.0, "seed": 0})
seed(p.seed)
N, N_exc = p.N, int(0.8 * p.N)
connection_probability = min(1.0, 80 / N) if N != 4000 else 0.02
taum, taue, taui = 20 * ms, 5 * ms, 10 * ms
Vt, Vr, El = -50 * mV, -60 * mV, -49 * mV
we = p.we_scale * 60 * 0.27 / 10 * mV
wi = -20 * 4.5 / 10 * mV
eqs = """
dv/dt  = (ge + gi - (v - El)) / taum : volt (unless refractory)
dge/dt = -ge / taue : volt
dgi/dt = -gi / taui : volt
"""
P = NeuronGroup(N, eqs, threshold="v > Vt", reset="v = Vr", refractory=5 * ms, method="exact")
P.v = "Vr + rand() * (Vt - Vr)"
Ce = Synapses(P, P, on_pre="ge += we")
Ci = Synapses(P, P, on_pre="gi += wi")
Ce.connect("i < N_exc", p=connection_probability)
Ci.connect("i >= N_exc", p=connection_probability)
spikes = SpikeMonitor(P)
built = time.perf_counter()
run(p.duration_ms * ms)
ended = time.perf_counter()
ended_cpu = time.process_time()
report(
    rate=spikes.num_spikes / (N * p.duration_ms / 1000) * Hz,
    import_s=imported - clock,
    build_s=built - imported,
    run_s=ended - built,
    simulation_s=ended - imported,
    simulation_cpu_s=ended_cpu - imported_cpu,  # this process's CPU seconds (load-independent)
)
