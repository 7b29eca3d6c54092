"""Vogels-Abbott COBA written with PyNN: axonal.pynn, axonal's API, pyNN.nest and pyNN.brian2.

Usage: python benchmarks/pynn_coba.py [--n 4000] [--duration-ms 1000] [--target numba]
                                      [--nest-python /work/refenv/bin/python]
                                      [--skip pyNN.brian2 ...]

Each simulator runs in its own process, one after the other, in this one invocation; the
JSON printed holds one record per simulator: build_s (Populations and Projections created,
initial values set), run_s (the run() call, code generation and compilation included for
axonal), the same as CPU seconds of the process (build_cpu_s, run_cpu_s: steadier on a loaded
machine), spikes, mean rate, peak resident memory, the load average before and after; and
the ratios of axonal.pynn's figures to the others'. The model is build_ei of
benchmarks/reference/pynn_ei_protocol.py (Vogels & Abbott 2005 as in Brian 2's COBA example:
80 % excitatory, p = 0.02, we = 6 nS, wi = 67 nS, gL = 10 nS, Cm = 200 pF, refractory 5 ms,
delays 0.1 ms, dt = 0.1 ms, random initial v and conductances). pyNN.nest and pyNN.brian2
(Brian 2's default runtime target, Cython) run in the reference environment
(benchmarks/reference), the interpreter of --nest-python.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

# The model's one source, shared with the E/I agreement test (benchmarks/reference).
sys.path.insert(0, str(Path(__file__).resolve().parent / "reference"))
from pynn_ei_protocol import CELL, DELAY, W_EXC, W_INH, P, build_ei  # noqa: E402


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_pynn(sim, n: int, duration: float, extra: dict) -> dict:
    """The model in PyNN (the same lines for every PyNN backend)."""
    from pyNN.random import NumpyRNG

    sim.setup(timestep=0.1, min_delay=DELAY, max_delay=DELAY, **extra)
    started, cpu = time.perf_counter(), time.process_time()
    # random initial conductances, as Brian 2's COBA example (see build_ei on pyNN.nest)
    cells, _ = build_ei(sim, n, NumpyRNG(seed=42), initial_conductances=True)
    build, build_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    sim.run(duration)
    run, run_cpu = time.perf_counter() - started, time.process_time() - cpu
    spikes = sum(cells.get_spike_counts().values())
    sim.end()
    return {
        "build_s": build,
        "run_s": run,
        "build_cpu_s": build_cpu,
        "run_cpu_s": run_cpu,
        "spikes": int(spikes),
    }


def run_axonal_api(n: int, duration: float, target: str) -> dict:
    """The same model in axonal's own API (Brian 2 style)."""
    import numpy as np

    from axonal import (
        Network,
        NeuronGroup,
        SpikeMonitor,
        Synapses,
        defaultclock,
        ms,
        mV,
        nS,
        pF,
        prefs,
        second,
        set_target,
    )

    set_target(target)
    prefs.codegen.tiered_start = False  # (compiled from the first step)
    defaultclock.dt = 0.1 * ms
    np.random.seed(42)
    started, cpu = time.perf_counter(), time.process_time()
    eqs = """
dv/dt = (gl*(El - v) + ge*(Ee - v) + gi*(Ei - v))/Cm : volt (unless refractory)
dge/dt = -ge/taue : siemens
dgi/dt = -gi/taui : siemens
"""
    namespace = dict(  # PyNN's units: nF, ms, mV, uS
        gl=CELL["cm"] / CELL["tau_m"] * 1000 * nS,
        El=CELL["v_rest"] * mV,
        Ee=CELL["e_rev_E"] * mV,
        Ei=CELL["e_rev_I"] * mV,
        Cm=CELL["cm"] * 1000 * pF,
        taue=CELL["tau_syn_E"] * ms,
        taui=CELL["tau_syn_I"] * ms,
        we=W_EXC * 1000 * nS,
        wi=W_INH * 1000 * nS,
    )
    cells = NeuronGroup(
        n,
        eqs,
        threshold=f"v > {CELL['v_thresh']}*mV",
        reset=f"v = {CELL['v_reset']}*mV",
        refractory=CELL["tau_refrac"] * ms,
        method="rk4",
        namespace=namespace,
    )
    cells.v = (-65 + 5 * np.random.randn(n)) * mV
    cells.ge = (40 + 15 * np.random.randn(n)) * nS
    cells.gi = (200 + 120 * np.random.randn(n)) * nS
    n_exc = int(0.8 * n)
    ce = Synapses(
        cells[:n_exc], cells, on_pre="ge_post += we", delay=DELAY * ms, namespace=namespace
    )
    ce.connect("i != j", p=P)
    ci = Synapses(
        cells[n_exc:], cells, on_pre="gi_post += wi", delay=DELAY * ms, namespace=namespace
    )
    ci.connect("i != j", p=P)
    spikes = SpikeMonitor(cells)
    network = Network(cells, ce, ci, spikes)
    build, build_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    network.run(duration / 1000 * second, namespace=namespace)
    run, run_cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "build_s": build,
        "run_s": run,
        "build_cpu_s": build_cpu,
        "run_cpu_s": run_cpu,
        "spikes": int(spikes.num_spikes),
    }


