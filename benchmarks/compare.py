"""Run axonal and the reference simulators side by side in fresh processes; print a ratio table.

Each measurement is its own process (axonal_bench.py, or the reference scripts through
benchmarks/reference/run_reference.py in /work/refenv). The simulators are interleaved, one run
of each per repeat, so that the load of the shared machine hits them alike; the table gives
medians. axonal runs twice per repeat: first with an empty kernel cache (AXONAL_CACHE_DIR at a
fresh folder: "cold") and then with the cache that run left ("cached"); the cached run is the one
compared with the reference simulators, as Brian 2's cython runtime is measured warm.

Examples:
  python benchmarks/compare.py --set core --output /tmp/core.json
  python benchmarks/compare.py --set overhead --repeats 5
  python benchmarks/compare.py --models cuba --sizes 64000 --targets numba
Without the reference environment (/work/refenv, or $AXONAL_REFENV) only axonal's rows print.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "reference"))
import run_reference  # noqa: E402  (reference folder is not a package)

AXONAL_TARGETS = ["numba", "numpy"]
REFERENCE_SIMULATORS = ["brian2-standalone", "brian2-cython", "nest"]
# What each reference simulator's script defines (Brian 2 runs benchmarks/models.py itself).
REFERENCE_MODELS = {
    "brian2-standalone": {"cuba", "coba", "cobahh", "overhead", "brunel_hakim", "stdp"},
    "brian2-cython": {"cuba", "coba", "cobahh", "overhead", "brunel_hakim", "stdp"},
    "nest": {"cuba", "coba", "cobahh", "overhead"},
}
SETS = {
    "core": [("cuba", 4000), ("coba", 4000)],
    "scaling": [("cuba", n) for n in (4000, 16000, 64000, 256000)],
    "overhead": [("overhead", 1)],
}
SETS["all"] = [
    *SETS["core"],
    ("cobahh", 4000),
    *SETS["scaling"][1:],
    *SETS["overhead"],
    ("brunel_hakim", 5000),
    ("stdp", 1000),
]
SINGLE_RUN_FROM = run_reference.SINGLE_RUN_FROM


def run_axonal(
    target: str, model: str, size: int, seed: int, duration: float, cache: Path, timeout: float
) -> dict:
    """One axonal_bench.py process with its kernel cache in ``cache``; its JSON plus wall_s."""
    command = [sys.executable, str(HERE / "axonal_bench.py"), model, "--target", target]
    command += ["--n", str(size), "--seed", str(seed), "--duration", str(duration)]
    start = time.perf_counter()
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ, AXONAL_CACHE_DIR=str(cache)),
    )
    wall_s = time.perf_counter() - start
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    if completed.returncode != 0 or not lines:
        raise RuntimeError(f"axonal {target} {model} N={size} failed:\n{completed.stderr[-2000:]}")
    result = json.loads(lines[-1])
    result["wall_s"] = wall_s
    return result


def run_axonal_pair(target, model, size, args) -> tuple[dict, dict]:
    """A cold-cache run, then a cached run in a second process, sharing one fresh cache folder."""
    cache = Path(tempfile.mkdtemp(prefix="axonal_bench_cache_"))
    try:
        cold = run_axonal(target, model, size, args.seed, args.duration, cache, args.timeout)
        warm = run_axonal(target, model, size, args.seed, args.duration, cache, args.timeout)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    cold["cache"], warm["cache"] = "cold", "cached"
    return cold, warm


def measure(entries, targets, references, args) -> dict:
    """All runs, interleaved per repeat; maps (label, model, size) to a list of results."""
    runs: dict[tuple[str, str, int], list[dict]] = {}
    for model, size in entries:
        repeats = 1 if size >= SINGLE_RUN_FROM else args.repeats
        simulators = [name for name in references if model in REFERENCE_MODELS[name]]
        if "brian2-cython" in simulators:  # warm Brian 2's compiler cache, as the reference does
            _reference(args, "brian2-cython", model, size, 0.001)
        for _ in range(repeats):
            for target in targets:
                try:
                    cold, warm = run_axonal_pair(target, model, size, args)
                except (RuntimeError, subprocess.TimeoutExpired) as error:
                    print(f"FAILED: {error}", file=sys.stderr)
                    continue
                runs.setdefault((f"axonal-{target}-cold", model, size), []).append(cold)
                runs.setdefault((f"axonal-{target}", model, size), []).append(warm)
                _progress(warm)
            for simulator in simulators:
                result = _reference(args, simulator, model, size, args.duration)
                if result is not None:
                    runs.setdefault((simulator, model, size), []).append(result)
                    _progress(result)
    return runs


def _reference(args, simulator: str, model: str, size: int, duration: float) -> dict | None:
    try:
        return run_reference.run_once(
            args.python, simulator, model, size, args.seed, duration, args.timeout
        )
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        print(f"FAILED: {error}", file=sys.stderr)
        return None


def _progress(result: dict) -> None:
    fields = ("simulator", "mode", "model", "N", "run_s", "total_s", "cpu_s", "load_avg_1min")
    print(json.dumps({key: result.get(key) for key in fields}), file=sys.stderr, flush=True)


def median(runs: list[dict] | None, field: str) -> float | None:
    values = [run[field] for run in runs or [] if run.get(field) is not None]
    return statistics.median(values) if values else None


def _cell(value: float | None, digits: str = ".3g") -> str:
    return "" if value is None else format(value, digits)


def _ratio(numerator: float | None, denominator: float | None) -> str:
    if numerator is None or not denominator:
        return ""
    return f"{numerator / denominator:.2f}"


RATIO_COLUMNS = [
    "model",
    "N",
    "axonal target",
    "loop s",
    "loop CPU s",
    "/ Brian standalone",
    "/ Brian cython",
    "/ NEST",
    "CPU: / Brian cython",
    "CPU: / NEST",
    "process s (cold / cached)",
    "compile s (cold / cached)",
    "Brian process s (cython / standalone)",
    "spikes",
    "load",
    "n",
]


def ratio_table(entries, targets, runs) -> list[str]:
    """Markdown: axonal's loop time and its ratio to each reference simulator's, per model."""
    lines = ["| " + " | ".join(RATIO_COLUMNS) + " |", "|" + " --- |" * len(RATIO_COLUMNS)]
    for model, size in entries:
        standalone = median(runs.get(("brian2-standalone", model, size)), "run_s")
        cython = median(runs.get(("brian2-cython", model, size)), "run_s")
        nest = median(runs.get(("nest", model, size)), "run_s")
        cython_cpu = median(runs.get(("brian2-cython", model, size)), "run_cpu_s")
        nest_cpu = median(runs.get(("nest", model, size)), "run_cpu_s")
        brian_total = (
            _cell(median(runs.get(("brian2-cython", model, size)), "total_s"))
            + " / "
            + _cell(median(runs.get(("brian2-standalone", model, size)), "total_s"))
        )
        for target in targets:
            warm = runs.get((f"axonal-{target}", model, size))
            cold = runs.get((f"axonal-{target}-cold", model, size))
            if not warm:
                continue
            loop = median(warm, "run_s")
            loop_cpu = median(warm, "run_cpu_s")
            all_runs = warm + (cold or [])
            cells = [
                model,
                str(size),
                target,
                _cell(loop),
                _cell(loop_cpu),
                _ratio(loop, standalone),
                _ratio(loop, cython),
                _ratio(loop, nest),
                _ratio(loop_cpu, cython_cpu),
                _ratio(loop_cpu, nest_cpu),
                f"{_cell(median(cold, 'total_s'))} / {_cell(median(warm, 'total_s'))}",
                f"{_cell(median(cold, 'compile_s'))} / {_cell(median(warm, 'compile_s'))}",
                brian_total,
                _cell(median(warm, "spikes"), ".0f"),
                _cell(median(all_runs, "load_avg_1min"), ".1f"),
                str(len(warm)),
            ]
            lines.append("| " + " | ".join(cells) + " |")
    return lines


def parse_arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(SETS), default="core")
    parser.add_argument("--models", nargs="+", help="instead of --set: these models...")
    parser.add_argument("--sizes", nargs="+", type=int, help="...at these sizes")
    parser.add_argument("--targets", nargs="+", choices=AXONAL_TARGETS, default=AXONAL_TARGETS)
    parser.add_argument(
        "--references", nargs="*", choices=REFERENCE_SIMULATORS, default=REFERENCE_SIMULATORS
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--duration", type=float, default=1.0, help="simulated seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--python", default=run_reference.DEFAULT_PYTHON, help="reference env")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per run")
    parser.add_argument("--output", type=Path, help="write every raw result as JSON here")
    parser.add_argument("--table-from", type=Path, help="only print the tables of an --output file")
    return parser.parse_args(argv)


def print_tables(entries, targets, runs) -> None:
    """The ratio table, then every simulator's medians (run_reference's table)."""
    print("\n".join(ratio_table(entries, targets, runs)))
    print()
    summaries = []
    for (label, _, _), results in runs.items():
        if results:
            summary = run_reference.summarise(results)
            if label.endswith("-cold"):
                summary["mode"] += ", cold cache"
            summaries.append(summary)
    run_reference.print_table(summaries)


def load_runs(path: Path) -> tuple[list, list, dict]:
    """Entries, axonal targets and runs of an --output file."""
    runs = {(e["label"], e["model"], e["N"]): e["runs"] for e in json.loads(path.read_text())}
    entries = list(dict.fromkeys((model, size) for _, model, size in runs))
    targets = [t for t in AXONAL_TARGETS if any(label == f"axonal-{t}" for label, *_ in runs)]
    return entries, targets, runs


def main(argv=None) -> None:
    args = parse_arguments(argv)
    if args.table_from:
        print_tables(*load_runs(args.table_from))
        return
    if args.models:
        entries = [
            (model, 1 if model == "overhead" else size)
            for model in args.models
            for size in (args.sizes or [4000])
        ]
    else:
        entries = SETS[args.set]
    references = args.references
    if references and not Path(args.python).exists():
        print(
            f"reference environment not found ({args.python}): axonal's rows only; "
            "create it with benchmarks/reference/setup_env.sh",
            file=sys.stderr,
        )
        references = []
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load_before = os.getloadavg()[0]
    runs = measure(entries, args.targets, references, args)
    print(f"Measured {started}, load average {load_before:.1f} at start; medians of runs.")
    print_tables(entries, args.targets, runs)
    if args.output:
        raw = [
            {"label": label, "model": model, "N": size, "runs": results}
            for (label, model, size), results in runs.items()
        ]
        args.output.write_text(json.dumps(raw, indent=1) + "\n")


if __name__ == "__main__":
    main()
