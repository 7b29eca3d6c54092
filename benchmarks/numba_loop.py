"""CUBA (BENCHMARKS.md) built by hand as kernels and run through the generated Numba loop.

Prints JSON: compile seconds with an empty cache and with a warm cache (a second process),
run seconds, spikes and mean rate. Usage: ``python benchmarks/numba_loop.py [--duration 1]
[--neurons 4000] [--repeats 3]``; ``AXONAL_CACHE_DIR`` is set to a fresh folder for the run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

from axonal.model.ir import Expression, Kernel, KernelRole, Statement, VariableKind, VariableRef

CUBA_CONSTANTS = {
    "taum": 20e-3, "taue": 5e-3, "taui": 10e-3, "Vt": -50e-3, "Vr": -60e-3, "El": -49e-3,
    "refractory": 5e-3, "we": 60 * 0.27 / 10 * 1e-3, "wi": -20 * 4.5 / 10 * 1e-3,
}  # fmt: skip
DT = 1e-4


def _array(name, key, dtype="float64", index=None):
    return VariableRef(name, VariableKind.ARRAY, dtype=dtype, array=key, index=index)


def _constants(*names):
    return {name: VariableRef(name, VariableKind.CONSTANT) for name in names}


def cuba_kernels():
    """The CUBA network's kernels: exact LIF update, threshold, reset and two pathways."""
    from axonal.codegen.numba_target import (
        OnEvents,
        ScheduledItem,
        SpikeRecording,
        SynapsesOfEvents,
        SynapticPathway,
    )

    neuron_variables = {
        "v": _array("v", "P.v"), "ge": _array("ge", "P.ge"), "gi": _array("gi", "P.gi"),
        "not_refractory": _array("not_refractory", "P.not_refractory", dtype="bool"),
        "lastspike": _array("lastspike", "P.lastspike"),
        "t": VariableRef("t", VariableKind.CLOCK), "dt": VariableRef("dt", VariableKind.CLOCK),
        **_constants(*CUBA_CONSTANTS),
    }  # fmt: skip
    update = Kernel(
        name="P.state_update", owner="P", role=KernelRole.STATE_UPDATE,
        statements=(
            Statement("not_refractory", "=", Expression("t - lastspike >= refractory - 0.5*dt")),
            Statement("_v", "=", Expression(
                # Constant factors grouped, so that they are computed once per run.
                "El + (v - El)*exp(-dt/taum)"
                " + ge*(taue/(taue - taum)*(exp(-dt/taue) - exp(-dt/taum)))"
                " + gi*(taui/(taui - taum)*(exp(-dt/taui) - exp(-dt/taum)))"
            ), temporary=True),
            Statement("v", "=", Expression("_v"), condition=Expression("not_refractory")),
            Statement("ge", "=", Expression("ge*exp(-dt/taue)")),
            Statement("gi", "=", Expression("gi*exp(-dt/taui)")),
        ),
        variables=neuron_variables,
    )  # fmt: skip
    threshold = Kernel(
        name="P.threshold", owner="P", role=KernelRole.THRESHOLD, statements=(),
        condition=Expression("v > Vt and not_refractory"), variables=neuron_variables,
    )  # fmt: skip
    reset = Kernel(
        name="P.reset", owner="P", role=KernelRole.RESET,
        statements=(
            Statement("v", "=", Expression("Vr")),
            Statement("lastspike", "=", Expression("t")),
            Statement("not_refractory", "=", Expression("False")),
        ),
        variables=neuron_variables,
    )  # fmt: skip
    items = [ScheduledItem(update), ScheduledItem(threshold)]
    items.append(ScheduledItem(None, SpikeRecording("spikes", "P")))
    for synapses, target, weight in (("Ce", "ge", "we"), ("Ci", "gi", "wi")):
        on_pre = Kernel(
            name=f"{synapses}.on_pre", owner=synapses, role=KernelRole.SYNAPTIC_EVENT,
            statements=(Statement(f"{target}_post", "+=", Expression(weight)),),
            variables={
                f"{target}_post": _array(target, f"P.{target}", index=f"{synapses}._post_idx"),
                weight: VariableRef(weight, VariableKind.CONSTANT),
            },
        )  # fmt: skip
        pathway = SynapticPathway(f"{synapses}.pre", "P", indptr=f"{synapses}._indptr")
        items.append(ScheduledItem(on_pre, SynapsesOfEvents(pathway)))
    items.append(ScheduledItem(reset, OnEvents("P")))
    return items


