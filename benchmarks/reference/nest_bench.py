"""Time one NEST benchmark run (closest NEST models to BENCHMARKS.md) and print one JSON line.

Model mapping (see README.md for the reasoning):
  cuba     -> iaf_psc_exp: C_m dV/dt = -C_m (V - E_L)/tau_m + I_ex + I_in, exponential currents.
              Brian's voltage jump ge += 1.62 mV equals a current jump of C_m * 1.62 mV / tau_m
              (20.25 pA for C_m = 250 pF), so the equations are identical and both are integrated
              exactly. Differences: NEST's minimum delay is one step (0.1 ms; Brian's is 0) and
              NEST's threshold is V >= V_th (Brian's v > Vt).
  coba     -> iaf_cond_exp: same equations, integrated with GSL's adaptive RKF45 (Brian: Euler).
              NEST marks inhibitory conductance synapses by a negative weight (-67 nS raises
              g_in by 67 nS).
  cobahh   -> hh_cond_exp_traub (Traub-Miles HH with exponential conductances, as in Brette et
              al. 2007 benchmark 3); NEST detects a spike when V_m rises above V_T + 30 mV and
              then turns down, not at v > -20 mV. Its gating variables start at their
              resting values (Brian's example starts m = n = h = 0) and g_ex, g_in cannot be
              set, so they start at 0.
  overhead -> one iaf_psc_exp neuron without input (tau_m = 10 ms), 100 000 steps.
Usage: python nest_bench.py MODEL [--n N] [--p P] [--duration SECONDS] [--seed S] [--threads T]
                            [--rule bernoulli|indegree]
"""

import argparse
import os
import time

from measure import emit

os.environ.setdefault("PYNEST_QUIET", "1")
import nest  # noqa: E402  (PYNEST_QUIET must be set before the import)
import numpy as np  # noqa: E402

DT_MS = 0.1
MIN_DELAY_MS = DT_MS
OVERHEAD_STEPS = 100_000
EXCITATORY_FRACTION = 0.8

AREA_CM2 = 20000e-8  # 20000 um^2
COBA_NEURON = {
    "C_m": 1.0 * AREA_CM2 * 1e6,  # 1 uF/cm^2 -> 200 pF
    "g_L": 5e-5 * AREA_CM2 * 1e9,  # 5e-5 S/cm^2 -> 10 nS
    "E_L": -60.0,
    "V_th": -50.0,
    "V_reset": -60.0,
    "E_ex": 0.0,
    "E_in": -80.0,
    "tau_syn_ex": 5.0,
    "tau_syn_in": 10.0,
    "t_ref": 5.0,
}
CUBA_C_M_PF = 250.0
CUBA_TAU_M_MS = 20.0
CUBA_NEURON = {
    "C_m": CUBA_C_M_PF,
    "tau_m": CUBA_TAU_M_MS,
    "E_L": -49.0,
    "V_th": -50.0,
    "V_reset": -60.0,
    "tau_syn_ex": 5.0,
    "tau_syn_in": 10.0,
    "t_ref": 5.0,
}
HH_NEURON = {
    "C_m": COBA_NEURON["C_m"],
    "g_L": COBA_NEURON["g_L"],
    "E_L": -60.0,
    "g_Na": 100e-3 * AREA_CM2 * 1e9,  # 100 mS/cm^2 -> 20000 nS
    "g_K": 30e-3 * AREA_CM2 * 1e9,  # 30 mS/cm^2 -> 6000 nS
    "E_Na": 50.0,
    "E_K": -90.0,
    "V_T": -63.0,
    "E_ex": 0.0,
    "E_in": -80.0,
    "tau_syn_ex": 5.0,
    "tau_syn_in": 10.0,
    "t_ref": 3.0,
}


def cuba_weights() -> tuple[float, float]:
    """Current jumps (pA) equivalent to Brian's voltage jumps of 1.62 mV and -9 mV."""
    return CUBA_C_M_PF * 1.62 / CUBA_TAU_M_MS, CUBA_C_M_PF * -9.0 / CUBA_TAU_M_MS


RULE = ["bernoulli"]  # set by --rule


def connect_ei(neurons, n_neurons: int, p: float, w_exc: float, w_inh: float) -> None:
    """Bernoulli(p) connections from the first 80 % (excitatory) and last 20 % onto everyone;
    with --rule indegree, exactly round(p * sources) inputs from each part per neuron (NEST's
    pairwise_bernoulli tries every pair, which takes hours at 256k neurons)."""
    n_exc = int(EXCITATORY_FRACTION * n_neurons)
    for sources, weight in ((neurons[:n_exc], w_exc), (neurons[n_exc:], w_inh)):
        if RULE[0] == "bernoulli":
            rule = {"rule": "pairwise_bernoulli", "p": p, "allow_autapses": True}
        else:
            rule = {"rule": "fixed_indegree", "indegree": int(round(p * len(sources)))}
        nest.Connect(sources, neurons, rule, {"weight": weight, "delay": MIN_DELAY_MS})


