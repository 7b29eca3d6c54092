"""CUBA at large sizes on one and two threads: axonal, Brian 2 cpp_standalone and NEST side by side.

Examples:
  python benchmarks/scale.py --sizes 256000 1000000 --threads 1 2     # p = 80 / N
  python benchmarks/scale.py --sizes 64000 --p 0.02 --threads 1 2      # fixed p
  python benchmarks/scale.py --break-even --sizes 16000 64000 256000 --repeats 3

Every run is a fresh process pinned with ``taskset`` to as many cores as it has threads (core 0,
or cores 0 and 1), each simulator on the same number of threads: axonal's Numba threads (taken
whatever the load, with ``axonal_bench.py --threads``), Brian 2 cpp_standalone's OpenMP threads,
NEST's ``local_num_threads``. The simulators are interleaved for each size, so that the load of
the shared machine hits them alike. NEST connects with ``fixed_indegree`` (p times the sources
per neuron) from 64k neurons on: its ``pairwise_bernoulli`` tries every pair (hours at 256k).

``--break-even`` runs axonal alone, one thread against two with the kernels split between
threads at every size (``--parallel-min 0``), to find the size from which two threads pay.

Before each run the memory it may need (bytes per synapse and per neuron of each simulator,
measured at smaller sizes, and a margin) is compared with MemAvailable: a run that might not fit
is skipped and said so, so that other processes on the machine are never starved.
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
from pathlib import Path

HERE = Path(__file__).resolve().parent
REFERENCE_PYTHON = os.environ.get("AXONAL_REFENV", "/work/refenv") + "/bin/python"
SIMULATORS = ("axonal", "brian2-standalone", "nest")
# Peak bytes per synapse (build and run), with margin: axonal 17-30 (Brunel, CUBA 64k), Brian 2
# standalone about 27 (CUBA 256k), NEST 70 (Brunel 2000, benchmarks/brunel_build.py).
BYTES_PER_SYNAPSE = {"axonal": 40, "brian2-standalone": 45, "nest": 110}
# Bytes per neuron: NEST's grow with the neurons far more than with the synapses (CUBA with 80
# synapses per neuron: 0.71 GB at 16k, 2.6 GB at 64k, 10 GB at 256k neurons: about 40 kB each).
BYTES_PER_NEURON = {"axonal": 1000, "brian2-standalone": 1000, "nest": 45_000}
BASE_BYTES = 600 * 2**20  # interpreter, compilers, neurons
KEEP_FREE = 3 * 2**30  # left to the other processes on the machine
NEST_INDEGREE_FROM = 64000


def available_bytes() -> int:
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    return 0


def command_for(simulator: str, n: int, p: float, threads: int, args) -> list[str]:
    cores = ",".join(str(core) for core in range(threads))
    common = ["--n", str(n), "--p", repr(p), "--duration", str(args.duration), "--seed", "1"]
    if simulator == "axonal":
        command = [sys.executable, str(HERE / "axonal_bench.py"), "cuba", *common]
        command += ["--threads", str(threads)]
        if args.break_even and threads > 1:
            command += ["--parallel-min", "0"]
    elif simulator == "brian2-standalone":
        command = [REFERENCE_PYTHON, str(HERE / "reference" / "brian2_bench.py"), "cuba"]
        command += [*common, "--mode", "cpp_standalone", "--threads", str(threads)]
    else:
        command = [REFERENCE_PYTHON, str(HERE / "reference" / "nest_bench.py"), "cuba", *common]
        command += ["--threads", str(threads)]
        if n >= NEST_INDEGREE_FROM:
            command += ["--rule", "indegree"]
    return ["taskset", "-c", cores, *command]


def run_one(simulator: str, n: int, p: float, threads: int, args) -> dict | None:
    synapses = p * n * n
    need = BASE_BYTES + BYTES_PER_SYNAPSE[simulator] * synapses + BYTES_PER_NEURON[simulator] * n
    available = available_bytes()
    if available - need < KEEP_FREE:
        print(f"skipped {simulator} N={n} p={p:g}: needs about {need / 2**30:.1f} GiB, "
              f"{available / 2**30:.1f} GiB available", file=sys.stderr)  # fmt: skip
        return None
    command = command_for(simulator, n, p, threads, args)
    environment = dict(os.environ, AXONAL_CACHE_DIR=tempfile.mkdtemp(prefix="axonal-scale-"))
    environment["PYTHONPATH"] = str(HERE / "reference")
    start = time.perf_counter()
    done = subprocess.run(
        command, capture_output=True, text=True, env=environment, cwd="/tmp", check=False
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        print(f"{simulator} N={n} failed:\n{done.stderr[-2000:]}", file=sys.stderr)
        return None
    result = json.loads(lines[-1])
    result.update(worker=simulator, threads=threads, wall_s=time.perf_counter() - start)
    result["peak_bytes_per_synapse"] = (
        result["peak_rss_mb"] * 2**20 / result["synapses"] if result["synapses"] else None
    )
    print(json.dumps(result), flush=True)
    return result


COLUMNS = ("synapses", "build_s", "compile_s", "run_s", "run_cpu_s", "peak_rss_mb",
           "peak_bytes_per_synapse", "bytes_per_synapse", "spikes", "load_avg_1min")  # fmt: skip


def table(rows: list[dict]) -> str:
    keys = sorted({(r["worker"], r["N"], r["p"], r["threads"]) for r in rows},
                  key=lambda k: (k[1], k[2], k[3], SIMULATORS.index(k[0])))  # fmt: skip
    lines = ["| simulator | N | p | threads | " + " | ".join(COLUMNS) + " | n |"]
    lines.append("| --- " * (len(COLUMNS) + 5) + "|")
    for key in keys:
        mine = [r for r in rows if (r["worker"], r["N"], r["p"], r["threads"]) == key]
        cells = []
        for column in COLUMNS:
            values = [r[column] for r in mine if r.get(column) is not None]
            cells.append(f"{statistics.median(values):.4g}" if values else "")
        lines.append(f"| {key[0]} | {key[1]} | {key[2]:.3g} | {key[3]} | "
                     + " | ".join(cells) + f" | {len(mine)} |")  # fmt: skip
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[256000, 1000000])
    parser.add_argument("--p", type=float, default=None, help="fixed p (default 80 / N)")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--simulators", nargs="+", choices=SIMULATORS, default=list(SIMULATORS))
    parser.add_argument("--duration", type=float, default=1.0, help="simulated seconds")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--break-even", action="store_true")
    parser.add_argument("--output")
    parser.add_argument("--table-from", help="print the table of a saved --output file")
    args = parser.parse_args(argv)
    if args.table_from:
        print(table(json.loads(Path(args.table_from).read_text())))
        return
    simulators = ["axonal"] if args.break_even else args.simulators
    rows = []
    for n in args.sizes:
        p = args.p if args.p is not None else 80 / n
        for _ in range(args.repeats):
            for threads in args.threads:
                for simulator in simulators:
                    result = run_one(simulator, n, p, threads, args)
                    if result is not None:
                        rows.append(result)
                        if args.output:
                            Path(args.output).write_text(json.dumps(rows, indent=1) + "\n")
    print(table(rows))


if __name__ == "__main__":
    main()