def random_csr(sources, n_source, n_target, p, rng):
    """CSR rows for source elements ``sources`` (others get empty rows), targets with prob p."""
    indptr = np.zeros(n_source + 1, np.int64)
    rows = []
    for i in range(n_source):
        targets = np.flatnonzero(rng.random(n_target) < p) if i in sources else np.empty(0, int)
        rows.append(targets)
        indptr[i + 1] = indptr[i] + len(targets)
    return indptr, np.concatenate(rows).astype(np.int64)


def cuba_state(n=4000, p=0.02, seed=1):
    """Initial state of CUBA: v uniform between Vr and Vt, random connectivity."""
    rng = np.random.default_rng(seed)
    n_exc = int(n * 0.8)
    state = {
        "P.N": n,
        "P.v": CUBA_CONSTANTS["Vr"] + rng.random(n) * (CUBA_CONSTANTS["Vt"] - CUBA_CONSTANTS["Vr"]),
        "P.ge": np.zeros(n),
        "P.gi": np.zeros(n),
        "P.not_refractory": np.ones(n, dtype=bool),
        "P.lastspike": np.full(n, -np.inf),
        "dt": DT,
        **CUBA_CONSTANTS,
    }
    for synapses, sources in (("Ce", range(n_exc)), ("Ci", range(n_exc, n))):
        indptr, post = random_csr(set(sources), n, n, p, rng)
        state[f"{synapses}._indptr"] = indptr
        state[f"{synapses}._post_idx"] = post
        state[f"{synapses}.N"] = len(post)
    return state


def measure(duration: float, neurons: int, repeats: int) -> dict:
    """Compile (timed by the first call) and run CUBA in this process."""
    from axonal.codegen.numba_target import generate_network_loop

    started = time.perf_counter()
    items = cuba_kernels()
    loop = generate_network_loop(items)
    state = cuba_state(neurons)
    build = time.perf_counter() - started
    started = time.perf_counter()
    loop.run(dict(state), 0, 0.0, DT)  # no steps: compiles (or loads from the cache)
    compile_seconds = time.perf_counter() - started
    n_steps = int(round(duration / DT))
    run_seconds = []
    for _ in range(repeats):
        fresh = {key: np.copy(v) if isinstance(v, np.ndarray) else v for key, v in state.items()}
        started = time.perf_counter()
        loop.run(fresh, n_steps, 0.0, DT)
        run_seconds.append(time.perf_counter() - started)
    spikes = int(fresh["spikes.n"][0])
    return {
        "build_seconds": round(build, 4),
        "compile_seconds": round(compile_seconds, 4),
        "run_seconds": round(statistics.median(run_seconds), 4),
        "run_seconds_all": [round(s, 4) for s in run_seconds],
        "spikes": spikes,
        "rate_hz": round(spikes / neurons / duration, 3),
        "synapses": int(state["Ce.N"] + state["Ci.N"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=1.0)
    parser.add_argument("--neurons", type=int, default=4000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        print(json.dumps(measure(options.duration, options.neurons, options.repeats)))
        return
    environment = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="axonal-bench-cache-") as cache:
        environment["AXONAL_CACHE_DIR"] = cache
        results = []
        for _ in ("cold", "warm"):
            started = time.perf_counter()
            output = subprocess.run(
                [sys.executable, __file__, "--child", *sys.argv[1:]],
                env=environment, capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            results.append({**json.loads(output), "process_seconds": time.perf_counter() - started})
    cold, warm = results
    import numba

    print(json.dumps({
        "model": "CUBA", "target": "numba (generated single loop, 1 thread)",
        "neurons": options.neurons, "duration_s": options.duration, "dt_s": DT,
        "synapses": cold["synapses"],
        "build_seconds": cold["build_seconds"],
        "compile_seconds_cold": cold["compile_seconds"],
        "compile_seconds_cached": warm["compile_seconds"],
        "run_seconds": warm["run_seconds"], "run_seconds_cold_process": cold["run_seconds"],
        "process_seconds_cold": round(cold["process_seconds"], 3),
        "process_seconds_cached": round(warm["process_seconds"], 3),
        "spikes": warm["spikes"], "rate_hz": warm["rate_hz"],
        "numba": numba.__version__, "numpy": np.__version__,
    }, indent=1))  # fmt: skip


if __name__ == "__main__":
    main()
