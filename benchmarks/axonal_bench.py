"""Time one axonal benchmark run in this process and print one JSON line (as the reference does).

Usage: python benchmarks/axonal_bench.py MODEL [--target numpy|numba] [--n N] [--p P]
                                              [--duration SECONDS] [--seed K] [--steps STEPS]
Models (see /work/shared/BENCHMARKS.md): cuba, coba, cobahh, cuba_scaling (p = 80/N), overhead
(one neuron, 100 000 steps), brunel_hakim (as examples/brunel_hakim.py), stdp (as
examples/stdp_song.py). The models are benchmarks/models.py: the very code Brian 2 runs for
the reference.

What each field means (wall-clock seconds unless the name says cpu):
- build_s: creating the objects, setting initial values, connect() and the monitors.
- run_s: the time-step loop. run() reports progress (to a callback) every 0.1 s of wall time,
  and the numba target's one-loop run also after its first 100 steps. Numba compiles each
  function at its first call, inside the loop's first step(s), so run_s is the loop's speed
  from the first report to the last times its whole length (seconds per step x steps). When
  the loop ends before any intermediate report: the elapsed time of the final report (the
  loop's own timer, as Brian 2's ``_last_run_time``), compilation included.
- compile_s: the rest of the run() call (run_call_s - run_s): code generation, compilation or
  loading from the kernel cache, and the set-up and copy-back around the loop.
- run_cpu_s: CPU seconds of the loop, as run_s from the CPU time at the reports (None without
  an intermediate report). run_call_cpu_s: CPU seconds of the whole run() call.
- total_s, cpu_s, peak_rss_mb, load_avg_1min: from benchmarks/reference/measure.py.
- bytes_per_synapse: bytes of the Synapses objects' stored arrays (indices, weights, delays,
  synaptic variables) per synapse, after the run, each array once (the storage indices of a
  group that is not a subgroup are its indices); the spike queues' own tables are not counted.
- rss_before_build_mb: resident memory before the model is built (interpreter, imports);
  build_peak_rss_mb: the peak after building (connect() included), before the run.
  peak_rss_mb minus rss_before_build_mb, per synapse, is build_run_bytes_per_synapse (it holds
  Numba's compiler too: compare sizes to see the part per synapse).
"""

from __future__ import annotations

import argparse
import sys
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent / "reference"))
import models  # noqa: E402  (this folder is not a package: the script's own folder is on the path)
from measure import cpu_seconds, emit, peak_rss_mb  # noqa: E402  (reference folder is not a package)

import axonal  # noqa: E402
from axonal import (  # noqa: E402
    Network,
    defaultclock,
    ms,
    second,
    seed,
    set_target,
)

DT = 0.1 * ms
OVERHEAD_STEPS = 100_000
# run()'s report period: long enough to cost nothing, short enough for a first report early in
# the loop, from which the loop's CPU seconds are counted.
REPORT_PERIOD = 0.1 * second

MODELS = models.bound_to(axonal)
MODELS["cuba_scaling"] = MODELS["cuba"]


class LoopClock:
    """run()'s progress reports: the loop's speed from its first report to its last."""

    def __init__(self) -> None:
        self.reports: list[tuple[float, float, float]] = []  # (fraction, elapsed, cpu)

    def __call__(self, elapsed, fraction, start, duration) -> None:
        # Brian 2's order of a report function's arguments (as run() calls it). The report at
        # the start (nothing done, before compilation) is left out: the loop's speed is taken
        # from the first report after some steps.
        if float(fraction) > 0:
            self.reports.append((float(fraction), float(elapsed / second), cpu_seconds()))

    def _steady(self, column: int) -> float | None:
        """Seconds (wall or CPU) of the whole loop at the speed after the first report."""
        if len(self.reports) < 2 or self.reports[-1][0] <= self.reports[0][0]:
            return None
        first, last = self.reports[0], self.reports[-1]
        return (last[column] - first[column]) * last[0] / (last[0] - first[0])

    @property
    def loop_s(self) -> float | None:
        steady = self._steady(1)
        if steady is not None:
            return steady
        return self.reports[-1][1] if self.reports else None

    @property
    def loop_cpu_s(self) -> float | None:
        return self._steady(2)


def synapse_bytes(synapses: list) -> int:
    """Bytes of the Synapses' stored NumPy arrays (indices, delays, synaptic variables), each
    array counted once (two variables may share one)."""
    arrays = {
        id(value): value
        for syn in synapses
        for value in syn.state_arrays().values()
        if isinstance(value, np.ndarray)
    }
    return sum(value.nbytes for value in arrays.values())


