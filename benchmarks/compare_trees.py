"""Two checkouts of axonal side by side: loop time, compile time (cold and cached), peak memory.

Each run is its own process (the checkout's own benchmarks/axonal_bench.py, with PYTHONPATH at
that checkout), a cold-cache run then a cached run per checkout and repeat, the checkouts
interleaved so that the shared machine's load hits them alike. The table gives medians and
the ratio of this checkout to the other one.

Example (this branch against the previous main):
  python benchmarks/compare_trees.py /work/main --models cuba coba --repeats 3 \
      --output /tmp/trees.json
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
# Wall seconds, then CPU seconds (which a loaded machine distorts much less), peak memory.
FIELDS = [
    ("run_s", "loop s"),
    ("compile_s", "compile s"),
    ("run_cpu_s", "loop CPU s"),
    ("run_call_cpu_s", "run() CPU s"),
    ("peak_rss_mb", "peak MB"),
]


def run_bench(
    tree: Path, model: str, size: int, target: str, cache: Path, timeout: float, python: str
):
    """One axonal_bench.py process of ``tree`` (run by ``python``); its JSON line plus the
    load when it ended."""
    command = [python, str(tree / "benchmarks" / "axonal_bench.py"), model]
    command += ["--target", target, "--n", str(size)]
    env = dict(os.environ, AXONAL_CACHE_DIR=str(cache), PYTHONPATH=str(tree))
    completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    if completed.returncode != 0 or not lines:
        raise RuntimeError(f"{tree} {model} N={size} failed:\n{completed.stderr[-2000:]}")
    result = json.loads(lines[-1])
    result["load_avg_1min"] = os.getloadavg()[0]
    return result


def measure(
    trees: dict[str, Path], entries, target: str, repeats: int, timeout: float, pythons=None
):
    runs: dict[str, list[dict]] = {}
    for repeat in range(repeats):
        for model, size in entries:
            if size >= 64000 and repeat:
                continue  # large sizes once
            # Which checkout goes first alternates between repeats (load drifts within one).
            order = list(trees.items())
            for label, tree in order if repeat % 2 == 0 else reversed(order):
                cache = Path(tempfile.mkdtemp(prefix="axonal_trees_cache_"))
                try:
                    for state in ("cold", "cached"):
                        python = (pythons or {}).get(label, sys.executable)
                        result = run_bench(tree, model, size, target, cache, timeout, python)
                        runs.setdefault(f"{model}|{size}|{label}|{state}", []).append(result)
                        print(label, model, size, state, {k: result.get(k) for k, _ in FIELDS},
                              f"load {result['load_avg_1min']:.1f}", file=sys.stderr)  # fmt: skip
                finally:
                    shutil.rmtree(cache, ignore_errors=True)
    return runs


def table(runs: dict[str, list[dict]], entries, labels: list[str]) -> list[str]:
    def median(key: str, field: str) -> float | None:
        values = [r[field] for r in runs.get(key, []) if r.get(field) is not None]
        return statistics.median(values) if values else None

    header = ["model", "N", "cache", "figure", *labels, f"{labels[0]} / {labels[1]}", "load", "n"]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for model, size in entries:
        for state in ("cold", "cached"):
            for field, name in FIELDS:
                values = [median(f"{model}|{size}|{label}|{state}", field) for label in labels]
                loads = [
                    r["load_avg_1min"]
                    for label in labels
                    for r in runs.get(f"{model}|{size}|{label}|{state}", [])
                ]
                count = len(runs.get(f"{model}|{size}|{labels[0]}|{state}", []))
                ratio = f"{values[0] / values[1]:.2f}" if None not in values and values[1] else "-"
                cells = [f"{v:.3g}" if v is not None else "-" for v in values]
                load = f"{min(loads):.1f}-{max(loads):.1f}" if loads else "-"
                row = [model, str(size), state, name, *cells, ratio, load, str(count)]
                lines.append("| " + " | ".join(row) + " |")
    return lines


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("other", type=Path, help="the other checkout (e.g. /work/main)")
    parser.add_argument("--models", nargs="+", default=["cuba", "coba"])
    parser.add_argument("--sizes", nargs="+", type=int, default=[4000])
    parser.add_argument("--target", default="numba", choices=["numba", "numpy"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--output", type=Path)
    parser.add_argument("--table-from", type=Path, help="only print the table of an --output")
    parser.add_argument(
        "--other-python", help="the interpreter of the other checkout (e.g. its own venv's)"
    )
    args = parser.parse_args(argv)
    if args.table_from:
        saved = json.loads(args.table_from.read_text())
        entries = list(dict.fromkeys(tuple(k.split("|")[:2]) for k in saved["runs"]))
        entries = [(model, int(size)) for model, size in entries]
        print(f"started {saved['started']}; {saved['trees']}")
        print("\n".join(table(saved["runs"], entries, list(saved["trees"]))))
        return
    trees = {"this": HERE.parent, "other": args.other.resolve()}
    entries = [(model, size) for model in args.models for size in args.sizes]
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    pythons = {"this": sys.executable, "other": args.other_python or sys.executable}
    runs = measure(trees, entries, args.target, args.repeats, args.timeout, pythons)
    if args.output:
        args.output.write_text(json.dumps({"started": started, "trees": {
            k: str(v) for k, v in trees.items()}, "runs": runs}, indent=1))  # fmt: skip
    print(f"started {started}; this = {trees['this']}, other = {trees['other']}")
    print("\n".join(table(runs, entries, list(trees))))


if __name__ == "__main__":
    main()
