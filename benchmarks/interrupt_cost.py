"""What stopping at step boundaries and the NaN check cost (issue 12, items 1, 3, 10).

The fused loop returns to Python every ~50 ms of wall time (axonal.network.fused
STRETCH_SECONDS) so that a stop signal is seen there; the NaN/inf check reads the variables a
run writes after the run and at each progress report. This script runs CUBA on the Numba
target side by side, interleaved, in one process:

- ``one call``: the whole run as one compiled call, no check (as before issue 12);
- ``stretches``: the default stretches, no check (``prefs.core.invalid_values = 'ignore'``);
- ``stretches + check``: the default (stretches, check after the run);
- ``stretches + check at 0.1 s reports``: a progress report, and so a check, every 0.1 s.

and reports run() wall and CPU seconds per condition (median of the repeats), the number of
compiled calls, one check's time, and the latency of Ctrl-C: the wall time from a SIGINT sent
to a child process in a long fused run to the child's KeyboardInterrupt.

  python benchmarks/interrupt_cost.py [--n 4000] [--duration 2] [--repeats 3] [--signals 5]
      [--output results/interrupt_cost.json]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

CONDITIONS = ["one call", "stretches", "stretches + check", "stretches + check at 0.1 s reports"]


def build(n: int):
    import models

    import axonal

    axonal.start_scope()
    axonal.seed(1)
    model = models.bound_to(axonal)["cuba"](n)
    return axonal.Network(*model["objects"]), model


def run_condition(condition: str, n: int, duration: float) -> dict:
    import axonal
    from axonal.codegen.numba_target import NetworkLoop
    from axonal.network import fused

    net, model = build(n)
    calls = []
    original = NetworkLoop.run

    def counted(self, state, n_steps, *args, **kwargs):
        calls.append(n_steps)
        return original(self, state, n_steps, *args, **kwargs)

    NetworkLoop.run = counted
    saved = fused.STRETCH_SECONDS, fused._FIRST_STRETCH
    if condition == "one call":
        fused.STRETCH_SECONDS, fused._FIRST_STRETCH = 1e9, 10**12
    axonal.prefs.core.invalid_values = "warn" if "check" in condition else "ignore"
    options = {}
    if "reports" in condition:
        options = {"report": lambda *args: None, "report_period": 0.1 * axonal.second}
    try:
        net.run(1 * axonal.ms)  # compiles (or loads the cached loop)
        calls.clear()
        wall, cpu = time.perf_counter(), time.process_time()
        net.run(duration * axonal.second, **options)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        NetworkLoop.run = original
        fused.STRETCH_SECONDS, fused._FIRST_STRETCH = saved
        axonal.prefs.core.invalid_values = "warn"
    return {
        "run_s": wall,
        "run_cpu_s": cpu,
        "compiled_calls": len([c for c in calls if c]),
        "spikes": int(model["spikes"].num_spikes),
    }


def check_seconds(n: int) -> float:
    """One NaN/inf check of CUBA's groups and synapses (median of 50)."""
    from axonal.network.invalid_values import InvalidValueCheck

    net, _ = build(n)
    checks = InvalidValueCheck(net.objects)
    times = []
    for _ in range(50):
        started = time.perf_counter()
        checks.check(0.0)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def child(n: int) -> None:
    """A long fused run that the parent stops with SIGINT."""
    import axonal

    signal.signal(signal.SIGINT, signal.default_int_handler)
    net, _ = build(n)
    net.run(1 * axonal.ms)
    print("READY", flush=True)
    try:
        net.run(1e4 * axonal.second)
    except KeyboardInterrupt:
        print("STOPPED", net.t_, flush=True)


def signal_latency(n: int) -> float:
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", "--n", str(n)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout.readline().strip() == "READY"
        time.sleep(1.0)
        sent = time.monotonic()
        process.send_signal(signal.SIGINT)
        line = process.stdout.readline()
        latency = time.monotonic() - sent
        assert line.startswith("STOPPED"), line
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    return latency


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--duration", type=float, default=2.0, help="simulated seconds")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--signals", type=int, default=5, help="Ctrl-C latency samples")
    parser.add_argument("--output")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    from axonal.codegen.targets import set_target

    set_target("numba")
    from axonal import prefs

    prefs.codegen.tiered_start = False  # (compiled from the first step)
    if options.child:
        child(options.n)
        return
    load_before = os.getloadavg()[0]
    measured = {condition: [] for condition in CONDITIONS}
    for _ in range(options.repeats):
        for condition in CONDITIONS:  # interleaved: the machine's load hits all alike
            measured[condition].append(run_condition(condition, options.n, options.duration))
    rows = {}
    for condition, runs in measured.items():
        rows[condition] = {
            key: statistics.median(run[key] for run in runs) for key in runs[0] if key != "spikes"
        }
        rows[condition]["spikes"] = sorted({run["spikes"] for run in runs})
    base = rows["one call"]
    for row in rows.values():
        row["run_s / one call"] = row["run_s"] / base["run_s"]
        row["run_cpu_s / one call"] = row["run_cpu_s"] / base["run_cpu_s"]
    latencies = [signal_latency(options.n) for _ in range(options.signals)]
    result = {
        "model": "cuba",
        "n": options.n,
        "duration_s": options.duration,
        "repeats": options.repeats,
        "target": "numba",
        "conditions": rows,
        "check_s": check_seconds(options.n),
        "ctrl_c_latency_s": {
            "median": statistics.median(latencies),
            "max": max(latencies),
            "all": latencies,
        },
        "load_avg_1min": [load_before, os.getloadavg()[0]],
    }
    text = json.dumps(result, indent=1)
    print(text)
    if options.output:
        Path(options.output).write_text(text + "\n")


if __name__ == "__main__":
    main()
