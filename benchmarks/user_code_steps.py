"""Per-step cost of a network with user code: Brian 2's Nicola_Clopath_2017 example (FORCE
training of LIF neurons; two network_operations, one every step), smaller and shorter.

Usage: python benchmarks/user_code_steps.py numpy|numba N T_seconds [profile]
Prints CPU and wall seconds of the run after a 1 ms warm-up, spikes, and a hash of z.
"""

import hashlib
import json
import sys
import time

import numpy as np

from axonal import *
from axonal.codegen.targets import set_target

target, N, T = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
set_target(target)
prefs.codegen.tiered_start = False  # (compiled from the first step)
np.random.seed(1)
td, tr, tm, tref = 20 * ms, 2 * ms, 10 * ms, 2 * ms
vreset, vpeak = -65, -40
BIAS = vpeak
defaultclock.dt = 0.05 * ms
imin, icrit, step = 0.1 * T * second, 0.8 * T * second, 2.5 * ms
Q, G, p = 10, 0.04, 0.1
alpha = defaultclock.dt / second * 0.1
Pinv = np.eye(N) * alpha


def zx(t):
    return np.sin(2 * np.pi * 5 * Hz * t)


neurons = NeuronGroup(
    N,
    """
dv/dt = (-v + BIAS + IPSC + E*z)/tm: 1 (unless refractory)
dIPSC/dt = -IPSC/tr + h : 1
dh/dt = -h/td : 1/second
dr/dt = -r/tr + hr : 1
dhr/dt = -hr/td : 1/second
BPhi : 1
z : 1 (shared)
E : 1
""",
    method="euler",
    threshold="v>=vpeak",
    reset="v=vreset; hr += 1/(tr*td)*second",
    refractory=tref,
)
neurons.E = (2 * np.random.uniform(size=N) - 1) * Q
neurons.v = vreset + np.random.uniform(size=N) * (30 - vreset)
synapses = Synapses(neurons, neurons, "w : second", on_pre="h += w/(tr*td)")
synapses.connect()
omega = (
    G * (np.random.normal(size=(N, N)) * (np.random.uniform(size=(N, N)) < p)) / (np.sqrt(N) * p)
)
synapses.w = omega.flatten() * second
spikemon = SpikeMonitor(neurons[:20])
statemon_BPhi = StateMonitor(neurons, "BPhi", record=range(10))
statemon_z = StateMonitor(neurons, "z", record=[0])


@network_operation(dt=defaultclock.dt)
def readout(t):
    neurons.z = np.dot(neurons.BPhi, neurons.r)


@network_operation(dt=step)
def train(t):
    global Pinv
    if t > imin and t < icrit:
        cd = Pinv @ neurons.r
        err = neurons.z - zx(t)
        neurons.BPhi -= cd * err
        Pinv -= np.outer(cd, cd) / (1 + np.dot(neurons.r, cd))


run(1 * ms)
c0, w0 = time.process_time(), time.perf_counter()
if len(sys.argv) > 4:
    import cProfile
    import pstats

    profile_path = "user_code_steps.prof"
    cProfile.run("run(T * second)", profile_path)
    pstats.Stats(profile_path).sort_stats("tottime").print_stats(18)
else:
    run(T * second)
cpu = time.process_time() - c0
print(
    json.dumps(
        {
            "target": target,
            "N": N,
            "T": T,
            "cpu_s": round(cpu, 3),
            "wall_s": round(time.perf_counter() - w0, 3),
            "spikes": int(spikemon.num_spikes),
            "hash": hashlib.sha256(statemon_z.z_.tobytes()).hexdigest()[:12],
        }
    )
)
