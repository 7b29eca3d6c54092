"""What one sweep run of CUBA costs where it runs: the same runs of benchmarks/sweep_cuba.py in a
plain loop (one process, runpy), in a plain loop started with the environment Dask's nanny gives
its workers (MALLOC_TRIM_THRESHOLD_), and in a sweep's kept interpreter (`axonal.sweeps`'s, as
a worker runs it, without Dask): alone, with Dask's variable, and two interpreters at once; and
the worker's own CPU per run around it (the run's record facts: `worker_batch.run_batch` as a
Dask task calls it, without Dask), one run per task against batches of `--batch` runs whose
shared facts are made once; one JSON document.

Usage: python benchmarks/sweep_run_cost.py [--runs 30] [--duration-ms 200] [--batch 8]
                                           [--cases NAME,...] [--output FILE.json]

Per case, medians over the runs after the first 3: the run's own simulation seconds (wall and
CPU, from after its imports to the end of run(), as it reports them), its build and run parts,
and the minor page faults of the process per run (memory taken from the system anew). For
the worker-side cases: CPU milliseconds per run of the worker's process (what a run costs
beyond its script: the interpreter's request, the record's facts) and of the interpreter
(the script, launch and the reset), means over the runs after the first 3.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import runpy
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SCRIPT = Path(__file__).resolve().with_name("sweep_cuba.py")
FIGURES = ("simulation_s", "simulation_cpu_s", "build_s", "run_s")
SKIPPED = 3  # the first runs of a process: imports, kernels loaded


def _arguments(index: int, duration_ms: float) -> list[str]:
    weight = 0.8 + 0.4 * (index % 12) / 11
    return [f"duration_ms={duration_ms}", "N=4000", f"we_scale={weight:.4f}", f"seed={index % 4}"]


def _value(figure) -> float:
    return float(figure["value"] if isinstance(figure, dict) else figure)


def _medians(rows: list[dict[str, float]]) -> dict[str, float]:
    return {
        name: round(statistics.median(row[name] for row in rows), 5)
        for name in (*FIGURES, "page_faults")
    }


def plain_loop(runs: int, duration_ms: float) -> dict[str, float]:
    """In this process: the script again and again (what the goal calls pure simulation)."""
    import axonal
    from axonal.records import figures

    rows = []
    for index in range(runs):
        axonal.start_scope()
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        sys.argv = [str(SCRIPT), *_arguments(index, duration_ms)]
        runpy.run_path(str(SCRIPT), run_name="__main__")
        reported = figures.reported_figures()
        row = {name: _value(reported[name]) for name in FIGURES}
        row["page_faults"] = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults
        rows.append(row)
    return _medians(rows[SKIPPED:])


def _loop_in_process(
    runs: int, duration_ms: float, environment: dict[str, str], cpu: int | None = None
) -> dict:
    """`plain_loop` in a process of its own, with `environment`, on core `cpu` only if given
    (as `taskset -c CPU`)."""
    return _loops_at_once(runs, duration_ms, environment, [cpu])[0]


def _loops_at_once(
    runs: int, duration_ms: float, environment: dict[str, str], cpus: list[int | None]
) -> list[dict]:
    """One `plain_loop` process per entry of `cpus`, all at once (each on its core if given):
    whether two simulations at once on two cores slow each other (memory, shared cache)."""
    command = [sys.executable, __file__, "--case", "plain_loop", "--runs", str(runs),
               "--duration-ms", str(duration_ms)]  # fmt: skip

    def pinned(cpu: int | None):
        return None if cpu is None else (lambda: os.sched_setaffinity(0, {cpu}))

    processes = [
        subprocess.Popen(
            command, env=environment, stdout=subprocess.PIPE, text=True, preexec_fn=pinned(cpu)
        )  # fmt: skip
        for cpu in cpus
    ]
    return [json.loads(process.communicate()[0].splitlines()[-1]) for process in processes]


def kept_interpreters(
    runs: int, duration_ms: float, at_once: int, extra: dict[str, str] | None = None
) -> dict[str, float]:
    """`at_once` kept interpreters (as `at_once` workers keep them), each running `runs` runs;
    `extra`: variables added to their environment."""
    from axonal.sweeps.execute import run_environment
    from axonal.sweeps.interpreters import Interpreter

    environment = {**run_environment(), **(extra or {})}
    folder = Path(tempfile.mkdtemp(prefix="axonal-run-cost-"))
    interpreters = [Interpreter(environment, folder) for _ in range(at_once)]
    rows: list[list[dict[str, float]]] = [[] for _ in interpreters]

    def serve(number: int) -> None:
        interpreter = interpreters[number]
        for index in range(runs):
            facts_file = folder / f"facts-{number}-{index}.json"
            interpreter.run(str(SCRIPT), _arguments(index, duration_ms), str(facts_file))
            reported = json.loads(facts_file.read_text())["figures"]
            row = {name: _value(reported[name]) for name in FIGURES}
            with open(f"/proc/{interpreter.process.pid}/stat") as stat:
                row["page_faults_total"] = int(stat.read().rsplit(")", 1)[1].split()[7])
            rows[number].append(row)

    threads = [threading.Thread(target=serve, args=(number,)) for number in range(at_once)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for interpreter in interpreters:
        interpreter.close()
    kept = []
    for each in rows:
        for before, row in zip(each, each[1:], strict=False):
            row["page_faults"] = row["page_faults_total"] - before["page_faults_total"]
        kept.extend(each[SKIPPED:])
    return _medians(kept)


def _process_cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def worker_side(runs: int, duration_ms: float, batch: int) -> dict[str, float]:
    """`runs` runs as a sweep's worker runs them (`run_batch`, no Dask), `batch` to a task, in
    a project of its own (git, SQLite; the facts returned, as to the client)."""
    from axonal.records.project import load_project
    from axonal.sweeps import interpreters
    from axonal.sweeps.worker_batch import run_batch

    folder = Path(tempfile.mkdtemp(prefix="axonal-run-cost-project-"))
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    subprocess.run([sys.executable, "-m", "axonal.cli", "init"], cwd=folder, check=True,
                   capture_output=True)  # fmt: skip
    project = load_project(folder)
    specs = [
        (_arguments(index, duration_ms), f"cost-r{index:03d}", f"k{index}", {"label": "cost"})
        for index in range(runs + SKIPPED)
    ]

    def tasks(chosen: list, size: int) -> None:
        for start in range(0, len(chosen), size):
            batch = chosen[start : start + size]
            run_batch(project, project.resolved_store_url, str(SCRIPT), batch, "cost", False,
                      [], False, "cost-session", f"b{start}")  # fmt: skip

    cwd = os.getcwd()
    os.chdir(folder)
    try:
        tasks(specs[:SKIPPED], 1)  # the interpreter starts, the kernels load
        (interpreter,) = interpreters._idle
        pid = interpreter.process.pid
        cpu, interpreter_cpu = time.process_time(), _process_cpu(pid)
        tasks(specs[SKIPPED:], batch)
        cpu, interpreter_cpu = time.process_time() - cpu, _process_cpu(pid) - interpreter_cpu
    finally:
        os.chdir(cwd)
        interpreters.close_all()
    return {
        "batch": batch,
        "worker_cpu_ms_per_run": round(1000 * cpu / runs, 2),
        "interpreter_cpu_ms_per_run": round(1000 * interpreter_cpu / runs, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--duration-ms", type=float, default=200.0)
    parser.add_argument("--batch", type=int, default=8, help="runs per task, worker-side case")
    parser.add_argument("--cases", help="only these cases (comma-separated names)")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--output", help="also write the JSON document to this file")
    options = parser.parse_args()
    if options.case == "plain_loop":  # a child of the run below, in its own environment
        print(json.dumps(plain_loop(options.runs, options.duration_ms)))
        return
    os.environ.setdefault("AXONAL_TARGET", "numba")
    os.environ.setdefault("AXONAL_CACHE_DIR", tempfile.mkdtemp(prefix="axonal-run-cost-cache-"))
    subprocess.run([sys.executable, str(SCRIPT)], check=True, capture_output=True)  # compiles
    load_before = os.getloadavg()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    runs, duration = options.runs, options.duration_ms
    every_case = {
        "plain_loop": lambda: _loop_in_process(runs, duration, clean),
        "plain_loop_dask_worker_environment": lambda: _loop_in_process(
            runs, duration, {**clean, "MALLOC_TRIM_THRESHOLD_": "65536"}
        ),
        "plain_loop_on_core_0": lambda: _loop_in_process(runs, duration, clean, 0),
        "two_plain_loops_at_once_on_cores_0_and_1": lambda: _loops_at_once(
            runs, duration, clean, [0, 1]
        ),
        "two_plain_loops_at_once": lambda: _loops_at_once(runs, duration, clean, [None, None]),
        "kept_interpreter": lambda: kept_interpreters(runs, duration, 1),
        # as a worker's interpreter was before session 6: Dask's variable inherited (which
        # also leaves glibc's thresholds as they are: a user's malloc setting is kept)
        "kept_interpreter_dask_worker_environment": lambda: kept_interpreters(
            runs, duration, 1, {"MALLOC_TRIM_THRESHOLD_": "65536"}
        ),
        "two_kept_interpreters_at_once": lambda: kept_interpreters(runs, duration, 2),
        "worker_side_one_run_per_task": lambda: worker_side(runs, duration, 1),
        "worker_side_batches": lambda: worker_side(runs, duration, options.batch),
    }
    chosen = options.cases.split(",") if options.cases else list(every_case)
    unknown = sorted(set(chosen) - set(every_case))
    if unknown:
        parser.error(f"unknown case(s) {', '.join(unknown)}; known: {', '.join(every_case)}")
    cases = {name: every_case[name]() for name in chosen}
    document = {
        "benchmark": "sweep_run_cost",
        "model": "CUBA 4000 (benchmarks/sweep_cuba.py)",
        "runs": options.runs,
        "duration_ms": options.duration_ms,
        "target": os.environ["AXONAL_TARGET"],
        "medians_after_first_runs": SKIPPED,
        "cases": cases,
        "cpu_count": os.cpu_count(),
        "load_avg_before": load_before,
        "load_avg_after": os.getloadavg(),
    }
    text = json.dumps(document, indent=1)
    print(text)
    if options.output:
        Path(options.output).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
