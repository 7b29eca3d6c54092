"""Time one axonal benchmark run in this process and print one JSON line (as the reference does).

Usage: python benchmarks/axonal_bench.py MODEL [--target numpy|numba] [--n N] [--p P]
                                              [--duration SECONDS] [--seed K] [--steps STEPS]
Models (see /work/shared/BENCHMARKS.md): cuba, coba, cobahh, cuba_scaling (p = 80/N), overhead
(one neuron, 100 000 steps), brunel_hakim (as examples/brunel_hakim.py), stdp (as
examples/stdp_song.py). The models mirror benchmarks/reference/brian2_models.py line for line.

What each field means (wall-clock seconds unless the name says cpu):
- build_s: creating the objects, setting initial values, connect() and the monitors.
- run_s: the time-step loop. run() reports progress (to a callback) every 0.1 s of wall time,
  and the numba target's one-loop run also after its first 100 steps. Numba compiles each
  function at its first call, inside the loop's first step(s), so run_s is the loop's speed
  from the first report to the last times its whole length (seconds per step x steps). When
  the loop ends before any intermediate report: the elapsed time of the final report (the
  loop's own timer, as Brian 2's ``_last_run_time``), compilation included.
- compile_s: the rest of the run() call (run_call_s - run_s): code generation, compilation or
  loading from the kernel cache, and the set-up and copy-back around the loop.
- run_cpu_s: CPU seconds of the loop, as run_s from the CPU time at the reports (None without
  an intermediate report). run_call_cpu_s: CPU seconds of the whole run() call.
- total_s, cpu_s, peak_rss_mb, load_avg_1min: from benchmarks/reference/measure.py.
- bytes_per_synapse: bytes of the Synapses objects' stored arrays (indices, weights, delays,
  synaptic variables) per synapse, after the run, each array once (the storage indices of a
  group that is not a subgroup are its indices); the spike queues' own tables are not counted.
- rss_before_build_mb: resident memory before the model is built (interpreter, imports);
  build_peak_rss_mb: the peak after building (connect() included), before the run.
  peak_rss_mb minus rss_before_build_mb, per synapse, is build_run_bytes_per_synapse (it holds
  Numba's compiler too: compare sizes to see the part per synapse).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent / "reference"))
from measure import cpu_seconds, emit, peak_rss_mb  # noqa: E402  (reference folder is not a package)

import axonal  # noqa: E402
from axonal import (  # noqa: E402
    Hz,
    Network,
    NeuronGroup,
    PoissonGroup,
    SpikeMonitor,
    Synapses,
    cm,
    defaultclock,
    ms,
    msiemens,
    mV,
    nS,
    second,
    seed,
    set_target,
    siemens,
    ufarad,
    umetre,
)

DT = 0.1 * ms
OVERHEAD_STEPS = 100_000
EXCITATORY_FRACTION = 0.8
# run()'s report period: long enough to cost nothing, short enough for a first report early in
# the loop, from which the loop's CPU seconds are counted.
REPORT_PERIOD = 0.1 * second

CUBA_EQUATIONS = """
dv/dt  = (ge + gi - (v - El)) / taum : volt (unless refractory)
dge/dt = -ge / taue : volt
dgi/dt = -gi / taui : volt
"""
CUBA_PARAMETERS = {
    "taum": 20 * ms,
    "taue": 5 * ms,
    "taui": 10 * ms,
    "Vt": -50 * mV,
    "Vr": -60 * mV,
    "El": -49 * mV,
    "we": 60 * 0.27 / 10 * mV,  # 1.62 mV
    "wi": -20 * 4.5 / 10 * mV,  # -9 mV
}

AREA = 20000 * umetre**2
COBA_PARAMETERS = {
    "Cm": (1 * ufarad * cm**-2) * AREA,
    "gl": (5e-5 * siemens * cm**-2) * AREA,
    "El": -60 * mV,
    "Vt": -50 * mV,
    "Vr": -60 * mV,
    "Ee": 0 * mV,
    "Ei": -80 * mV,
    "taue": 5 * ms,
    "taui": 10 * ms,
    "we": 6 * nS,
    "wi": 67 * nS,
}
COBA_EQUATIONS = """
dv/dt  = (gl*(El - v) + ge*(Ee - v) + gi*(Ei - v)) / Cm : volt (unless refractory)
dge/dt = -ge / taue : siemens
dgi/dt = -gi / taui : siemens
"""

COBAHH_PARAMETERS = dict(
    COBA_PARAMETERS,
    EK=-90 * mV,
    ENa=50 * mV,
    g_na=(100 * msiemens * cm**-2) * AREA,
    g_kd=(30 * msiemens * cm**-2) * AREA,
    VT=-63 * mV,
)
COBAHH_EQUATIONS = """
dv/dt = (gl*(El-v) + ge*(Ee-v) + gi*(Ei-v)
         - g_na*(m*m*m)*h*(v-ENa) - g_kd*(n*n*n*n)*(v-EK)) / Cm : volt
