"""Time one Brian 2 benchmark run (cython runtime or cpp_standalone) and print one JSON line.

Usage: python brian2_bench.py MODEL [--n N] [--p P] [--mode cython|cpp_standalone]
                                     [--duration SECONDS] [--seed S] [--threads T]
Run it with the reference environment's Python (see setup_env.sh).
"""

import argparse
import shutil
import tempfile
import time

import brian2 as b2
import brian2_models
from brian2 import ms, second
from measure import emit

DT = 0.1 * ms
OVERHEAD_STEPS = 100_000


class LoopCpuClock:
    """Report callback: Brian 2 calls it when the time-step loop starts and when it ends."""

    def __init__(self) -> None:
        self.started_at = None
        self.cpu_s = None

    def __call__(self, elapsed, completed, start, duration) -> None:
        if completed == 0.0:
            self.started_at = time.process_time()
        elif completed >= 1.0 and self.started_at is not None:
            self.cpu_s = time.process_time() - self.started_at


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", choices=sorted(brian2_models.MODELS))
    parser.add_argument("--n", type=int, default=None, help="number of neurons")
    parser.add_argument("--p", type=float, default=None, help="connection probability")
    parser.add_argument("--mode", choices=["cython", "cpp_standalone"], default="cython")
    parser.add_argument("--duration", type=float, default=1.0, help="simulated seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--threads", type=int, default=1, help="cpp_standalone's OpenMP threads (1: no OpenMP)"
    )
    return parser.parse_args()


def main() -> None:
    args = parse_arguments()
    n_neurons = args.n or brian2_models.default_size(args.model)
    p = args.p if args.p is not None else brian2_models.default_p(args.model, n_neurons)
    duration = OVERHEAD_STEPS * DT if args.model == "overhead" else args.duration * second

    standalone_dir = None
    if args.mode == "cpp_standalone":
        standalone_dir = tempfile.mkdtemp(prefix="brian2_standalone_")
        b2.set_device("cpp_standalone", build_on_run=False, directory=standalone_dir)
        if args.threads > 1:
            b2.prefs.devices.cpp_standalone.openmp_threads = args.threads
    else:
        b2.prefs.codegen.target = "cython"
    b2.defaultclock.dt = DT
    b2.seed(args.seed)

    start = time.perf_counter()
    model = brian2_models.MODELS[args.model](n_neurons, p)
    network = b2.Network(model["objects"])
    build_s = time.perf_counter() - start

    loop_clock = LoopCpuClock()
    start = time.perf_counter()
    network.run(duration, report=loop_clock if args.mode == "cython" else None)
    run_call_s = time.perf_counter() - start
    extra = {}
    if args.mode == "cython":
        run_s = b2.device._last_run_time
        compile_s = run_call_s - run_s  # code generation + compilation/loading in before_run
        extra["run_cpu_s"] = loop_clock.cpu_s
    else:
        start = time.perf_counter()
        b2.device.build(directory=standalone_dir, compile=True, run=True, debug=False)
        build_call_s = time.perf_counter() - start
        timers = b2.device.timers
        compile_s = timers["compile"]["make"] + (timers["compile"]["clean"] or 0.0)
        run_s = b2.device._last_run_time
        # Code generation in Python counts as build; synapse creation happens inside the binary.
        build_s += run_call_s + build_call_s - compile_s - timers["run_binary"]
        extra["run_binary_s"] = timers["run_binary"]

    spikes = int(model["spikes"].num_spikes) if model["spikes"] is not None else 0
    n_synapses = sum(int(len(s)) for s in model["synapses"])
    simulated_s = float(duration / second)
    result = {
        "simulator": f"brian2 {b2.__version__}",
        "mode": args.mode + (f", {args.threads} OpenMP threads" if args.threads > 1 else ""),
        "model": args.model,
        "N": n_neurons,
        "p": p,
        "seed": args.seed,
        "synapses": n_synapses,
        "simulated_s": simulated_s,
        "build_s": build_s,
        "compile_s": compile_s,
        "run_s": run_s,
        "spikes": spikes,
        "mean_rate_hz": spikes / (n_neurons * simulated_s),
        **extra,
    }
    if args.model == "overhead":
        result["per_step_us"] = run_s / OVERHEAD_STEPS * 1e6
        if result.get("run_cpu_s") is not None:
            result["per_step_cpu_us"] = result["run_cpu_s"] / OVERHEAD_STEPS * 1e6
    if standalone_dir is not None:
        shutil.rmtree(standalone_dir, ignore_errors=True)
    emit(result)


if __name__ == "__main__":
    main()
