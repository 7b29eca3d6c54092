"""Throughput of a sweep: the same CUBA runs on a LocalCluster, one after another with
`axonal run`, and in a plain Python loop; one JSON document.

Usage: python benchmarks/sweep_throughput.py [--runs 48] [--workers 2] [--duration-ms 200]
                                             [--n 4000] [--target numba|numpy] [--modes ...]
                                             [--batch N] [--output FILE.json]

Each run is benchmarks/sweep_cuba.py at one excitatory weight and seed (runs/4 weights x 4
seeds), which reports its own build and run seconds (`simulation_s`, from after its imports to
the end of run()). In a fresh project (git repository in a temporary folder, SQLite), with one
kernel cache shared by every process ($AXONAL_CACHE_DIR, warmed by one run first so that no mode
pays the compilation):
- loop: one Python process runs the script `runs` times (runpy, start_scope between): no
  records, no new processes, imports once.
- axonal_run: `axonal run SCRIPT ...` once per run, one after another.
- sweep: `axonal.sweep(SCRIPT, grid, workers=W)` (LocalCluster start-up included), each worker
  keeping one interpreter for its runs (the default).
- sweep_fresh: the same with `fresh_process=True` (every run a new process, as `axonal run`).
- sweep_warm: the same sweep on a Client that exists already (a notebook's, a lab cluster's):
  the LocalCluster is started (`cluster_start_s`) and a first sweep of one run per worker
  (`warmup_s`: each worker's interpreter starts and loads the kernels) before the clock starts.
Fields per mode: total_s, cpu_s (CPU seconds of this process and every process it started,
sampled with psutil: client, scheduler, workers, interpreters; for the sweeps also
cpu_s_by_role: this process (client, and a LocalCluster's scheduler and nannies), the workers,
the interpreters), for the sweeps cluster_ready_s (when the sweep's own LocalCluster was up),
first_result_s and last_result_s (when the first and last run's record was written; the rest
to total_s is closing the cluster and writing the table), simulation_sum_s (the runs'
own simulation seconds; simulation_cpu_sum_s their CPU seconds) and simulation_median_s,
tasks (how many Dask tasks the sweep's runs went in: the distinct `details.sweep.batch` ids
of its records; null for code without batches), axonal_version (the git commit of the axonal
that ran: the script runs unchanged against an older tree),
overhead_per_run_s ((total - simulation_sum / parallel) / runs, parallel = W for the sweeps,
else 1); and MODE_goal_ratio = total_s / (the mode's simulation_sum_s / W) (the goal: at most
1.2), MODE_goal_ratio_vs_loop = total_s / (the loop's simulation_sum_s / W) (the pure
simulation), MODE_cpu_per_simulation_cpu = cpu_s / the loop's simulation_cpu_sum_s (what the
load changes least: the CPU the whole sweep used per CPU second of pure simulation), the load
average before and after (the machine is shared: a loaded machine makes the ratios
meaningless) and the peak memory of this process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import runpy
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SCRIPT = Path(__file__).resolve().with_name("sweep_cuba.py")


def _grid(runs: int) -> tuple[list[float], int]:
    seeds = 4 if runs % 4 == 0 else 1
    weights = [round(0.8 + 0.4 * k / max(1, runs // seeds - 1), 4) for k in range(runs // seeds)]
    return weights, seeds


def _arguments(duration_ms: float, n: int, weight: float, seed: int) -> list[str]:
    return [f"duration_ms={duration_ms}", f"N={n}", f"we_scale={weight}", f"seed={seed}"]


class ProcessTreeCPU:
    """CPU seconds used by this process and its descendants between `start` and `stop` (each
    process sampled every `interval` s; what one does after its last sample is not seen), less
    the sampling's own; `by_role` splits them: this process (the client, and with a
    LocalCluster its scheduler and nannies), the Dask workers, the runs' interpreters."""

    def __init__(self, interval: float = 0.5):
        import psutil

        self._psutil = psutil
        self._interval = interval
        self._last: dict[tuple[int, float], float] = {}
        self._roles: dict[tuple[int, float], str] = {}
        self._stop = threading.Event()

    def _role(self, process, me) -> str:
        if process.pid == me.pid:
            return "client"
        command = " ".join(process.cmdline())
        return "interpreters" if "axonal.sweeps." in command else "workers"

    def _sample(self) -> None:
        me = self._psutil.Process()
        for process in [me, *me.children(recursive=True)]:
            try:
                with process.oneshot():
                    times = process.cpu_times()
                    key = (process.pid, process.create_time())
                if key not in self._roles:
                    self._roles[key] = self._role(process, me)
            except self._psutil.Error:
                continue
            self._last[key] = times.user + times.system

    def by_role(self) -> dict[str, float]:
        """CPU seconds per role (after `stop`; the sampler's own left in the client's)."""
        roles: dict[str, float] = {}
        for key, value in self._last.items():
            role = self._roles.get(key, "workers")
            roles[role] = roles.get(role, 0.0) + value - self._start.get(key, 0.0)
        return {role: round(seconds, 3) for role, seconds in sorted(roles.items())}

    def start(self) -> ProcessTreeCPU:
        self._sample()
        self._start = dict(self._last)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        self._own = 0.0
        while not self._stop.wait(self._interval):
            clock = time.thread_time()
            self._sample()
            self._own += time.thread_time() - clock

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        self._sample()
        used = sum(value - self._start.get(key, 0.0) for key, value in self._last.items())
        return used - self._own


