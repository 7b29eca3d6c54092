"""Time to result of a new model, cold cache: tiered start against NumPy, compiled, Brian 2.

Usage: python benchmarks/tiered_start.py [--repeats R] [--output FILE]
       [--cases adex:1 cuba:1 cuba:10] [--modes numpy compiled-cold tiered-cold ...]

Each case is a fresh process with an empty kernel cache (AXONAL_CACHE_DIR; Brian 2: its
cython cache folder), so that the whole process is measured as a user meets it: interpreter
start, imports, building the model, code generation, compilation and the run, until the
spikes are read. The modes, interleaved within each repeat:

- numpy: axonal's NumPy target.
- compiled-cold: axonal's compiled (Numba) target compiled from the first step
  (``prefs.codegen.tiered_start = False``), empty cache.
- tiered-cold: the compiled target as it starts by default (tiered start on, set explicitly
  so that ``$AXONAL_TIERED_START`` does not change it), empty cache.
- compiled-cached, tiered-cached: the same, a second process on the cache the first filled.
- brian2-cython-cold: Brian 2.9.0's cython runtime in /work/refenv, an empty cython cache.
- tiered-fork-cold (only when asked for): tiered-cold with the compiling child forked whatever
  the load average (tiered start forks none when no core looks idle), to measure the switch
  on a machine that is never idle; the child then shares the cores with the other load.

Models: ``adex`` (a small model: 100 adaptive exponential neurons, Brette & Gerstner 2005's
regular spiking parameters, one current each from 0.5 to 1.5 nA, Euler), ``cuba`` (4000
neurons, /work/shared/BENCHMARKS.md). One JSON line per process: ``total_s`` is the wall time
from the process's start to its result, ``cpu_s`` the CPU seconds of the process until then
(with its reaped children); for tiered-cold also ``background_cpu_s`` (the compiling child's
CPU seconds, which it spends on the other core, partly after the result) and
``switched_at_step``. Every line gives the one-minute load average.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "reference"))
sys.path.insert(0, str(HERE))
REFERENCE_PYTHON = "/work/refenv/bin/python"
AXONAL_MODES = ("numpy", "compiled-cold", "tiered-cold", "compiled-cached", "tiered-cached")
# Not in the default set: the forked child whatever the load average (see the docstring).
EXTRA_MODES = ("tiered-fork-cold",)
MODES = (*AXONAL_MODES, "brian2-cython-cold")
ADEX_EQUATIONS = """
dvm/dt = (gL*(EL - vm) + gL*DeltaT*exp((vm - VT)/DeltaT) + I - w)/C : volt
dw/dt = (a*(vm - EL) - w)/tauw : amp
I : amp
"""


def adex(sim, n_neurons: int = 100, p: float = 0.0) -> dict:
    """100 AdEx neurons (Brette & Gerstner 2005, regular spiking), currents 0.5-1.5 nA."""
    parameters = {
        "C": 281 * sim.pF, "gL": 30 * sim.nS, "EL": -70.6 * sim.mV, "VT": -50.4 * sim.mV,
        "DeltaT": 2 * sim.mV, "tauw": 144 * sim.ms, "a": 4 * sim.nS,
        "b": 0.0805 * sim.nA, "Vr": -70.6 * sim.mV, "Vcut": -40.4 * sim.mV,
    }  # fmt: skip
    group = sim.NeuronGroup(
        n_neurons, ADEX_EQUATIONS, threshold="vm > Vcut", reset="vm = Vr; w += b",
        method="euler", namespace=parameters,
    )  # fmt: skip
    group.vm = parameters["EL"]
    group.I = "(0.5 + i * 1.0 / (N - 1)) * nA"
    spikes = sim.SpikeMonitor(group)
    return {"objects": [group, spikes], "group": group, "spikes": spikes, "synapses": []}


def build(sim, model: str) -> dict:
    import models

    return adex(sim) if model == "adex" else models.cuba(sim)


def run_axonal(mode: str, model: str, duration: float) -> dict:
    """One case in this process (called in a fresh one)."""
    import axonal
    from axonal import Network, defaultclock, ms, prefs, second, seed, set_target
    from axonal.network import tiered

    set_target("numpy" if mode == "numpy" else "numba")
    # Every mode says what it measures, whatever the default and $AXONAL_TIERED_START.
    prefs.codegen.tiered_start = mode.startswith("tiered")
    if mode == "tiered-fork-cold":
        tiered._idle_core = lambda: True  # the child, whatever the load average says
    defaultclock.dt = 0.1 * ms
    seed(1)
    objects = build(axonal, model)
    Network(*objects["objects"]).run(duration * second)
    spikes = int(objects["spikes"].num_spikes)
    result = {"simulator": "axonal", "spikes": spikes, **_process_figures()}
    if mode.startswith("tiered"):
        result["switched_at_step"] = tiered.switches[0][1] if tiered.switches else None
        # The switch's own seconds (the loop loaded; Numba's context unless made before).
        result["switch_s"] = (
            round(tiered._switch_seconds[-1], 3) if tiered._switch_seconds else None
        )
        waited = time.perf_counter()
        result["background_cpu_s"] = tiered.wait_for_compiles()
        result["waited_for_background_s"] = time.perf_counter() - waited
    return result


def run_brian2(model: str, duration: float) -> dict:
    import brian2

    brian2.prefs.codegen.target = "cython"
    brian2.prefs.codegen.runtime.cython.cache_dir = tempfile.mkdtemp(prefix="brian2_cython_")
    brian2.defaultclock.dt = 0.1 * brian2.ms
    brian2.seed(1)
    objects = build(brian2, model)
    brian2.Network(objects["objects"]).run(duration * brian2.second)
    spikes = int(objects["spikes"].num_spikes)
    return {"simulator": f"brian2 {brian2.__version__}", "spikes": spikes, **_process_figures()}


def _process_figures() -> dict:
    from measure import cpu_seconds, load_average, peak_rss_mb, seconds_since_start

    return {
        "total_s": round(seconds_since_start(), 3),
        "cpu_s": round(cpu_seconds(), 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "load_avg_1min": round(load_average(), 2),
    }


def one_process(mode: str, model: str, duration: float, cache: str) -> dict:
    """Run one case in a fresh process; its JSON result."""
    if mode.startswith("brian2"):
        command = [REFERENCE_PYTHON, __file__, "--child", mode, model, str(duration)]
    else:
        command = [sys.executable, __file__, "--child", mode, model, str(duration)]
    environment = {**os.environ, "AXONAL_CACHE_DIR": cache}
    finished = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
    if finished.returncode != 0:
        return {"error": finished.stderr.strip().splitlines()[-1:]}
    return json.loads(finished.stdout.strip().splitlines()[-1])


def measure(mode: str, model: str, duration: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="axonal_tiered_") as cache:
        if mode.endswith("cached"):
            one_process(mode, model, duration, cache)  # fills the cache, not measured
        result = one_process(mode, model, duration, cache)
        time.sleep(0.2)  # (a tiered child left compiling after its parent: let it end)
    return {"mode": mode, "model": model, "simulated_s": duration, **result}


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=3, metavar=("MODE", "MODEL", "DURATION"))
    parser.add_argument("--cases", nargs="+", default=["adex:1", "cuba:1", "cuba:10"])
    parser.add_argument("--modes", nargs="+", default=list(MODES), choices=MODES + EXTRA_MODES)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--output", type=Path, help="also write the JSON lines to this file")
    return parser.parse_args()


def main() -> None:
    args = parse_arguments()
    if args.child:
        mode, model, duration = args.child
        if mode.startswith("brian2"):
            result = run_brian2(model, float(duration))
        else:
            result = run_axonal(mode, model, float(duration))
        print(json.dumps(result))
        return
    lines = []
    for repeat in range(args.repeats):
        for case in args.cases:
            model, duration = case.split(":")
            for mode in args.modes:
                result = measure(mode, model, float(duration)) | {"repeat": repeat}
                line = json.dumps(result)
                print(line, flush=True)
                lines.append(line)
    if args.output:
        args.output.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
