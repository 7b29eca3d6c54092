"""What `axonal run` costs on top of `python SCRIPT`: CPU and wall seconds, one JSON line.

Usage: python benchmarks/records_run_overhead.py [--repeats 7] [--outputs 3] [--output-kb 200]

In a fresh project (a git repository in a temporary folder, SQLite store), the same small script
runs alternately as `python SCRIPT` and as `axonal run SCRIPT`, `--repeats` times each. The
script reads its parameters, writes `--outputs` files of `--output-kb` kB each (so that archiving
them is part of the cost) and reports three figures. CPU seconds are user + system of the
command and every process it started (RUSAGE_CHILDREN around each command); wall seconds from
the start of the command to its end.

Fields: repeats, outputs, output_kb, python_cpu_s / axonal_run_cpu_s / python_wall_s /
axonal_run_wall_s (each run, in order), overhead_cpu_s and overhead_wall_s (median and min of the
per-pair differences), recorder_seconds (what the last record says recording cost, from its
own clock), archived_files, peak_rss_mb, load_avg_1min. The target is under 0.5 s CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

SCRIPT = textwrap.dedent(
    """
    from pathlib import Path

    from axonal.records import parameters, report

    p = parameters({"outputs": 3, "kb": 200, "seed": 1})
    Path("output").mkdir(exist_ok=True)
    for number in range(p.outputs):
        Path(f"output/result_{number}.bin").write_bytes(bytes([number]) * (p.kb * 1024))
    report(files=p.outputs, size_kb=p.kb, ratio=0.5)
    """
)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], folder: Path) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of `command` and everything it started."""
    cpu, wall = children_cpu(), time.perf_counter()
    subprocess.run(command, cwd=folder, check=True, capture_output=True)
    return children_cpu() - cpu, time.perf_counter() - wall


def make_project(folder: Path) -> None:
    def git(*arguments: str) -> None:
        subprocess.run(
            ["git", "-c", "user.email=b@example.org", "-c", "user.name=bench", *arguments],
            cwd=folder, check=True, capture_output=True,
        )  # fmt: skip

    git("init", "-q", "-b", "main")
    (folder / "script.py").write_text(SCRIPT)
    (folder / ".gitignore").write_text("output/\n")
    git("add", ".")
    git("commit", "-q", "-m", "benchmark script")
    subprocess.run([sys.executable, "-m", "axonal.cli", "init"], cwd=folder, check=True,
                   capture_output=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--outputs", type=int, default=3)
    parser.add_argument("--output-kb", type=int, default=200)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="axonal-bench-") as name:
        folder = Path(name)
        make_project(folder)
        overrides = [f"outputs={options.outputs}", f"kb={options.output_kb}"]
        plain = [sys.executable, "script.py", *overrides]
        recorded = [sys.executable, "-m", "axonal.cli", "run", "script.py", *overrides]
        timed(plain, folder)  # warm the file cache and the bytecode of both commands
        timed(recorded, folder)
        python_runs, axonal_runs = [], []
        for _ in range(options.repeats):  # interleaved, so that the machine's load hits both
            python_runs.append(timed(plain, folder))
            axonal_runs.append(timed(recorded, folder))
        show = subprocess.run(
            [sys.executable, "-m", "axonal.cli", "show", "last", "--json"],
            cwd=folder, check=True, capture_output=True, text=True,
        )  # fmt: skip
        record = json.loads(show.stdout)
        archived = sum(1 for path in (folder / ".axonal" / "archive").rglob("*") if path.is_file())
    cpu_differences = [a[0] - p[0] for p, a in zip(python_runs, axonal_runs, strict=True)]
    wall_differences = [a[1] - p[1] for p, a in zip(python_runs, axonal_runs, strict=True)]
    result = {
        "benchmark": "records_run_overhead",
        "repeats": options.repeats,
        "outputs": options.outputs,
        "output_kb": options.output_kb,
        "python_cpu_s": [round(p[0], 4) for p in python_runs],
        "axonal_run_cpu_s": [round(a[0], 4) for a in axonal_runs],
        "python_wall_s": [round(p[1], 4) for p in python_runs],
        "axonal_run_wall_s": [round(a[1], 4) for a in axonal_runs],
        "overhead_cpu_s": {
            "median": round(statistics.median(cpu_differences), 4),
            "min": round(min(cpu_differences), 4),
        },
        "overhead_wall_s": {
            "median": round(statistics.median(wall_differences), 4),
            "min": round(min(wall_differences), 4),
        },
        "recorder_seconds": record["details"].get("recorder_seconds"),
        "archived_files": archived,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "load_avg_1min": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