def set_coba_initial_state(
    neurons, n_neurons: int, rng: np.random.Generator, conductances: bool = True
) -> None:
    """Initial values of BENCHMARKS.md: v = El + (randn*5 - 5) mV, ge, gi in nS."""
    neurons.set(V_m=list(-60.0 + rng.standard_normal(n_neurons) * 5 - 5))
    if conductances:  # hh_cond_exp_traub does not expose g_ex, g_in: they start at 0
        neurons.set(
            g_ex=list((rng.standard_normal(n_neurons) * 1.5 + 4) * 10),
            g_in=list((rng.standard_normal(n_neurons) * 12 + 20) * 10),
        )


def build(model: str, n_neurons: int, p: float, seed: int):
    """Create and connect the model; return (neurons, spike_recorder or None)."""
    rng = np.random.default_rng(seed)
    if model == "overhead":
        neuron = nest.Create("iaf_psc_exp", 1, {"tau_m": 10.0, "E_L": 0.0, "V_m": 1.0})
        return neuron, None
    if model == "cuba":
        neurons = nest.Create("iaf_psc_exp", n_neurons, CUBA_NEURON)
        neurons.set(V_m=list(-60.0 + rng.random(n_neurons) * 10.0))  # Vr + rand()*(Vt - Vr)
        connect_ei(neurons, n_neurons, p, *cuba_weights())
    elif model == "coba":
        neurons = nest.Create("iaf_cond_exp", n_neurons, COBA_NEURON)
        set_coba_initial_state(neurons, n_neurons, rng)
        connect_ei(neurons, n_neurons, p, 6.0, -67.0)
    elif model == "cobahh":
        neurons = nest.Create("hh_cond_exp_traub", n_neurons, HH_NEURON)
        set_coba_initial_state(neurons, n_neurons, rng, conductances=False)
        connect_ei(neurons, n_neurons, p, 6.0, -67.0)
    else:
        raise ValueError(f"unknown model {model!r}; expected cuba, coba, cobahh or overhead")
    recorder = nest.Create("spike_recorder")
    nest.Connect(neurons, recorder)
    return neurons, recorder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", choices=["cuba", "coba", "cobahh", "overhead"])
    parser.add_argument("--n", type=int, default=None)
    parser.add_argument("--p", type=float, default=None)
    parser.add_argument("--duration", type=float, default=1.0, help="simulated seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rule", choices=["bernoulli", "indegree"], default="bernoulli")
    args = parser.parse_args()
    RULE[0] = args.rule
    n_neurons = args.n or (1 if args.model == "overhead" else 4000)
    p = args.p if args.p is not None else (0.0 if args.model == "overhead" else 80 / n_neurons)
    duration_ms = OVERHEAD_STEPS * DT_MS if args.model == "overhead" else args.duration * 1000

    nest.verbosity = nest.VerbosityLevel.ERROR
    nest.ResetKernel()
    nest.SetKernelStatus(
        {"resolution": DT_MS, "local_num_threads": args.threads, "rng_seed": args.seed}
    )
    start = time.perf_counter()
    neurons, recorder = build(args.model, n_neurons, p, args.seed)
    nest.Prepare()  # calibration and buffer allocation: counted as build
    build_s = time.perf_counter() - start
    start, start_cpu = time.perf_counter(), time.process_time()
    nest.Run(duration_ms)
    run_s = time.perf_counter() - start
    run_cpu_s = time.process_time() - start_cpu
    nest.Cleanup()

    spikes = int(recorder.get("n_events")) if recorder is not None else 0
    n_synapses = nest.GetKernelStatus("num_connections") - (n_neurons if recorder else 0)
    simulated_s = duration_ms / 1000
    result = {
        "simulator": f"nest {nest.__version__}",
        "mode": f"{args.threads} thread"
        + ("s" if args.threads > 1 else "")
        + ("" if args.rule == "bernoulli" else ", fixed in-degree"),
        "model": args.model,
        "N": n_neurons,
        "p": p,
        "seed": args.seed,
        "synapses": int(n_synapses),
        "simulated_s": simulated_s,
        "build_s": build_s,
        "compile_s": 0.0,
        "run_s": run_s,
        "run_cpu_s": run_cpu_s,
        "spikes": spikes,
        "mean_rate_hz": spikes / (n_neurons * simulated_s),
    }
    if args.model == "overhead":
        result["per_step_us"] = run_s / OVERHEAD_STEPS * 1e6
        if result.get("run_cpu_s") is not None:
            result["per_step_cpu_us"] = result["run_cpu_s"] / OVERHEAD_STEPS * 1e6
    emit(result)


if __name__ == "__main__":
    main()
