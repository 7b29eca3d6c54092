"""Per-run overhead of the run core: many short runs of CUBA 4000 on the NumPy target.

Each ``run()`` plans its runner again (kernels, buffers, queued spikes into the delay rings
and back, monitor buffers copied to the monitors), so many short runs show what a run costs
besides its steps. Prints one JSON line: the tree (PYTHONPATH), runs, steps per run, CPU and
wall seconds of the runs, spikes, load.

Usage (two checkouts side by side, alternated):
  for tree in /work/wt/runcore /tmp/previous_main; do
      PYTHONPATH=$tree python benchmarks/short_runs.py; done
RUNS=200 by default (environment variable).
"""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import models  # noqa: E402  (this folder is not a package)

import axonal  # noqa: E402
from axonal import Network, defaultclock, ms, seed, set_target  # noqa: E402

set_target("numpy")
defaultclock.dt = 0.1 * ms
seed(1)
model = models.bound_to(axonal)["cuba"](4000)
net = Network(*model["objects"])
net.run(1 * ms)  # (integration cache, imports)
runs, each = int(os.environ.get("RUNS", 200)), 0.5 * ms
cpu, wall = time.process_time(), time.perf_counter()
for _ in range(runs):
    net.run(each)
cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
print(json.dumps({
    "benchmark": "short_runs", "model": "cuba", "N": 4000, "target": "numpy",
    "tree": os.environ.get("PYTHONPATH", ""), "runs": runs, "steps_each": 5,
    "cpu_s": round(cpu, 3), "wall_s": round(wall, 3),
    "spikes": int(model["spikes"].num_spikes), "load_avg_1min": os.getloadavg()[0],
}))  # fmt: skip