dm/dt = alpha_m*(1-m) - beta_m*m : 1
dn/dt = alpha_n*(1-n) - beta_n*n : 1
dh/dt = alpha_h*(1-h) - beta_h*h : 1
dge/dt = -ge / taue : siemens
dgi/dt = -gi / taui : siemens
alpha_m = 0.32*(mV**-1)*(13*mV-v+VT)/(exp((13*mV-v+VT)/(4*mV))-1.)/ms : Hz
beta_m = 0.28*(mV**-1)*(v-VT-40*mV)/(exp((v-VT-40*mV)/(5*mV))-1)/ms : Hz
alpha_h = 0.128*exp((17*mV-v+VT)/(18*mV))/ms : Hz
beta_h = 4./(1+exp((40*mV-v+VT)/(5*mV)))/ms : Hz
alpha_n = 0.032*(mV**-1)*(15*mV-v+VT)/(exp((15*mV-v+VT)/(5*mV))-1.)/ms : Hz
beta_n = .5*exp((10*mV-v+VT)/(40*mV))/ms : Hz
"""

OVERHEAD_EQUATIONS = "dv/dt = -v / (10*ms) : 1"

BRUNEL_HAKIM_PARAMETERS = {
    "Vr": 10 * mV,
    "theta": 20 * mV,
    "tau": 20 * ms,
    "J": 0.1 * mV,
    "muext": 25 * mV,
    "sigmaext": 1 * mV,
}
BRUNEL_HAKIM_EQUATIONS = "dV/dt = (-V + muext + sigmaext * sqrt(tau) * xi) / tau : volt"
BRUNEL_HAKIM_CONNECTIONS = 1000  # inputs per neuron (C)

STDP_PARAMETERS = {
    "taum": 10 * ms,
    "taupre": 20 * ms,
    "taupost": 20 * ms,
    "Ee": 0 * mV,
    "vt": -54 * mV,
    "vr": -60 * mV,
    "El": -74 * mV,
    "taue": 5 * ms,
    "gmax": 0.01,
    "dApre": 0.01 * 0.01,  # dApre * gmax
    "dApost": -0.01 * 1.05 * 0.01,  # -dApre * taupre / taupost * 1.05 * gmax
}
STDP_NEURON_EQUATIONS = """
dv/dt = (ge * (Ee - vr) + El - v) / taum : volt
dge/dt = -ge / taue : 1
"""
STDP_SYNAPSE_MODEL = """
w : 1
dApre/dt = -Apre / taupre : 1 (event-driven)
dApost/dt = -Apost / taupost : 1 (event-driven)
"""
STDP_ON_PRE = """
ge += w
Apre += dApre
w = clip(w + Apost, 0, gmax)
"""
STDP_ON_POST = """
Apost += dApost
w = clip(w + Apre, 0, gmax)
"""
STDP_INPUT_RATE = 15 * Hz


def _model(objects: list, group, spikes, synapses: list) -> dict:
    return {"objects": objects, "group": group, "spikes": spikes, "synapses": synapses}


def _ei_synapses(group, n_neurons: int, on_pre_e: str, on_pre_i: str, p: float, namespace):
    """Excitatory (first 80 %) and inhibitory (last 20 %) random synapses onto the whole group."""
    n_exc = int(EXCITATORY_FRACTION * n_neurons)
    exc = Synapses(group[:n_exc], group, on_pre=on_pre_e, namespace=namespace)
    inh = Synapses(group[n_exc:], group, on_pre=on_pre_i, namespace=namespace)
    exc.connect(p=p)
    inh.connect(p=p)
    return exc, inh


def cuba(n_neurons: int = 4000, p: float = 0.02) -> dict:
    """CUBA (Brette et al. 2007 benchmark 2)."""
    group = NeuronGroup(
        n_neurons,
        CUBA_EQUATIONS,
        threshold="v > Vt",
        reset="v = Vr",
        refractory=5 * ms,
        method="exact",
        namespace=CUBA_PARAMETERS,
    )
    group.v = "Vr + rand() * (Vt - Vr)"
    group.ge = 0 * mV
    group.gi = 0 * mV
    exc, inh = _ei_synapses(group, n_neurons, "ge += we", "gi += wi", p, CUBA_PARAMETERS)
    spikes = SpikeMonitor(group)
    return _model([group, exc, inh, spikes], group, spikes, [exc, inh])


def _coba_like(n_neurons: int, p: float, equations: str, parameters: dict, **options) -> dict:
    group = NeuronGroup(n_neurons, equations, namespace=parameters, **options)
    group.v = "El + (randn() * 5 - 5) * mV"
    group.ge = "(randn() * 1.5 + 4) * 10 * nS"
    group.gi = "(randn() * 12 + 20) * 10 * nS"
    exc, inh = _ei_synapses(group, n_neurons, "ge += we", "gi += wi", p, parameters)
    spikes = SpikeMonitor(group)
    return _model([group, exc, inh, spikes], group, spikes, [exc, inh])


def coba(n_neurons: int = 4000, p: float = 0.02) -> dict:
    """COBA (Brette et al. 2007 benchmark 1), Euler integration."""
    return _coba_like(
        n_neurons,
        p,
        COBA_EQUATIONS,
        COBA_PARAMETERS,
        threshold="v > Vt",
        reset="v = Vr",
        refractory=5 * ms,
        method="euler",
    )


def cobahh(n_neurons: int = 4000, p: float = 0.02) -> dict:
    """COBAHH (Brette et al. 2007 benchmark 3, Brian 2's examples/COBAHH.py)."""
    return _coba_like(
        n_neurons,
        p,
        COBAHH_EQUATIONS,
        COBAHH_PARAMETERS,
        threshold="v > -20*mV",
        refractory=3 * ms,
        method="exponential_euler",
    )


def overhead(n_neurons: int = 1, p: float = 0.0) -> dict:
    """One neuron, dv/dt = -v/(10 ms): the fixed cost of a time step."""
    group = NeuronGroup(n_neurons, OVERHEAD_EQUATIONS, method="exact")
    group.v = 1
    return _model([group], group, None, [])


def brunel_hakim(n_neurons: int = 5000, p: float | None = None) -> dict:
    """Brunel & Hakim (1999): noisy inhibitory network with 2 ms delays (examples/)."""
    p = min(1.0, BRUNEL_HAKIM_CONNECTIONS / n_neurons) if p is None else p
    group = NeuronGroup(
        n_neurons,
        BRUNEL_HAKIM_EQUATIONS,
        threshold="V > theta",
        reset="V = Vr",
        refractory=2 * ms,
        method="euler",
        namespace=BRUNEL_HAKIM_PARAMETERS,
    )
    group.V = BRUNEL_HAKIM_PARAMETERS["Vr"]
    connections = Synapses(
        group, group, on_pre="V += -J", delay=2 * ms, namespace=BRUNEL_HAKIM_PARAMETERS
    )
    connections.connect(p=p)
    spikes = SpikeMonitor(group)
    return _model([group, connections, spikes], group, spikes, [connections])


def stdp(n_inputs: int = 1000, p: float = 1.0) -> dict:
    """Song, Miller & Abbott (2000): Poisson inputs onto one neuron through STDP synapses."""
    inputs = PoissonGroup(n_inputs, rates=STDP_INPUT_RATE)
    neuron = NeuronGroup(
        1,
        STDP_NEURON_EQUATIONS,
        threshold="v > vt",
        reset="v = vr",
        method="exact",
        namespace=STDP_PARAMETERS,
    )
    plastic = Synapses(
        inputs,
        neuron,
        STDP_SYNAPSE_MODEL,
        on_pre=STDP_ON_PRE,
        on_post=STDP_ON_POST,
        namespace=STDP_PARAMETERS,
    )
    if p < 1.0:
        plastic.connect(p=p)
    else:
        plastic.connect()
    plastic.w = "rand() * gmax"
    spikes = SpikeMonitor(neuron)
    return _model([inputs, neuron, plastic, spikes], neuron, spikes, [plastic])


MODELS = {
    "cuba": cuba,
    "cuba_scaling": cuba,
    "coba": coba,
    "cobahh": cobahh,
    "overhead": overhead,
    "brunel_hakim": brunel_hakim,
    "stdp": stdp,
}
DEFAULT_SIZES = {"overhead": 1, "brunel_hakim": 5000, "stdp": 1000}


class LoopClock:
    """run()'s progress reports: the loop's speed from its first report to its last."""

    def __init__(self) -> None:
        self.reports: list[tuple[float, float, float]] = []  # (fraction, elapsed, cpu)

    def __call__(self, simulated, duration, fraction, elapsed) -> None:
        self.reports.append((float(fraction), float(elapsed / second), cpu_seconds()))

    def _steady(self, column: int) -> float | None:
        """Seconds (wall or CPU) of the whole loop at the speed after the first report."""
        if len(self.reports) < 2 or self.reports[-1][0] <= self.reports[0][0]:
            return None
        first, last = self.reports[0], self.reports[-1]
        return (last[column] - first[column]) * last[0] / (last[0] - first[0])

    @property
    def loop_s(self) -> float | None:
        steady = self._steady(1)
        if steady is not None:
            return steady
        return self.reports[-1][1] if self.reports else None

    @property
    def loop_cpu_s(self) -> float | None:
        return self._steady(2)


def default_p(model: str, n_neurons: int) -> float | None:
    """The connection probability the reference scripts use for this model and size."""
    if model == "overhead":
        return 0.0
    if model == "stdp":
        return 1.0
    if model == "brunel_hakim":
        return min(1.0, BRUNEL_HAKIM_CONNECTIONS / n_neurons)  # C = 1000 inputs per neuron
    return 80 / n_neurons  # 0.02 at N = 4000, as in BENCHMARKS.md


def synapse_bytes(synapses: list) -> int:
    """Bytes of the Synapses' stored NumPy arrays (indices, delays, synaptic variables), each
    array counted once (two variables may share one)."""
    arrays = {
        id(value): value
        for syn in synapses
        for value in syn.state_arrays().values()
        if isinstance(value, np.ndarray)
    }
    return sum(value.nbytes for value in arrays.values())


def resident_mb() -> float:
    """This process's resident memory now (VmRSS)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def benchmark(
    model: str, target: str, n_neurons: int, p, duration_s: float, seed_value: int, steps: int
) -> dict:
    """Build and run one model; the result dict (without the process-level fields)."""
    set_target(target)
    defaultclock.dt = DT
    seed(seed_value)
    duration = steps * DT if model == "overhead" else duration_s * second

    rss_before_build_mb = resident_mb()
    start = time.perf_counter()
    built = MODELS[model](n_neurons, p)
    network = Network(built["objects"])
    build_s = time.perf_counter() - start
    build_peak_rss_mb = peak_rss_mb()

    loop_clock = LoopClock()
    cpu_before = cpu_seconds()
    start = time.perf_counter()
    network.run(duration, report=loop_clock, report_period=REPORT_PERIOD)
    run_call_s = time.perf_counter() - start
    run_call_cpu_s = cpu_seconds() - cpu_before

    run_s = loop_clock.loop_s if loop_clock.loop_s is not None else run_call_s
    spikes = int(built["spikes"].num_spikes) if built["spikes"] is not None else 0
    n_synapses = sum(len(s) for s in built["synapses"])
    simulated_s = float(duration / second)
    n_recorded = len(built["group"])
    result = {
        "simulator": f"axonal {axonal.__version__}",
        "mode": target,
        "model": model,
        "N": n_neurons,
        "p": p,
        "seed": seed_value,
        "synapses": n_synapses,
        "simulated_s": simulated_s,
        "build_s": build_s,
        "compile_s": run_call_s - run_s,
        "run_s": run_s,
        "run_cpu_s": loop_clock.loop_cpu_s,
        "run_call_cpu_s": run_call_cpu_s,
        "spikes": spikes,
        "mean_rate_hz": spikes / (n_recorded * simulated_s),
        "bytes_per_synapse": synapse_bytes(built["synapses"]) / n_synapses if n_synapses else None,
        "rss_before_build_mb": rss_before_build_mb,
        "build_peak_rss_mb": build_peak_rss_mb,
        "build_run_bytes_per_synapse": (
            (peak_rss_mb() - rss_before_build_mb) * 2**20 / n_synapses if n_synapses else None
        ),
    }
    if model == "overhead":
        result["per_step_us"] = run_s / steps * 1e6
        if result["run_cpu_s"] is not None:
            result["per_step_cpu_us"] = result["run_cpu_s"] / steps * 1e6
    return result


def parse_arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", choices=sorted(MODELS))
    parser.add_argument("--target", choices=["numpy", "numba"], default="numba")
    parser.add_argument("--n", type=int, default=None, help="number of neurons (stdp: inputs)")
    parser.add_argument("--p", type=float, default=None, help="connection probability")
    parser.add_argument("--duration", type=float, default=1.0, help="simulated seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--steps", type=int, default=OVERHEAD_STEPS, help="overhead model's steps")
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_arguments(argv)
    n_neurons = args.n or DEFAULT_SIZES.get(args.model, 4000)
    p = args.p if args.p is not None else default_p(args.model, n_neurons)
    emit(benchmark(args.model, args.target, n_neurons, p, args.duration, args.seed, args.steps))


if __name__ == "__main__":
    main()
