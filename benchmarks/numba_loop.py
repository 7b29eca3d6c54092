"""CUBA (BENCHMARKS.md) built by hand as kernels and run through the generated Numba loop.

Prints JSON: compile seconds with an empty cache and with a warm cache (a second process),
run seconds, spikes and mean rate. Usage: ``python benchmarks/numba_loop.py [--duration 1]
[--neurons 4000] [--repeats 3] [--parallel [--threads N]]``; ``AXONAL_CACHE_DIR`` is set to a
fresh folder for the run. Also measures a hand-written Numba CUBA loop on the same state, side
by side, and the CPU seconds of the threshold's scan alone (``threshold_scan_cpu_seconds``:
the loop with four more copies of the threshold kernel, minus the loop, over four).
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
    """CSR rows for source elements ``sources`` (others get empty rows), targets with prob p.

    Each row draws its number of targets from the binomial distribution, then that many
    distinct targets (sorted), as connect(p=...) does without building an N x N matrix.
    """
    counts = np.zeros(n_source, np.int64)
    chosen = np.fromiter(sources, np.int64)
    counts[chosen] = rng.binomial(n_target, p, len(chosen))
    rows = []
    for i in range(n_source):
        targets = np.unique(rng.integers(0, n_target, counts[i]))
        while len(targets) < counts[i]:  # rare: a repeated draw
            extra = rng.integers(0, n_target, counts[i] - len(targets))
            targets = np.unique(np.concatenate([targets, extra]))
        rows.append(targets)
    indptr = np.concatenate([[0], np.cumsum(counts)])
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
        indptr, post = random_csr(sources, n, n, p, rng)
        state[f"{synapses}._indptr"] = indptr
        state[f"{synapses}._post_idx"] = post
        state[f"{synapses}.N"] = len(post)
    return state


def hand_written_loop():
    """CUBA written by hand as one Numba loop (the reference figure of BENCHMARKS.md)."""
    from numba import njit

    @njit(cache=True, error_model="numpy")
    def cuba_loop(n_steps, dt, v, ge, gi, lastspike, exc_indptr, exc_post, inh_indptr,
                  inh_post, spikes_i, spikes_t, El, Vt, Vr, we, wi, refractory_edge,
                  decay_m, factor_e, factor_i, decay_e, decay_i):  # fmt: skip
        n = v.shape[0]
        spiking = np.empty(n, np.int64)
        recorded = 0
        for step in range(n_steps):
            t = step * dt
            for i in range(n):
                if t - lastspike[i] >= refractory_edge:
                    v[i] = El + (v[i] - El) * decay_m + ge[i] * factor_e + gi[i] * factor_i
                ge[i] = ge[i] * decay_e
                gi[i] = gi[i] * decay_i
            count = 0
            for i in range(n):
                if v[i] > Vt and t - lastspike[i] >= refractory_edge:
                    spiking[count] = i
                    count += 1
            for k in range(count):
                source = spiking[k]
                for s in range(exc_indptr[source], exc_indptr[source + 1]):
                    ge[exc_post[s]] += we
                for s in range(inh_indptr[source], inh_indptr[source + 1]):
                    gi[inh_post[s]] += wi
                v[source] = Vr
                lastspike[source] = t
                if recorded < spikes_i.shape[0]:
                    spikes_i[recorded] = source
                    spikes_t[recorded] = t
                recorded += 1
        return recorded

    def run(state, n_steps):
        c = {key: state[key] for key in CUBA_CONSTANTS}
        dt = state["dt"]
        capacity = int(len(state["P.v"]) * n_steps * dt * 40) + 1000  # up to 40 Hz
        state["hand.i"], state["hand.t"] = np.zeros(capacity, np.int64), np.zeros(capacity)
        decay_m, decay_e, decay_i = (np.exp(-dt / c[k]) for k in ("taum", "taue", "taui"))
        factor_e = c["taue"] / (c["taue"] - c["taum"]) * (decay_e - decay_m)
        factor_i = c["taui"] / (c["taui"] - c["taum"]) * (decay_i - decay_m)
        return cuba_loop(
            n_steps, dt, state["P.v"], state["P.ge"], state["P.gi"], state["P.lastspike"],
            state["Ce._indptr"], state["Ce._post_idx"], state["Ci._indptr"],
            state["Ci._post_idx"], state["hand.i"], state["hand.t"], c["El"], c["Vt"], c["Vr"],
            c["we"], c["wi"], c["refractory"] - 0.5 * dt, decay_m, factor_e, factor_i,
            decay_e, decay_i,
        )  # fmt: skip

    return run


def _fresh(state):
    return {key: np.copy(v) if isinstance(v, np.ndarray) else v for key, v in state.items()}


def _timed(function, repeats):
    """Median wall and CPU seconds of ``function()`` (CPU time is robust on a busy machine)."""
    wall, cpu = [], []
    for _ in range(repeats):
        started_wall, started_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append(time.perf_counter() - started_wall)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall), statistics.median(cpu)


def threshold_scan_seconds(state, n_steps: int, repeats: int, parallel: bool) -> float:
    """CPU seconds of CUBA's threshold scan over ``n_steps``: the loop run with four extra
    copies of the threshold (events of their own, unused), minus the loop, divided by four."""
    import dataclasses

    from axonal.codegen.numba_target import ScheduledItem, generate_network_loop

    items = cuba_kernels()
    threshold = items[1].kernel
    copies = [
        ScheduledItem(dataclasses.replace(threshold, name=f"copy{k}", event=f"copy{k}"))
        for k in range(4)
    ]
    loops = [
        generate_network_loop(schedule, parallel=parallel)
        for schedule in (items, [*items[:2], *copies, *items[2:]])
    ]
    for loop in loops:
        loop.run(_fresh(state), 1, 0.0, DT)
    cpu = {id(loop): [] for loop in loops}
    for _ in range(repeats):  # interleaved: both see the same machine
        for loop in loops:
            run_state = _fresh(state)
            started = time.process_time()
            loop.run(run_state, n_steps, 0.0, DT)
            cpu[id(loop)].append(time.process_time() - started)
    plain, with_copies = (statistics.median(cpu[id(loop)]) for loop in loops)
    return (with_copies - plain) / len(copies)


def measure(
    duration: float, neurons: int, repeats: int, parallel: bool, hand_written: bool
) -> dict:
    """Compile (timed by the first call) and run CUBA in this process."""
    from axonal.codegen.numba_target import generate_network_loop

    started = time.perf_counter()
    items = cuba_kernels()
    loop = generate_network_loop(items, parallel=parallel)
    state = cuba_state(neurons, p=min(0.02, 80 / neurons))
    build = time.perf_counter() - started
    started = time.perf_counter()
    loop.run(dict(state), 0, 0.0, DT)  # no steps: compiles (or loads from the cache)
    compile_seconds = time.perf_counter() - started
    n_steps = int(round(duration / DT))
    runs = []

    def generated():
        runs.append(_fresh(state))
        loop.run(runs[-1], n_steps, 0.0, DT)

    run_wall, run_cpu = _timed(generated, repeats)
    spikes = int(runs[-1]["spikes.n"][0])
    result = {
        "build_seconds": round(build, 4),
        "compile_seconds": round(compile_seconds, 4),
        "run_seconds": round(run_wall, 4),
        "run_cpu_seconds": round(run_cpu, 4),
        "spikes": spikes,
        "rate_hz": round(spikes / neurons / duration, 3),
        "synapses": int(state["Ce.N"] + state["Ci.N"]),
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if not hand_written:
        return result
    result["per_step_overhead_us_cpu"] = round(per_step_overhead(), 4)
    scan = threshold_scan_seconds(state, n_steps, max(repeats, 5), parallel)
    result["threshold_scan_cpu_seconds"] = round(scan, 4)
    hand = hand_written_loop()
    started = time.perf_counter()
    hand(_fresh(state), 0)
    hand_compile = time.perf_counter() - started
    hand_runs = []

    def run_hand_written():
        hand_runs.append(_fresh(state))
        hand_runs[-1]["hand.n"] = hand(hand_runs[-1], n_steps)

    hand_wall, hand_cpu = _timed(run_hand_written, repeats)
    same = bool(
        hand_runs[-1]["hand.n"] == spikes
        and np.array_equal(hand_runs[-1]["hand.i"][:spikes], runs[-1]["spikes.i"][:spikes])
    )
    return {
        **result,
        "hand_written_compile_seconds": round(hand_compile, 4),
        "hand_written_run_seconds": round(hand_wall, 4),
        "hand_written_run_cpu_seconds": round(hand_cpu, 4),
        "hand_written_same_spikes": same,
    }


def per_step_overhead(n_steps: int = 100_000, repeats: int = 3) -> float:
    """Microseconds per step of a one-neuron network, dv/dt = -v / (10 ms) (BENCHMARKS.md)."""
    from axonal.codegen.numba_target import ScheduledItem, generate_network_loop

    variables = {
        "v": _array("v", "N1.v"), "tau": VariableRef("tau", VariableKind.CONSTANT),
        "dt": VariableRef("dt", VariableKind.CLOCK),
    }  # fmt: skip
    update = Kernel(
        "N1.state_update", "N1", KernelRole.STATE_UPDATE,
        (Statement("v", "=", Expression("v*exp(-dt/tau)")),), variables,
    )  # fmt: skip
    loop = generate_network_loop([ScheduledItem(update)])
    state = {"N1.N": 1, "N1.v": np.ones(1), "tau": 10e-3}
    loop.run(state, 1, 0.0, DT)
    _, cpu = _timed(lambda: loop.run(state, n_steps, 0.0, DT), repeats)
    return cpu / n_steps * 1e6


def _child(arguments: list[str], environment: dict) -> dict:
    started = time.perf_counter()
    output = subprocess.run(
        [sys.executable, __file__, "--child", *arguments],
        env=environment, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return {**json.loads(output), "process_seconds": round(time.perf_counter() - started, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=1.0)
    parser.add_argument("--neurons", type=int, default=4000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--parallel", action="store_true", help="state updates and thresholds on threads"
    )
    parser.add_argument("--threads", type=int, default=None, help="Numba threads (--parallel)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--hand-written", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        if options.threads is not None:
            import numba

            numba.set_num_threads(options.threads)
        measured = measure(
            options.duration, options.neurons, options.repeats, options.parallel,
            options.hand_written,
        )  # fmt: skip
        print(json.dumps(measured))
        return
    environment = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="axonal-bench-cache-") as cache:
        environment["AXONAL_CACHE_DIR"] = cache
        # End to end, one run each: empty cache, then warm cache; then the timed comparison.
        single = [*sys.argv[1:], "--repeats", "1"]
        cold = _child(single, environment)
        warm = _child(single, environment)
        timed = _child([*sys.argv[1:], "--hand-written"], environment)
    import numba

    print(json.dumps({
        "model": "CUBA",
        "target": "numba, generated loop, "
        + (f"threads ({options.threads or 'all'})" if options.parallel else "1 thread"),
        "neurons": options.neurons, "duration_s": options.duration, "dt_s": DT,
        "synapses": cold["synapses"],
        "build_seconds": cold["build_seconds"],
        "compile_seconds_cold": cold["compile_seconds"],
        "compile_seconds_cached": warm["compile_seconds"],
        "process_seconds_cold": cold["process_seconds"],
        "process_seconds_cached": warm["process_seconds"],
        "peak_memory_mb": warm["peak_memory_mb"],
        "run_seconds": timed["run_seconds"], "run_cpu_seconds": timed["run_cpu_seconds"],
        "hand_written_run_seconds": timed["hand_written_run_seconds"],
        "hand_written_run_cpu_seconds": timed["hand_written_run_cpu_seconds"],
        "generated_over_hand_written_cpu": round(
            timed["run_cpu_seconds"] / timed["hand_written_run_cpu_seconds"], 2
        ),
        "hand_written_same_spikes": timed["hand_written_same_spikes"],
        "hand_written_compile_seconds_cold": timed["hand_written_compile_seconds"],
        "spikes": timed["spikes"], "rate_hz": timed["rate_hz"],
        "per_step_overhead_us_cpu": timed["per_step_overhead_us_cpu"],
        "threshold_scan_cpu_seconds": timed["threshold_scan_cpu_seconds"],
        "numba": numba.__version__, "numpy": np.__version__,
    }, indent=1))  # fmt: skip


if __name__ == "__main__":
    main()
