"""Where a cold compilation of a benchmark model spends its time, from Numba's event API.

Usage: python benchmarks/compile_breakdown.py [MODEL] [--n N] [--duration S] [--context-first]
       [--threads T --parallel-min M] [--against PYTHON --repeats R --output FILE]

Runs the model once with an empty kernel cache (a fresh ``AXONAL_CACHE_DIR``, so set it
before importing axonal: this script does) and prints one JSON line: the run() call's wall
and CPU seconds, the seconds of each Numba compilation (``numba:compile`` events, by
function), of each compiler pass summed over functions (``numba:run_pass``: type inference
is ``nopython_type_inference``, lowering to LLVM IR plus LLVM's optimisation and machine
code is ``native_lowering``), the size of each generated module (lines) and the Numba
options in force. With ``--context-first``, Numba's typing and target context (its first use,
paid by any compilation or cache load) is made before run() and timed apart. Compilation
inside the event of another (a kernel calling a function) is counted in both, so the
per-function seconds may sum to more than the total. ``phases_s`` splits the compilations
finer (Numba's Python building LLVM IR for the body and its wrappers; LLVM's per-function
passes, whole-module passes and machine code), wall seconds.

With ``--against PYTHON`` (another checkout's interpreter, which imports its own axonal), the
same measurement runs ``--repeats`` times under each interpreter in turn, each a fresh
process, and a table of both is printed (and the JSON lines written to ``--output``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
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


# Numba's own methods timed for the finer phases (Numba 0.68; names absent elsewhere are
# skipped): its Python building the LLVM IR of the function body and of its two wrappers, and
# LLVM's three parts (per-function passes, whole-module passes, machine code).
PHASES = {
    "python_lowering_body": ("numba.core.lowering", "Lower", "lower_function_body"),
    "python_lowering_cpython_wrapper": ("numba.core.lowering", "Lower", "create_cpython_wrapper"),
    "python_lowering_cfunc_wrapper": ("numba.core.lowering", "Lower", "create_cfunc_wrapper"),
    "llvm_ir_to_module": ("numba.core.codegen", "CPUCodeLibrary", "add_ir_module"),
    "llvm_function_passes": ("numba.core.codegen", "CPUCodeLibrary", "_optimize_functions"),
    "llvm_module_passes": ("numba.core.codegen", "CPUCodeLibrary", "_optimize_final_module"),
    "llvm_machine_code": ("numba.core.codegen", "CPUCodeLibrary", "_finalize_final_module"),
}


def timed_phases() -> dict[str, float]:
    """Wrap the methods of PHASES so that their seconds add up in the returned dict (nested
    calls of one phase are counted once). ``llvm_ir_to_module`` includes the function passes."""
    import importlib

    seconds: dict[str, float] = defaultdict(float)
    for phase, (module_name, class_name, method) in PHASES.items():
        owner = getattr(importlib.import_module(module_name), class_name)
        original = getattr(owner, method, None)
        if original is None:
            continue
        depth = [0]

        def timed(*args, _original=original, _phase=phase, _depth=depth, **kwargs):
            start = time.perf_counter()
            _depth[0] += 1
            try:
                return _original(*args, **kwargs)
            finally:
                _depth[0] -= 1
                if not _depth[0]:
                    seconds[_phase] += time.perf_counter() - start

        setattr(owner, method, timed)
    return seconds


def scipy_blas_import_seconds() -> tuple[float, float] | None:
    """Wall and CPU seconds of importing SciPy's BLAS module, which Numba's context imports
    (numba.np.arraymath checks for BLAS) when SciPy is installed; None without SciPy."""
    import importlib.util

    if importlib.util.find_spec("scipy") is None:
        return None
    cpu_before, start = cpu_seconds(), time.perf_counter()
    import scipy.linalg.cython_blas  # noqa: F401

    return time.perf_counter() - start, cpu_seconds() - cpu_before


def side_by_side(argv: list[str], other_python: str, repeats: int, output: str | None) -> None:
    """This measurement under this interpreter and ``other_python`` in turn (see the module)."""
    pythons = {"this": sys.executable, "other": other_python}
    results = []
    for repeat in range(repeats):
        order = list(pythons.items())
        for label, python in order if repeat % 2 == 0 else reversed(order):
            env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
            command = [python, str(Path(__file__).resolve()), *argv]
            completed = subprocess.run(command, capture_output=True, text=True, env=env)
            lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
            if completed.returncode or not lines:
                raise RuntimeError(f"{label} failed:\n{completed.stderr[-2000:]}")
            result = {"tree": label, "python": python, "repeat": repeat, **json.loads(lines[-1])}
            results.append(result)
            print(json.dumps(result), file=sys.stderr)
    if output:
        Path(output).write_text(json.dumps(results, indent=1))
    columns = [
        ("run() s", lambda r: r["run_call_s"]),
        ("run() CPU s", lambda r: r["run_call_cpu_s"]),
        ("context CPU s", lambda r: r.get("numba_context_cpu_s")),
        ("SciPy BLAS import CPU s", lambda r: r.get("scipy_blas_import_cpu_s")),
        ("compile s", lambda r: r["compile_total_s"]),
        ("native lowering s", lambda r: _pass_seconds(r, "native_lowering")),
        ("type inference s", lambda r: _pass_seconds(r, "nopython_type_inference")),
        ("LLVM s", lambda r: r["llvm_lock_s"]),
        ("load", lambda r: r["load_avg_1min"]),
    ]
    print("| tree | " + " | ".join(name for name, _ in columns) + " |")
    print("|" + " --- |" * (len(columns) + 1))
    for label in pythons:
        cells = []
        for _, value in columns:
            figures = [value(r) for r in results if r["tree"] == label]
            figures = [f"{x:.2f}" for x in figures if x is not None]
            cells.append(" / ".join(figures) or "-")
        print(f"| {label} | " + " | ".join(cells) + " |")


def _pass_seconds(result: dict, name: str) -> float:
    """A compiler pass's seconds summed over the functions compiled."""
    return sum(s for key, s in result["passes_s"].items() if key.split(" [")[0] == name)


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
    parser.add_argument("--threads", type=int, default=None, help="Numba threads (axonal_bench)")
    parser.add_argument(
        "--parallel-min",
        type=int,
        default=None,
        help="split kernels of groups at least this large between threads (threaded loops)",
    )
    parser.add_argument("--against", help="another checkout's Python: both side by side")
    parser.add_argument("--repeats", type=int, default=3, help="with --against")
    parser.add_argument("--output", help="with --against: the JSON of every run")
    args = parser.parse_args(argv)
    if args.against:
        argv = list(sys.argv[1:] if argv is None else argv)
        for option in ("--against", "--repeats", "--output"):
            if option in argv:
                del argv[argv.index(option) : argv.index(option) + 2]
        side_by_side(argv, args.against, args.repeats, args.output)
        return

    import numba

    from axonal import Network, defaultclock, prefs, second, seed, set_target
    from axonal.codegen import kernel_cache

    n = args.n or models.default_size(args.model)
    p = models.default_p(args.model, n)
    set_target("numba")
    threads = axonal_bench.fix_threads(args.threads, args.parallel_min)
    prefs.codegen.tiered_start = False  # (compiled from the first step)
    defaultclock.dt = axonal_bench.DT
    seed(1)
    built = axonal_bench.MODELS[args.model](n, p)
    network = Network(built["objects"])
    context = {}
    if args.context_first:  # Numba's first use, which any compilation or cache load pays
        from numba.core.registry import cpu_target

        scipy_import = scipy_blas_import_seconds()  # (the first part of the context, apart)
        if scipy_import is not None:
            context["scipy_blas_import_s"], context["scipy_blas_import_cpu_s"] = scipy_import
        cpu_before, start = cpu_seconds(), time.perf_counter()
        cpu_target.typing_context.refresh()
        cpu_target.target_context.refresh()
        context["numba_context_s"] = time.perf_counter() - start
        context["numba_context_cpu_s"] = cpu_seconds() - cpu_before
    phases = timed_phases()
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
            "phases_s": dict(phases),
            "module_lines": modules,
            "spikes": int(built["spikes"].num_spikes),
            **threads,
        }
    )


if __name__ == "__main__":
    main()
