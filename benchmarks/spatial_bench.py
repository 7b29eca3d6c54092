"""Multicompartment neurons (issue 16): axonal against Brian 2.9.0 side by side.

Usage: python benchmarks/spatial_bench.py [--models hh_axon ball_and_stick]
           [--runs axonal:numba brian2:cython brian2:cpp_standalone] [--output FILE]
           [--brian2-python /work/refenv/bin/python]

Models (written once with the Brian 2 API in tests/spatial/models.py, where the tests run
them too; each builder takes the simulator's module):
- ``hh_axon``: an axon of 1,000 compartments (1 um, 10 mm) with Hodgkin-Huxley channels, a
  0.5 ms pulse into its first compartment every 20 ms; 100 ms at dt = 25 us; spikes counted at
  its far end (threshold_location), so each counted spike has travelled the whole axon.
- ``ball_and_stick``: 100 neurons (``--neurons``), each a soma with HH channels and a passive
  dendrite of 49 compartments (50 per neuron), each driven by its own constant current; 100 ms.

Each run is a fresh process: axonal in this interpreter's environment, Brian 2 in the reference
one. axonal runs twice: first with an empty kernel cache (``cache: cold``, everything compiled
in the run), then in a new process with that cache (``cache: warm``).

Printed JSON: one record per run with build_s (objects created), run_s (the run() call;
code generation and compilation included, for cpp_standalone the build and the binary),
simulate_s (cpp_standalone: the binary's own time, Brian's ``device._last_run_time``),
second_run_s (the others: a second run of the same length, nothing left to compile), the CPU
seconds of both runs (process and children: less noisy than wall time on a shared machine),
again_s / again_cpu_s (the fastest of ``--repeats`` runs after the first; for cpp_standalone
again_simulate_s and again_binary_cpu_s, its binary run again as many times; ``--binary DIR``
does only that for a project built before),
spikes, peak_mb (the process's peak resident memory), load (the machine's 1-minute load
average before and after the run: other jobs share the cores).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DURATION_MS = 100
NEURONS = 100  # ball_and_stick
REPEATS = 3  # runs after the first: the fastest is reported (again_*)


def _models():
    """The models, written once in tests/spatial/models.py (the tests run them too)."""
    path = Path(__file__).resolve().parent.parent / "tests" / "spatial" / "models.py"
    spec = importlib.util.spec_from_file_location("spatial_models", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(b, model: str):
    """(objects, spike monitors, compartments) of ``model`` in simulator ``b``."""
    models = _models()
    if model == "hh_axon":
        return models.hh_axon(b)
    return models.ball_and_stick(b, NEURONS)


MODELS = ("hh_axon", "ball_and_stick")


def run_one(simulator: str, target: str, model: str) -> dict:
    """One model in this process (``simulator`` is this environment's)."""
    if simulator == "axonal":
        import axonal as b

        b.set_target(target)
        b.prefs.codegen.tiered_start = False  # (compiled from the first step)
    else:
        import brian2 as b

        if target == "cpp_standalone":
            b.set_device("cpp_standalone", directory=tempfile.mkdtemp(), build_on_run=True)
            # Brian's default is make -j without a limit: hundreds of compilers at once for
            # 100 neurons on a shared 2-core machine. One per core.
            b.prefs.devices.cpp_standalone.extra_make_args_unix = ["-j2"]
        else:
            b.prefs.codegen.target = target
    b.defaultclock.dt = 0.025 * b.ms
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    objects, monitors, compartments = build(b, model)
    network = b.Network(*objects)
    built = time.perf_counter()
    cpu_before = _cpu_seconds()
    network.run(DURATION_MS * b.ms)
    finished = time.perf_counter()
    cpu_run = _cpu_seconds() - cpu_before
    record = {
        "simulator": simulator, "target": target, "model": model,
        "compartments": compartments, "duration_ms": DURATION_MS, "dt_ms": 0.025,
        "neurons": NEURONS if model == "ball_and_stick" else 1,
        "build_s": built - started, "run_s": finished - built,
        "spikes": int(sum(len(monitor.i) for monitor in monitors)),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }  # fmt: skip
    record["run_cpu_s"] = cpu_run
    if target == "cpp_standalone":
        record["simulate_s"] = float(b.device._last_run_time)
        record["directory"] = b.device.project_dir
        record.update(rerun_binary(b.device.project_dir, REPEATS))
    else:  # the same run again: compiled code ready, only the simulation
        runs = []
        for _ in range(REPEATS):
            cpu_before, started = _cpu_seconds(), time.perf_counter()
            network.run(DURATION_MS * b.ms)
            runs.append((time.perf_counter() - started, _cpu_seconds() - cpu_before))
        record["second_run_s"], record["second_run_cpu_s"] = runs[0]
        record["again_s"], record["again_cpu_s"] = (min(r[k] for r in runs) for k in (0, 1))
    record["load"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    return record


def rerun_binary(directory: str, repeats: int) -> dict:
    """A built standalone project's binary run again ``repeats`` times: the fastest of its
    own timer (Brian's ``last_run_info.txt``) and of its CPU seconds (start and output
    included), so that it is measured like axonal's repeated runs, at the same load."""
    timers, cpus = [], []
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(["./main"], cwd=directory, check=True, capture_output=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(sum(getattr(after, f) - getattr(before, f) for f in ("ru_utime", "ru_stime")))
        info = Path(directory, "results", "last_run_info.txt").read_text().split()
        timers.append(float(info[0]))
    return {"again_simulate_s": min(timers), "again_binary_cpu_s": min(cpus)}


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (a standalone binary, compilers):
    on a machine shared with other jobs, less noisy than the wall time."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _run(command: list[str], environment: dict, timeout: float) -> dict:
    """One ``--one`` run in a fresh process: its record, or what went wrong."""
    simulator, target, model = command[3:6]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout,
            env={**os.environ, **environment},
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        record = {"error": f"over {timeout:g} s"}
    else:
        if result.returncode != 0:
            record = {"error": result.stderr[-1500:]}
        else:
            record = json.loads(result.stdout.strip().splitlines()[-1])
    record = {"simulator": simulator, "target": target, "model": model, **record}
    print(json.dumps(record), file=sys.stderr, flush=True)
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=list(MODELS))
    parser.add_argument(
        "--runs", nargs="+", default=["axonal:numba", "brian2:cython", "brian2:cpp_standalone"]
    )
    parser.add_argument("--brian2-python", default="/work/refenv/bin/python")
    parser.add_argument("--output")
    parser.add_argument("--neurons", type=int, default=NEURONS, help="ball_and_stick's count")
    parser.add_argument("--one", nargs=3, metavar=("SIMULATOR", "TARGET", "MODEL"))
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--repeats", type=int, default=REPEATS, help="runs after the first")
    parser.add_argument("--binary", help="only run this built standalone project again")
    arguments = parser.parse_args()
    globals()["NEURONS"] = arguments.neurons
    globals()["REPEATS"] = arguments.repeats
    if arguments.binary:
        print(json.dumps(rerun_binary(arguments.binary, arguments.repeats)))
        return
    if arguments.one:
        print(json.dumps(run_one(*arguments.one)))
        return
    records = []
    for model in arguments.models:
        for run in arguments.runs:
            simulator, target = run.split(":")
            python = sys.executable if simulator == "axonal" else arguments.brian2_python
            command = [python, __file__, "--one", simulator, target, model]
            command += ["--neurons", str(arguments.neurons), "--repeats", str(arguments.repeats)]
            if simulator != "axonal":
                records.append(_run(command, {}, arguments.timeout))
                continue
            with tempfile.TemporaryDirectory() as cache:
                for state in ("cold", "warm"):
                    environment = {"AXONAL_CACHE_DIR": cache}
                    records.append({**_run(command, environment, arguments.timeout),
                                    "cache": state})  # fmt: skip
    text = json.dumps(records, indent=1)
    print(text)
    if arguments.output:
        with open(arguments.output, "w") as stream:
            stream.write(text + "\n")


if __name__ == "__main__":
    main()
