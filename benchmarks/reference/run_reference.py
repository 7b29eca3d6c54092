"""Run a chosen set of reference benchmarks (Brian 2, NEST) in fresh processes and print a table.

Each run is a separate process (brian2_bench.py or nest_bench.py) that prints one JSON line; this
runner repeats runs, takes medians, prints a Markdown table and can save everything as JSON.

Examples (with any Python; the benchmarks run in the reference environment):
  python benchmarks/reference/run_reference.py --set core
  python benchmarks/reference/run_reference.py --set scaling --simulators brian2-cython
  python benchmarks/reference/run_reference.py --models cuba --sizes 4000 --repeats 5
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_PYTHON = os.environ.get("AXONAL_REFENV", "/work/refenv") + "/bin/python"
SIMULATORS = {
    "brian2-cython": ("brian2_bench.py", ["--mode", "cython"]),
    "brian2-standalone": ("brian2_bench.py", ["--mode", "cpp_standalone"]),
    "nest": ("nest_bench.py", []),
}
SETS = {
    "core": {"models": ["cuba", "coba", "cobahh", "overhead"], "sizes": [4000]},
    "scaling": {"models": ["cuba"], "sizes": [4000, 16000, 64000, 256000]},
}
SINGLE_RUN_FROM = 64000  # sizes at or above this run once (they take long)
TIMED_FIELDS = [
    "build_s",
    "compile_s",
    "run_s",
    "run_cpu_s",
    "total_s",
    "cpu_s",
    "wall_s",
    "peak_rss_mb",
    "load_avg_1min",
]


def run_once(
    python: str, simulator: str, model: str, size: int, seed: int, duration: float, timeout: float
) -> dict:
    """Run one benchmark process and return its JSON result plus the process's wall time."""
    script, extra = SIMULATORS[simulator]
    command = [
        python,
        str(HERE / script),
        model,
        "--seed",
        str(seed),
        "--duration",
        str(duration),
        *extra,
    ]
    if model != "overhead":
        command += ["--n", str(size)]
    start = time.perf_counter()
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd="/tmp",
        timeout=timeout,
        env=dict(os.environ, PYTHONPATH=str(HERE)),
    )
    wall_s = time.perf_counter() - start
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    if completed.returncode != 0 or not lines:
        raise RuntimeError(f"{simulator} {model} N={size} failed:\n{completed.stderr[-2000:]}")
    result = json.loads(lines[-1])
    result["wall_s"] = wall_s
    return result


def summarise(runs: list[dict]) -> dict:
    """Median of every timed field over the repeated runs, and the runs themselves."""
    summary = {
        key: runs[0][key]
        for key in ("simulator", "mode", "model", "N", "synapses", "spikes", "mean_rate_hz")
    }
    for field in TIMED_FIELDS + ["per_step_us"]:
        values = [run[field] for run in runs if field in run]
        if values:
            summary[field] = statistics.median(values)
    summary["repeats"] = len(runs)
    summary["runs"] = runs
    return summary


def median_of(summary: dict, field: str):
    """Median of a field over a summary's runs (None when no run reported it)."""
    values = [run[field] for run in summary["runs"] if run.get(field) is not None]
    return statistics.median(values) if values else None


def print_table(summaries: list[dict]) -> None:
    """Markdown table of medians: wall-clock seconds, and CPU seconds where measured."""
    columns = [
        ("simulator", None),
        ("mode", None),
        ("model", None),
        ("N", None),
        ("synapses", None),
        ("spikes", None),
        ("rate Hz", "mean_rate_hz"),
        ("build s", "build_s"),
        ("compile s", "compile_s"),
        ("loop s", "run_s"),
        ("loop CPU s", "run_cpu_s"),
        ("process s", "total_s"),
        ("process CPU s", "cpu_s"),
        ("peak MB", "peak_rss_mb"),
        ("us/step", "per_step_us"),
        ("CPU us/step", "per_step_cpu_us"),
        ("load", "load_avg_1min"),
        ("n", None),
    ]
    print("| " + " | ".join(title for title, _ in columns) + " |")
    print("|" + " --- |" * len(columns))
    for summary in summaries:
        cells = []
        for title, field in columns:
            if field is None:
                key = "repeats" if title == "n" else title
                cells.append(str(summary[key]))
                continue
            value = median_of(summary, field)
            cells.append("" if value is None else f"{value:.4g}")
        print("| " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(SETS), help="a predefined set of models/sizes")
    parser.add_argument("--models", nargs="+", default=None)
    parser.add_argument("--sizes", nargs="+", type=int, default=None)
    parser.add_argument(
        "--simulators", nargs="+", choices=sorted(SIMULATORS), default=sorted(SIMULATORS)
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--duration", type=float, default=1.0, help="simulated seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--python", default=DEFAULT_PYTHON)
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per run")
    parser.add_argument(
        "--skip", nargs="*", default=[], help="SIMULATOR:MODEL:N combinations to leave out"
    )
    parser.add_argument("--output", type=Path, help="write all results as JSON here")
    parser.add_argument(
        "--table-from", nargs="+", type=Path, help="only print the table of earlier --output files"
    )
    args = parser.parse_args()
    if args.table_from:
        print_table([s for path in args.table_from for s in json.loads(path.read_text())])
        return
    chosen = SETS.get(args.set, {})
    models = args.models or chosen.get("models") or ["cuba"]
    sizes = args.sizes or chosen.get("sizes") or [4000]

    summaries = []
    for model in models:
        for size in sizes if model != "overhead" else [1]:
            for simulator in args.simulators:
                if f"{simulator}:{model}:{size}" in args.skip:
                    continue
                if simulator == "brian2-cython":  # warm Brian 2's compiler cache first
                    run_once(args.python, simulator, model, size, args.seed, 0.001, args.timeout)
                repeats = 1 if size >= SINGLE_RUN_FROM else args.repeats
                try:
                    runs = [
                        run_once(
                            args.python,
                            simulator,
                            model,
                            size,
                            args.seed,
                            args.duration,
                            args.timeout,
                        )
                        for _ in range(repeats)
                    ]
                except (RuntimeError, subprocess.TimeoutExpired) as error:
                    print(f"FAILED: {error}", file=sys.stderr)
                    continue
                summaries.append(summarise(runs))
                print(
                    json.dumps({k: v for k, v in summaries[-1].items() if k != "runs"}),
                    file=sys.stderr,
                    flush=True,
                )
    print_table(summaries)
    if args.output:
        args.output.write_text(json.dumps(summaries, indent=1) + "\n")


if __name__ == "__main__":
    main()
