"""Cold compile time of models with many identical groups (issue 17 item 2, issue 16).

Usage: python benchmarks/compile_owners.py [--models neurongroups spatialneurons]
           [--counts 1 10 100] [--modes families inline] [--timeout S] [--output FILE]

Each line is a fresh process with an empty kernel cache (its own ``AXONAL_CACHE_DIR``) that
builds ``count`` identical groups and runs them 1 ms on the Numba target:

- ``neurongroups``: LIF groups of 100 neurons (exact integration, threshold, reset,
  refractoriness, a delayed synapse onto the next neuron, a spike monitor), as many models
  of one population per area or column are written;
- ``spatialneurons``: ball-and-stick neurons (benchmarks/spatial_bench.py's model: an HH soma
  and a passive dendrite, 50 compartments, a spike monitor each).

``families``: the loop printer's default, identical items compiled once as a function called
per owner (axonal/codegen/loop_families.py); ``inline``: every item printed into the loop (as
before; ``FAMILY_MIN_OCCURRENCES`` set out of reach). Printed JSON: one record per run with
run() wall and CPU seconds (the first run() compiles everything), a second 1 ms run's, the
loop's source lines and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "reference"))


def neurongroups(b, count: int) -> list:
    objects = []
    for k in range(count):
        group = b.NeuronGroup(
            100, "dv/dt = (I - v) / tau : 1 (unless refractory)\nI : 1",
            threshold="v > 1", reset="v = 0", refractory=2 * b.ms, method="exact",
            namespace={"tau": 10 * b.ms},
        )  # fmt: skip
        group.I = 1.2 + 0.01 * k
        synapses = b.Synapses(group, group, on_pre="v_post += 0.1", delay=1 * b.ms)
        synapses.connect(j="(i + 1) % N_post")
        objects += [group, synapses, b.SpikeMonitor(group)]
    return objects


def spatialneurons(b, count: int) -> list:
    import spatial_bench

    spatial_bench.NEURONS = count
    objects, _, _ = spatial_bench.build(b, "ball_and_stick")
    return objects


MODELS = {"neurongroups": neurongroups, "spatialneurons": spatialneurons}


def run_one(model: str, count: int, mode: str) -> dict:
    from measure import cpu_seconds, load_average

    import axonal as b
    import axonal.codegen.numba_loop_printer as loop_printer
    from axonal.network.fused import loop_function_of

    if mode == "inline":
        loop_printer.FAMILY_MIN_OCCURRENCES = 10**9
    b.set_target("numba")
    b.prefs.codegen.tiered_start = False  # (compiled from the first step)
    b.defaultclock.dt = 0.025 * b.ms
    network = b.Network(*MODELS[model](b, count))
    cpu, wall = cpu_seconds(), time.perf_counter()
    network.run(1 * b.ms)
    first_s, first_cpu_s = time.perf_counter() - wall, cpu_seconds() - cpu
    cpu, wall = cpu_seconds(), time.perf_counter()
    network.run(1 * b.ms)
    (loop,) = loop_function_of(network)
    return {
        "model": model, "count": count, "mode": mode, "first_run_s": first_s,
        "first_run_cpu_s": first_cpu_s, "second_run_s": time.perf_counter() - wall,
        "second_run_cpu_s": cpu_seconds() - cpu, "items": len(loop.plans),
        "loop_source_lines": len(loop.source.splitlines()), "load_avg_1min": load_average(),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=list(MODELS))
    parser.add_argument("--counts", nargs="+", type=int, default=[1, 10, 100])
    parser.add_argument("--modes", nargs="+", default=["families", "inline"])
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--output")
    parser.add_argument("--one", nargs=3, metavar=("MODEL", "COUNT", "MODE"))
    arguments = parser.parse_args()
    if arguments.one:
        model, count, mode = arguments.one
        print(json.dumps(run_one(model, int(count), mode)))
        return
    records = []
    for model in arguments.models:
        for count in arguments.counts:
            for mode in arguments.modes:
                environment = {**os.environ, "AXONAL_CACHE_DIR": tempfile.mkdtemp()}
                command = [sys.executable, __file__, "--one", model, str(count), mode]
                record = {"model": model, "count": count, "mode": mode}
                try:
                    result = subprocess.run(
                        command, capture_output=True, text=True, env=environment,
                        timeout=arguments.timeout,
                    )  # fmt: skip
                    if result.returncode:
                        record["error"] = result.stderr[-1500:]
                    else:
                        record = json.loads(result.stdout.strip().splitlines()[-1])
                except subprocess.TimeoutExpired:
                    record["error"] = f"over {arguments.timeout:g} s"
                records.append(record)
                print(json.dumps(record), file=sys.stderr, flush=True)
    text = json.dumps(records, indent=1)
    print(text)
    if arguments.output:
        Path(arguments.output).write_text(text + "\n")


if __name__ == "__main__":
    main()
