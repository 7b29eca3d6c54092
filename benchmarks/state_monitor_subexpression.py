"""A StateMonitor of a subexpression of 100 000 neurons recording 2 of them: CPU seconds of a
50 ms run after a 1 ms warm-up, and a hash of the recording (to compare trees).

Usage: python benchmarks/state_monitor_subexpression.py numpy|numba
"""

import hashlib
import json
import sys
import time

from axonal import *
from axonal.codegen.targets import set_target

target = sys.argv[1]
set_target(target)
prefs.codegen.tiered_start = False  # (compiled from the first step)
eqs = "dv/dt = (1 - v)/(10*ms) : 1\nI = 2*v*exp(-v) + 0.5 : 1"
G = NeuronGroup(100_000, eqs, method="exact")
M = StateMonitor(G, "I", record=[0, 99_999])
net = Network(G, M)
net.run(1 * ms)  # compile / warm
c0, w0 = time.process_time(), time.perf_counter()
net.run(50 * ms)
cpu, wall = time.process_time() - c0, time.perf_counter() - w0
print(json.dumps({"target": target, "cpu_s": round(cpu, 3), "wall_s": round(wall, 3)}))
print(hashlib.sha256(M.I_.tobytes() + G.v_.tobytes()).hexdigest()[:16])