def worker(kind: str, n: int, duration: float, target: str) -> dict:
    if kind == "axonal.pynn":
        import axonal.pynn as sim

        result = run_pynn(sim, n, duration, {"target": target})
    elif kind == "axonal":
        result = run_axonal_api(n, duration, target)
    elif kind == "pyNN.brian2":
        import pyNN.brian2 as sim

        result = run_pynn(sim, n, duration, {})
    else:
        import pyNN.nest as sim

        result = run_pynn(sim, n, duration, {})
    result.update(
        simulator=kind,
        n=n,
        duration_ms=duration,
        peak_rss_mb=_peak_mb(),
        rate_hz=result["spikes"] / n / (duration / 1000),
    )
    if kind.startswith("axonal"):
        result["target"] = target
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--duration-ms", type=float, default=1000.0)
    parser.add_argument("--target", default="numba", choices=["numpy", "numba"])
    parser.add_argument("--nest-python", default="/work/refenv/bin/python")
    parser.add_argument("--skip", nargs="*", default=[], help="simulators not to run")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.n, args.duration_ms, args.target)))
        return
    records = []
    for kind, python in (
        ("axonal.pynn", sys.executable),
        ("axonal", sys.executable),
        ("pyNN.nest", args.nest_python),
        ("pyNN.brian2", args.nest_python),
    ):
        if kind in args.skip:
            continue
        if not Path(python).exists():
            records.append({"simulator": kind, "error": f"{python} not found"})
            continue
        command = [
            python,
            __file__,
            "--worker",
            kind,
            "--n",
            str(args.n),
            "--duration-ms",
            str(args.duration_ms),
            "--target",
            args.target,
        ]
        load_before = os.getloadavg()
        done = subprocess.run(command, capture_output=True, text=True)
        lines = done.stdout.strip().splitlines()
        try:
            records.append(json.loads(lines[-1]))
            records[-1]["load_average_1_5_15_before"] = load_before
            records[-1]["load_average_1_5_15_after"] = os.getloadavg()
        except (IndexError, json.JSONDecodeError):
            records.append({"simulator": kind, "error": done.stderr[-2000:]})
    timed = {r["simulator"]: r for r in records if "run_s" in r}
    ratios = {}
    if "axonal.pynn" in timed:
        ours = timed["axonal.pynn"]
        for other, short in (
            ("axonal", "axonal_api"),
            ("pyNN.nest", "nest"),
            ("pyNN.brian2", "brian2"),
        ):
            if other in timed:
                for measure in ("run_s", "build_s", "run_cpu_s", "build_cpu_s"):
                    if measure in timed[other]:
                        key = f"{measure[:-2]}_pynn_over_{short}"
                        ratios[key] = ours[measure] / timed[other][measure]
    print(json.dumps({"benchmark": "pynn_coba", "records": records, "ratios": ratios}, indent=1))


if __name__ == "__main__":
    main()
