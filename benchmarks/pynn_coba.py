"""Vogels-Abbott COBA written with PyNN: axonal.pynn, axonal's API, pyNN.nest and pyNN.brian2.

Usage: python benchmarks/pynn_coba.py [--n 4000] [--duration-ms 1000] [--target numba]
                                      [--nest-python /work/refenv/bin/python]
                                      [--skip pyNN.brian2 ...]

Each simulator runs in its own process, one after the other, in this one invocation; the
JSON printed holds one record per simulator: build_s (Populations and Projections created,
initial values set), run_s (the run() call, code generation and compilation included for
axonal), spikes, mean rate, peak resident memory. The model (Vogels & Abbott 2005 as in
Brian 2's COBA example, benchmarks/models.py): 80 % excitatory, p = 0.02, we = 6 nS,
wi = 67 nS, gL = 10 nS, Cm = 200 pF, refractory 5 ms, delays 0.1 ms, dt = 0.1 ms; the same
random initial values. pyNN.nest and pyNN.brian2 (Brian 2's default runtime target, Cython)
run in the reference environment (benchmarks/reference), the interpreter of --nest-python.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

CELL = dict(
    cm=0.2,
    tau_m=20.0,
    v_rest=-60.0,
    v_thresh=-50.0,
    v_reset=-60.0,
    tau_refrac=5.0,
    e_rev_E=0.0,
    e_rev_I=-80.0,
    tau_syn_E=5.0,
    tau_syn_I=10.0,
    i_offset=0.0,
)
W_EXC, W_INH, P, DELAY = 0.006, 0.067, 0.02, 0.1  # uS, uS, -, ms


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_pynn(sim, n: int, duration: float, extra: dict) -> dict:
    """The model in PyNN (the same lines for every PyNN backend)."""
    from pyNN.random import NumpyRNG, RandomDistribution

    sim.setup(timestep=0.1, min_delay=DELAY, max_delay=DELAY, **extra)
    rng = NumpyRNG(seed=42)
    started = time.perf_counter()
    n_exc = int(0.8 * n)
    cells = sim.Population(n, sim.IF_cond_exp(**CELL), label="cells")
    cells.initialize(
        v=RandomDistribution("normal", (-65.0, 5.0), rng=rng),
        gsyn_exc=RandomDistribution("normal", (0.04, 0.015), rng=rng),
        gsyn_inh=RandomDistribution("normal", (0.2, 0.12), rng=rng),
    )
    exc, inh = cells[:n_exc], cells[n_exc:]
    connector = sim.FixedProbabilityConnector(P, allow_self_connections=False, rng=rng)
    sim.Projection(
        exc,
        cells,
        connector,
        sim.StaticSynapse(weight=W_EXC, delay=DELAY),
        receptor_type="excitatory",
    )
    sim.Projection(
        inh,
        cells,
        connector,
        sim.StaticSynapse(weight=W_INH, delay=DELAY),
        receptor_type="inhibitory",
    )
    cells.record("spikes")
    build = time.perf_counter() - started
    started = time.perf_counter()
    sim.run(duration)
    run = time.perf_counter() - started
    spikes = sum(cells.get_spike_counts().values())
    sim.end()
    return {"build_s": build, "run_s": run, "spikes": int(spikes)}


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
        second,
        set_target,
    )

    set_target(target)
    defaultclock.dt = 0.1 * ms
    np.random.seed(42)
    started = time.perf_counter()
    eqs = """
dv/dt = (gl*(El - v) + ge*(Ee - v) + gi*(Ei - v))/Cm : volt (unless refractory)
dge/dt = -ge/taue : siemens
dgi/dt = -gi/taui : siemens
"""
    namespace = dict(
        gl=10 * nS,
        El=-60 * mV,
        Ee=0 * mV,
        Ei=-80 * mV,
        Cm=200 * pF,
        taue=5 * ms,
        taui=10 * ms,
        we=W_EXC * 1000 * nS,
        wi=W_INH * 1000 * nS,
    )
    cells = NeuronGroup(
        n,
        eqs,
        threshold="v > -50*mV",
        reset="v = -60*mV",
        refractory=5 * ms,
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
    build = time.perf_counter() - started
    started = time.perf_counter()
    network.run(duration / 1000 * second, namespace=namespace)
    run = time.perf_counter() - started
    return {"build_s": build, "run_s": run, "spikes": int(spikes.num_spikes)}


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
        done = subprocess.run(command, capture_output=True, text=True)
        lines = done.stdout.strip().splitlines()
        try:
            records.append(json.loads(lines[-1]))
        except (IndexError, json.JSONDecodeError):
            records.append({"simulator": kind, "error": done.stderr[-2000:]})
    timed = {r["simulator"]: r for r in records if "run_s" in r}
    ratios = {}
    if "axonal.pynn" in timed and "axonal" in timed:
        ratios["run_pynn_over_axonal_api"] = (
            timed["axonal.pynn"]["run_s"] / timed["axonal"]["run_s"]
        )
    if "axonal.pynn" in timed and "pyNN.nest" in timed:
        ratios["run_pynn_over_nest"] = timed["axonal.pynn"]["run_s"] / timed["pyNN.nest"]["run_s"]
        ratios["build_pynn_over_nest"] = (
            timed["axonal.pynn"]["build_s"] / timed["pyNN.nest"]["build_s"]
        )
    if "axonal.pynn" in timed and "pyNN.brian2" in timed:
        ratios["run_pynn_over_brian2"] = (
            timed["axonal.pynn"]["run_s"] / timed["pyNN.brian2"]["run_s"]
        )
        ratios["build_pynn_over_brian2"] = (
            timed["axonal.pynn"]["build_s"] / timed["pyNN.brian2"]["build_s"]
        )
    print(json.dumps({"benchmark": "pynn_coba", "records": records, "ratios": ratios}, indent=1))


if __name__ == "__main__":
    main()