def resident_mb() -> float:
    """This process's resident memory now (VmRSS)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def benchmark(
    model: str, target: str, n_neurons: int, p, duration_s: float, seed_value: int, steps: int
) -> dict:
    """Build and run one model; the result dict (without the process-level fields)."""
    set_target(target)
    axonal.prefs.codegen.tiered_start = False  # (compiled from the first step)
    defaultclock.dt = DT
    seed(seed_value)
    duration = steps * DT if model == "overhead" else duration_s * second

    rss_before_build_mb = resident_mb()
    start = time.perf_counter()
    built = MODELS[model](n_neurons, p)
    network = Network(built["objects"])
    build_s = time.perf_counter() - start
    build_peak_rss_mb = peak_rss_mb()

    loop_clock = LoopClock()
    cpu_before = cpu_seconds()
    start = time.perf_counter()
    network.run(duration, report=loop_clock, report_period=REPORT_PERIOD)
    run_call_s = time.perf_counter() - start
    run_call_cpu_s = cpu_seconds() - cpu_before

    run_s = loop_clock.loop_s if loop_clock.loop_s is not None else run_call_s
    spikes = int(built["spikes"].num_spikes) if built["spikes"] is not None else 0
    n_synapses = sum(len(s) for s in built["synapses"])
    simulated_s = float(duration / second)
    n_recorded = len(built["group"])
    result = {
        "simulator": f"axonal {version('axonal')}",  # (axonal.__version__ can be shadowed)
        "mode": target,
        "model": model,
        "N": n_neurons,
        "p": p,
        "seed": seed_value,
        "synapses": n_synapses,
        "simulated_s": simulated_s,
        "build_s": build_s,
        "compile_s": run_call_s - run_s,
        "run_s": run_s,
        "run_cpu_s": loop_clock.loop_cpu_s,
        "run_call_cpu_s": run_call_cpu_s,
        "spikes": spikes,
        "mean_rate_hz": spikes / (n_recorded * simulated_s),
        "bytes_per_synapse": synapse_bytes(built["synapses"]) / n_synapses if n_synapses else None,
        "rss_before_build_mb": rss_before_build_mb,
        "build_peak_rss_mb": build_peak_rss_mb,
        "build_run_bytes_per_synapse": (
            (peak_rss_mb() - rss_before_build_mb) * 2**20 / n_synapses if n_synapses else None
        ),
    }
    if model == "overhead":
        result["per_step_us"] = run_s / steps * 1e6
        if result["run_cpu_s"] is not None:
            result["per_step_cpu_us"] = result["run_cpu_s"] / steps * 1e6
    return result


def parse_arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", choices=sorted(MODELS))
    parser.add_argument("--target", choices=["numpy", "numba"], default="numba")
    parser.add_argument("--n", type=int, default=None, help="number of neurons (stdp: inputs)")
    parser.add_argument("--p", type=float, default=None, help="connection probability")
    parser.add_argument("--duration", type=float, default=1.0, help="simulated seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--steps", type=int, default=OVERHEAD_STEPS, help="overhead model's steps")
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="Numba threads, taken whatever the machine's load (default: axonal's own choice)",
    )
    parser.add_argument(
        "--parallel-min",
        type=int,
        default=None,
        help="split kernels of groups at least this large between threads (default: axonal's)",
    )
    return parser.parse_args(argv)


def fix_threads(threads: int | None, parallel_min: int | None) -> dict:
    """Pin the thread plan for a measurement: ``threads`` Numba threads, used even on a loaded
    machine (axonal otherwise takes only the idle cores), and the group size from which kernels
    are split. Returns the fields saying what ran."""
    from axonal.network import fused

    if parallel_min is not None:
        fused.PARALLEL_MIN_ELEMENTS = parallel_min
    if threads is not None:
        import numba

        numba.set_num_threads(threads)
        fused.threads_for_run = lambda requested: requested
    return {"threads": threads, "parallel_min_elements": fused.PARALLEL_MIN_ELEMENTS}


def main(argv=None) -> None:
    args = parse_arguments(argv)
    n_neurons = args.n or models.default_size(args.model.removesuffix("_scaling"))
    p = args.p if args.p is not None else models.default_p(args.model, n_neurons)
    plan = fix_threads(args.threads, args.parallel_min) if args.target == "numba" else {}
    result = benchmark(args.model, args.target, n_neurons, p, args.duration, args.seed, args.steps)
    emit({**result, **plan})


if __name__ == "__main__":
    main()