def _project(folder: Path) -> Path:
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    subprocess.run(
        [sys.executable, "-m", "axonal.cli", "init"], cwd=folder, check=True, capture_output=True
    )
    return folder


def run_loop(points, duration_ms, n) -> dict:
    import axonal
    from axonal.records import figures

    simulations = []
    simulation_cpu = 0.0
    cpu = time.process_time()
    clock = time.perf_counter()
    for weight, seed in points:
        axonal.start_scope()
        sys.argv = [str(SCRIPT), *_arguments(duration_ms, n, weight, seed)]
        runpy.run_path(str(SCRIPT), run_name="__main__")
        reported = figures.reported_figures()
        simulations.append(float(reported["simulation_s"]))
        simulation_cpu += float(reported["simulation_cpu_s"])
    return {
        "total_s": time.perf_counter() - clock,
        "cpu_s": time.process_time() - cpu,
        "simulation_sum_s": sum(simulations),
        "simulation_cpu_sum_s": simulation_cpu,
        "simulation_median_s": sorted(simulations)[len(simulations) // 2],
    }


def run_axonal_run(points, duration_ms, n, project: Path, environment: dict) -> dict:
    from axonal.records.figures import figures_of
    from axonal.records.project import load_project
    from axonal.records.store import RecordStore

    clock = time.perf_counter()
    labels = []
    for index, (weight, seed) in enumerate(points):
        label = f"seq-{index}"
        subprocess.run(
            [sys.executable, "-m", "axonal.cli", "run", str(SCRIPT),
             *_arguments(duration_ms, n, weight, seed), "--label", label],
            cwd=project, check=True, capture_output=True, env=environment,
        )  # fmt: skip
        labels.append(label)
    total = time.perf_counter() - clock
    store = RecordStore(load_project(project).resolved_store_url)
    simulation = sum(float(figures_of(store.get(label))["simulation_s"]) for label in labels)
    return {"total_s": total, "simulation_sum_s": simulation}


def run_sweep(
    weights,
    seeds,
    duration_ms,
    n,
    workers,
    project: Path,
    fresh: bool,
    warm: bool = False,
    batch: int | None = None,
) -> dict:
    import axonal
    from axonal.records.project import load_project

    grid = {"duration_ms": duration_ms, "N": n, "we_scale": weights}
    client = cluster = None
    before: dict[str, float] = {}
    if warm:  # a Client that exists already, its workers' interpreters started by a sweep
        from distributed import Client, LocalCluster

        clock = time.perf_counter()
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
        client = Client(cluster)
        before["cluster_start_s"] = time.perf_counter() - clock
        clock = time.perf_counter()
        warm_grid = {**grid, "we_scale": weights[:1]}
        axonal.sweep(SCRIPT, warm_grid, seeds=workers, client=client, label="throughput-warmup",
                     project=load_project(project))  # fmt: skip
        before["warmup_s"] = time.perf_counter() - clock
    from axonal.sweeps import run as sweep_module

    phases: dict[str, float] = {}
    start_client = sweep_module._client

    def timed_client(*arguments, **options):  # when the sweep's own cluster is ready
        result = start_client(*arguments, **options)
        phases["cluster_ready_s"] = time.perf_counter() - clock
        return result

    def progress(_state) -> None:
        phases.setdefault("first_result_s", time.perf_counter() - clock)
        phases["last_result_s"] = time.perf_counter() - clock

    sweep_module._client = timed_client
    options = {} if batch is None else {"batch": batch}  # (code before batches has no option)
    label = "throughput-" + ("fresh" if fresh else "warm" if warm else "cold")
    cpu = ProcessTreeCPU().start()
    clock = time.perf_counter()
    try:
        table = axonal.sweep(
            SCRIPT,
            grid,
            seeds=seeds,
            client=client,
            workers=workers,
            label=label,
            project=load_project(project),
            fresh_process=fresh,
            progress=progress,
            **options,
        )
    finally:
        sweep_module._client = start_client
    total = time.perf_counter() - clock
    cpu_seconds = cpu.stop()
    if client is not None:
        client.close()
        cluster.close()
    return {
        "total_s": total,
        "cpu_s": cpu_seconds,
        "cpu_s_by_role": cpu.by_role(),
        **before,
        **{name: round(seconds, 3) for name, seconds in phases.items()},
        "simulation_sum_s": float(table["simulation_s"].sum()),
        "simulation_cpu_sum_s": float(table["simulation_cpu_s"].sum()),
        "simulation_median_s": float(table["simulation_s"].median()),
        "finished": int((table["status"] == "finished").sum()),
        "run_duration_sum_s": float(table["duration"].sum()),
        "tasks": _tasks(project, label),
    }


def _tasks(project: Path, label: str) -> int | None:
    """How many Dask tasks the sweep's runs went in (None: code without batches)."""
    from axonal.records.project import load_project
    from axonal.sweeps.table import sweep_records

    records = sweep_records(load_project(project).resolved_store_url, label)
    ids = {(r["details"]["sweep"].get("batch") or {}).get("id") for r in records}
    return None if None in ids else len(ids)


def _axonal_version() -> str | None:
    import axonal

    folder = Path(axonal.__file__).resolve().parent
    done = subprocess.run(
        ["git", "-C", str(folder), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    return done.stdout.strip() or None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=48)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration-ms", type=float, default=200.0)
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--target", default="numba")
    parser.add_argument("--modes", default="loop,axonal_run,sweep,sweep_fresh,sweep_warm")
    parser.add_argument("--batch", type=int, help="runs per Dask task (default: the sweep's)")
    parser.add_argument("--output", help="also write the JSON document to this file")
    options = parser.parse_args()
    output = Path(options.output).resolve() if options.output else None  # before the chdir
    os.environ["AXONAL_TARGET"] = options.target
    cache = tempfile.mkdtemp(prefix="axonal-sweep-cache-")
    os.environ["AXONAL_CACHE_DIR"] = cache
    # (a LocalCluster's nannies put Dask's worker variables into this process's environment:
    # `axonal run` gets the environment as it was before any mode ran)
    environment = dict(os.environ)
    weights, seeds = _grid(options.runs)
    points = [(weight, seed) for weight in weights for seed in range(seeds)]
    load_before = os.getloadavg()
    # Warm the shared kernel cache: no mode pays the first compilation.
    warm_clock = time.perf_counter()
    subprocess.run(
        [sys.executable, str(SCRIPT), *_arguments(options.duration_ms, options.n, 1.0, 0)],
        check=True, capture_output=True,
    )  # fmt: skip
    warm_s = time.perf_counter() - warm_clock
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="axonal-sweep-bench-") as folder:
        project = _project(Path(folder))
        os.chdir(project)
        for mode in options.modes.split(","):
            if mode == "loop":
                results[mode] = run_loop(points, options.duration_ms, options.n)
            elif mode == "axonal_run":
                results[mode] = run_axonal_run(
                    points, options.duration_ms, options.n, project, environment
                )
            elif mode in ("sweep", "sweep_fresh", "sweep_warm"):
                results[mode] = run_sweep(
                    weights,
                    seeds,
                    options.duration_ms,
                    options.n,
                    options.workers,
                    project,
                    fresh=mode == "sweep_fresh",
                    warm=mode == "sweep_warm",
                    batch=options.batch,
                )
            else:
                parser.error(f"unknown mode {mode!r} in --modes")
            parallel = options.workers if mode.startswith("sweep") else 1
            entry = results[mode]
            entry["overhead_per_run_s"] = (
                entry["total_s"] - entry["simulation_sum_s"] / parallel
            ) / len(points)
    for mode in ("sweep", "sweep_fresh", "sweep_warm"):
        if mode in results:
            own = results[mode]["simulation_sum_s"] / options.workers
            results[f"{mode}_goal_ratio"] = results[mode]["total_s"] / own
            if "loop" in results:  # the pure simulation: warm, in one process, nothing else
                pure = results["loop"]["simulation_sum_s"] / options.workers
                results[f"{mode}_goal_ratio_vs_loop"] = results[mode]["total_s"] / pure
                # Load-independent: the CPU the whole sweep used per CPU second of simulation.
                results[f"{mode}_cpu_per_simulation_cpu"] = (
                    results[mode]["cpu_s"] / results["loop"]["simulation_cpu_sum_s"]
                )
    document = {
        "benchmark": "sweep_throughput",
        "model": "CUBA (benchmarks/sweep_cuba.py)",
        "runs": len(points),
        "n": options.n,
        "duration_ms": options.duration_ms,
        "workers": options.workers,
        "target": options.target,
        "axonal_version": _axonal_version(),
        "axonal_folder": str(Path(sys.modules["axonal"].__file__).resolve().parent)
        if "axonal" in sys.modules
        else None,
        "batch": options.batch,
        "cold_first_run_s": warm_s,
        "results": results,
        "cpu_count": os.cpu_count(),
        "load_avg_before": load_before,
        "load_avg_after": os.getloadavg(),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    text = json.dumps(document, indent=1)
    print(text)
    if output is not None:
        output.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
