"""Building Brunel (2000): 12,500 neurons, 15.6 M synapses, axonal against NEST side by side.

The network of Brian 2's examples/frompapers/Brunel_2000.py (panel C: g = 5, nu_ext/nu_thr = 2):
10,000 excitatory and 2,500 inhibitory integrate-and-fire neurons, every pair connected with
p = 0.1 (excitatory J = 0.1 mV, inhibitory -g*J), delay 1.5 ms, 1000 Poisson inputs per neuron.
NEST builds it with iaf_psc_delta neurons and the same rule (``pairwise_bernoulli``, p = 0.1)
and, as NEST's own brunel_delta example does, with ``fixed_indegree`` (exactly 1000 + 250
inputs per neuron: a different random network of the same size).

Usage:
    python benchmarks/brunel_build.py [--repeats 3] [--duration 0.1] [--output FILE]
    python benchmarks/brunel_build.py --worker axonal-numba   # one run, one JSON line
    python benchmarks/brunel_build.py --workers axonal-numba axonal-numpy \
        --axonal-python main=/work/main/.venv/bin/python --axonal-python new=.venv/bin/python
                                    # two axonal trees side by side (each worker under each)

The driver runs each worker in a fresh process, interleaved (repeat 1 of every simulator, then
repeat 2, ...), and prints every JSON line and a table of medians. Each line has: build_s
(neurons, synapses, connect(), inputs, monitors), connect_s (the connect() / nest.Connect
calls alone; connect_cpu_s: their CPU seconds, which the shared machine's load distorts
less), synapses, run_s (the run() call for ``duration`` simulated seconds: compilation
included on a cold cache, so look at peak memory there, not speed), spikes, rss_before_build_mb,
build_peak_rss_mb (peak after building), peak_rss_mb (peak after the run),
bytes_per_synapse_build: (build peak - RSS before) per synapse, load_avg_1min.
axonal's lines also have where its memory goes: bytes_per_synapse (the Synapses' stored arrays,
each once, as benchmarks/axonal_bench.py counts them), rss_after_build_mb (resident after
building), numba_import_mb (numba target: importing Numba, done before the run so that it is
counted apart), rss_in_loop_mb (the largest resident memory at run()'s progress reports, inside
the loop, compiled code loaded), rss_after_run_mb, and peak_rss_mb (the process's peak).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "reference"))
from measure import emit, peak_rss_mb  # noqa: E402

N_E, N_I = 10_000, 2_500
EPSILON = 0.1
G, NU_RATIO = 5.0, 2.0  # panel C of the example
NEST_PYTHON = "/work/refenv/bin/python"
WORKERS = ("axonal-numba", "axonal-numpy", "nest-bernoulli", "nest-indegree")


def resident_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def axonal_worker(target: str, duration_s: float, seed_value: int) -> dict:
    from axonal import (
        Network,
        NeuronGroup,
        PoissonInput,
        SpikeMonitor,
        Synapses,
        defaultclock,
        ms,
        mV,
        prefs,
        second,
        seed,
        set_target,
    )

    set_target(target)
    prefs.codegen.tiered_start = False  # (compiled from the first step)
    seed(seed_value)
    defaultclock.dt = 0.1 * ms
    namespace = {"tau": 20 * ms, "theta": 20 * mV, "V_r": 10 * mV, "J": 0.1 * mV, "g": G}
    c_e = EPSILON * N_E
    nu_ext = NU_RATIO * namespace["theta"] / (namespace["J"] * c_e * namespace["tau"])
    before = resident_mb()
    start = time.perf_counter()
    neurons = NeuronGroup(
        N_E + N_I,
        "dv/dt = -v/tau : volt (unless refractory)",
        threshold="v > theta",
        reset="v = V_r",
        refractory=2 * ms,
        method="exact",
        namespace=namespace,
    )
    excitatory = Synapses(
        neurons[:N_E], neurons, on_pre="v += J", delay=1.5 * ms, namespace=namespace
    )
    inhibitory = Synapses(
        neurons[N_E:], neurons, on_pre="v += -g*J", delay=1.5 * ms, namespace=namespace
    )
    connect_start, connect_cpu = time.perf_counter(), time.process_time()
    excitatory.connect(p=EPSILON)
    inhibitory.connect(p=EPSILON)
    connect_s = time.perf_counter() - connect_start
    connect_cpu_s = time.process_time() - connect_cpu
    poisson = PoissonInput(neurons, "v", N=int(c_e), rate=nu_ext, weight=namespace["J"])
    spikes = SpikeMonitor(neurons)
    network = Network(neurons, excitatory, inhibitory, poisson, spikes)
    build_s = time.perf_counter() - start
    build_peak = peak_rss_mb()
    after_build = resident_mb()
    numba_import_mb = None
    if target == "numba":
        import numba  # noqa: F401  (the run would import it: counted apart here)

        numba_import_mb = resident_mb() - after_build
    in_loop = []
    start = time.perf_counter()
    network.run(
        duration_s * second,
        report=lambda *_: in_loop.append(resident_mb()),
        report_period=0.02 * second,
    )
    run_s = time.perf_counter() - start
    n_synapses = len(excitatory) + len(inhibitory)
    stored = {
        id(value): value.nbytes
        for synapses in (excitatory, inhibitory)
        for value in synapses.state_arrays().values()
        if hasattr(value, "nbytes")
    }
    return {
        "simulator": f"axonal {version('axonal')}",
        "mode": target,
        "synapses": n_synapses,
        "build_s": build_s,
        "connect_s": connect_s,
        "connect_cpu_s": connect_cpu_s,
        "run_s": run_s,
        "spikes": int(spikes.num_spikes),
        "rss_before_build_mb": before,
        "build_peak_rss_mb": build_peak,
        "bytes_per_synapse_build": (build_peak - before) * 2**20 / n_synapses,
        "bytes_per_synapse": sum(stored.values()) / n_synapses,
        "rss_after_build_mb": after_build,
        "numba_import_mb": numba_import_mb,
        "rss_in_loop_mb": max(in_loop, default=None),
        "rss_after_run_mb": resident_mb(),
    }


def nest_worker(rule: str, duration_s: float, seed_value: int) -> dict:
    os.environ.setdefault("PYNEST_QUIET", "1")
    import nest

    nest.verbosity = nest.VerbosityLevel.ERROR
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": 0.1, "local_num_threads": 1, "rng_seed": seed_value})
    c_e, c_i = int(EPSILON * N_E), int(EPSILON * N_I)
    j = 0.1
    nu_ext_hz = NU_RATIO * 20.0 / (j * c_e * 20.0) * 1000.0
    neuron = {"C_m": 1.0, "tau_m": 20.0, "t_ref": 2.0, "E_L": 0.0, "V_reset": 10.0,
              "V_m": 0.0, "V_th": 20.0}  # fmt: skip
    before = resident_mb()
    start = time.perf_counter()
    neurons = nest.Create("iaf_psc_delta", N_E + N_I, neuron)
    excitatory, inhibitory = neurons[:N_E], neurons[N_E:]
    connect_start, connect_cpu = time.perf_counter(), time.process_time()
    if rule == "bernoulli":
        rule_e = rule_i = {"rule": "pairwise_bernoulli", "p": EPSILON, "allow_autapses": True}
    else:
        rule_e = {"rule": "fixed_indegree", "indegree": c_e}
        rule_i = {"rule": "fixed_indegree", "indegree": c_i}
    nest.Connect(excitatory, neurons, rule_e, {"weight": j, "delay": 1.5})
    nest.Connect(inhibitory, neurons, rule_i, {"weight": -G * j, "delay": 1.5})
    connect_s = time.perf_counter() - connect_start
    connect_cpu_s = time.process_time() - connect_cpu
    noise = nest.Create("poisson_generator", params={"rate": nu_ext_hz * c_e})
    nest.Connect(noise, neurons, syn_spec={"weight": j, "delay": 0.1})
    recorder = nest.Create("spike_recorder")
    nest.Connect(neurons, recorder)
    nest.Prepare()
    build_s = time.perf_counter() - start
    build_peak = peak_rss_mb()
    start = time.perf_counter()
    nest.Run(duration_s * 1000.0)
    nest.Cleanup()
    run_s = time.perf_counter() - start
    n_synapses = nest.GetKernelStatus("num_connections") - 2 * (N_E + N_I)
    return {
        "simulator": f"nest {nest.__version__}",
        "mode": f"1 thread, {rule}",
        "synapses": int(n_synapses),
        "build_s": build_s,
        "connect_s": connect_s,
        "connect_cpu_s": connect_cpu_s,
        "run_s": run_s,
        "spikes": int(recorder.get("n_events")),
        "rss_before_build_mb": before,
        "build_peak_rss_mb": build_peak,
        "bytes_per_synapse_build": (build_peak - before) * 2**20 / n_synapses,
    }


def run_worker(worker: str, duration_s: float, seed_value: int) -> None:
    if worker.startswith("axonal-"):
        result = axonal_worker(worker.removeprefix("axonal-"), duration_s, seed_value)
    else:
        result = nest_worker(worker.removeprefix("nest-"), duration_s, seed_value)
    result.update(model="brunel2000", N=N_E + N_I, p=EPSILON, seed=seed_value,
                  simulated_s=duration_s)  # fmt: skip
    emit(result)


def drive(workers, repeats: int, duration_s: float, output: str | None, pythons=None) -> None:
    """Each worker in a fresh process, interleaved; axonal's under each of ``pythons``
    ({label: interpreter}, default: this one), so two trees compare in one run."""
    pythons = pythons or {"": sys.executable}
    runs = []
    for worker in workers:
        if worker.startswith("nest-"):
            runs.append((worker, NEST_PYTHON))
        else:
            runs += [(f"{worker}@{label}" if label else worker, python)
                     for label, python in pythons.items()]  # fmt: skip
    rows = []
    for repeat in range(repeats):
        for name, python in runs:
            worker = name.split("@")[0]
            env = dict(os.environ, AXONAL_CACHE_DIR=tempfile.mkdtemp(prefix="axonal-brunel-"))
            command = [python, __file__, "--worker", worker, "--duration", str(duration_s),
                       "--seed", str(repeat + 1)]  # fmt: skip
            done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
            lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
            if done.returncode or not lines:
                print(f"{name} failed:\n{done.stderr[-2000:]}", file=sys.stderr)
                continue
            row = json.loads(lines[-1])
            row["worker"] = name
            rows.append(row)
            print(lines[-1], flush=True)
    workers = [name for name, _ in runs]
    if output:
        Path(output).write_text(json.dumps(rows, indent=1) + "\n")
    columns = ("connect_s", "connect_cpu_s", "build_s", "run_s", "build_peak_rss_mb",
               "rss_in_loop_mb", "peak_rss_mb", "bytes_per_synapse_build", "bytes_per_synapse",
               "load_avg_1min")  # fmt: skip
    print("\n| worker | synapses | " + " | ".join(columns) + " | n |")
    print("| --- " * (len(columns) + 3) + "|")
    for worker in workers:
        mine = [row for row in rows if row["worker"] == worker]
        if not mine:
            continue
        values = [[row[c] for row in mine if row.get(c) is not None] for c in columns]
        synapses = int(statistics.median(row["synapses"] for row in mine))
        cells = " | ".join(f"{statistics.median(v):.3g}" if v else "" for v in values)
        print(f"| {worker} | {synapses} | {cells} | {len(mine)} |")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", choices=WORKERS)
    parser.add_argument("--workers", nargs="+", choices=WORKERS, default=list(WORKERS))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--duration", type=float, default=0.1, help="simulated seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output")
    parser.add_argument(
        "--axonal-python",
        action="append",
        metavar="LABEL=PYTHON",
        help="run the axonal workers under this interpreter too (repeatable), e.g. "
        "main=/work/main/.venv/bin/python",
    )
    args = parser.parse_args(argv)
    pythons = dict(item.split("=", 1) for item in args.axonal_python or [])
    if args.worker:
        run_worker(args.worker, args.duration, args.seed)
    else:
        drive(args.workers, args.repeats, args.duration, args.output, pythons)


if __name__ == "__main__":
    main()
