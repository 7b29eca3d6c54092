"""Where a cold compilation of a benchmark model spends its time, from Numba's event API.

Usage: python benchmarks/compile_breakdown.py [MODEL] [--n N] [--duration S] [--context-first]

Runs the model once with an empty kernel cache (a fresh ``AXONAL_CACHE_DIR``, so set it
before importing axonal: this script does) and prints one JSON line: the run() call's wall
and CPU seconds, the seconds of each Numba compilation (``numba:compile`` events, by
function), of each compiler pass summed over functions (``numba:run_pass``: type inference
is ``nopython_type_inference``, lowering to LLVM IR plus LLVM's optimisation and machine
code is ``native_lowering``), the size of each generated module (lines) and the Numba
options in force. With ``--context-first``, Numba's typing and target context (its first use,
paid by any compilation or cache load) is made before run() and timed apart. Compilation
inside the event of another (a kernel calling a function) is counted in both, so the
per-function seconds may sum to more than the total.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

os.environ["AXONAL_CACHE_DIR"] = tempfile.mkdtemp(prefix="axonal-compile-")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "reference"))

import axonal_bench  # noqa: E402
import models  # noqa: E402
from measure import cpu_seconds, emit  # noqa: E402
from numba.core import event  # noqa: E402


def timed_events():
    """A listener recording (kind, name, seconds) for compile and pass events."""
    records: list[tuple[str, str, float]] = []
    opened: dict[tuple, float] = {}

    def key(ev):
        data = ev.data or {}
        if ev.kind == "numba:run_pass":
            return (ev.kind, data.get("name", "?"), id(data))
        if ev.kind == "numba:compile":
            dispatcher = data.get("dispatcher")
            name = getattr(getattr(dispatcher, "py_func", None), "__qualname__", "?")
            return (ev.kind, name, id(data))
        return (ev.kind, ev.kind, id(data))

    class Listener(event.Listener):
        def on_start(self, ev) -> None:
            opened[key(ev)] = time.perf_counter()

        def on_end(self, ev) -> None:
            k = key(ev)
            if k in opened:
                records.append((k[0], k[1], time.perf_counter() - opened.pop(k)))

    return Listener(), records


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", default="cuba")
    parser.add_argument("--n", type=int, default=None)
    parser.add_argument("--duration", type=float, default=0.01, help="simulated seconds")
    parser.add_argument(
        "--context-first",
        action="store_true",
        help="make Numba's typing and target context before run() and time it apart",
    )
    args = parser.parse_args(argv)

    import numba

    from axonal import Network, defaultclock, prefs, second, seed, set_target
    from axonal.codegen import kernel_cache

    n = args.n or models.default_size(args.model)
    p = models.default_p(args.model, n)
    set_target("numba")
    prefs.codegen.tiered_start = False  # (compiled from the first step)
    defaultclock.dt = axonal_bench.DT
    seed(1)
    built = axonal_bench.MODELS[args.model](n, p)
    network = Network(built["objects"])
    context = {}
    if args.context_first:  # Numba's first use, which any compilation or cache load pays
        from numba.core.registry import cpu_target

        cpu_before, start = cpu_seconds(), time.perf_counter()
        cpu_target.typing_context.refresh()
        cpu_target.target_context.refresh()
        context = {
            "numba_context_s": time.perf_counter() - start,
            "numba_context_cpu_s": cpu_seconds() - cpu_before,
        }
    listener, records = timed_events()
    cpu_before, start = cpu_seconds(), time.perf_counter()
    with event.install_listener("numba:compile", listener):
        with event.install_listener("numba:run_pass", listener):
            with event.install_listener("numba:llvm_lock", listener):
                network.run(args.duration * second)
    run_call_s, run_call_cpu_s = time.perf_counter() - start, cpu_seconds() - cpu_before

    functions: dict[str, float] = defaultdict(float)
    passes: dict[str, float] = defaultdict(float)
    llvm_lock = 0.0
    for kind, name, seconds in records:
        if kind == "numba:compile":
            functions[name] += seconds
        elif kind == "numba:run_pass":
            passes[name] += seconds
        else:
            llvm_lock += seconds
    modules = {
        path.name: len(path.read_text().splitlines())
        for path in sorted(kernel_cache.cache_directory().glob("axonal_*.py"))
    }
    emit(
        {
            "model": args.model,
            "N": n,
            "numba": numba.__version__,
            "opt": numba.config.OPT,
            "run_call_s": run_call_s,
            "run_call_cpu_s": run_call_cpu_s,
            **context,
            "compile_total_s": sum(
                seconds for kind, name, seconds in records if kind == "numba:compile"
            ),
            "compiles": len([r for r in records if r[0] == "numba:compile"]),
            "functions_s": dict(sorted(functions.items(), key=lambda kv: -kv[1])),
            "passes_s": {
                name: seconds
                for name, seconds in sorted(passes.items(), key=lambda kv: -kv[1])
                if seconds >= 0.005
            },
            "llvm_lock_s": llvm_lock,
            "module_lines": modules,
            "spikes": int(built["spikes"].num_spikes),
        }
    )


if __name__ == "__main__":
    main()
