"""Reference values of the Song, Miller & Abbott (2000) STDP example (Brian 2 examples/STDP.py).

1000 Poisson inputs at 15 Hz drive one conductance-based LIF neuron through additive, clipped
pair-based STDP synapses (gmax = 0.01, dApre = 0.01*gmax, dApost = -1.05*dApre). After 100 s
the weights split into two groups near 0 and near gmax. `collect` compiles the example once as
C++ standalone (10^6 steps are slow in runtime mode) and runs it several times, storing
reference_values.json["stdp_song_2000"]; `run` does one seeded cython-runtime run and prints
its timing and summary as JSON.
Usage: values_stdp.py collect [--runs 5] [--duration 100]
       values_stdp.py run --seed 1 [--duration 10]
"""

import argparse
import json
import tempfile
import time

import numpy as np

SCRIPT = "values_stdp.py"
N_INPUTS = 1000
GMAX = 0.01
NEAR = 0.1  # "near 0" is w < 0.1*gmax, "near gmax" is w > 0.9*gmax


def build_model():
    """Build the example (after choosing the device); return (network, synapses, spikes)."""
    import brian2 as b2
    from brian2 import Hz, ms, mV

    b2.defaultclock.dt = 0.1 * ms
    taupre = taupost = 20 * ms
    d_apre = 0.01 * GMAX
    d_apost = -0.01 * taupre / taupost * 1.05 * GMAX
    namespace = {
        "taum": 10 * ms,
        "Ee": 0 * mV,
        "vt": -54 * mV,
        "vr": -60 * mV,
        "El": -74 * mV,
        "taue": 5 * ms,
        "taupre": taupre,
        "taupost": taupost,
        "gmax": GMAX,
        "dApre": d_apre,
        "dApost": d_apost,
    }
    inputs = b2.PoissonGroup(N_INPUTS, rates=15 * Hz)
    neuron = b2.NeuronGroup(
        1,
        "dv/dt = (ge * (Ee-vr) + El - v) / taum : volt\ndge/dt = -ge / taue : 1",
        threshold="v>vt",
        reset="v = vr",
        method="exact",
        namespace=namespace,
    )
    synapses = b2.Synapses(
        inputs,
        neuron,
        """w : 1
        dApre/dt = -Apre / taupre : 1 (event-driven)
        dApost/dt = -Apost / taupost : 1 (event-driven)""",
        on_pre="ge += w\nApre += dApre\nw = clip(w + Apost, 0, gmax)",
        on_post="Apost += dApost\nw = clip(w + Apre, 0, gmax)",
        namespace=namespace,
    )
    synapses.connect()
    synapses.w = "rand() * gmax"
    output_spikes = b2.SpikeMonitor(neuron)
    network = b2.Network(inputs, neuron, synapses, output_spikes)
    return network, synapses, output_spikes


def summarise(weights_over_gmax, output_spike_times_s, duration_s: float) -> dict:
    """Bimodality of the final weights and the output neuron's rate."""
    weights = np.asarray(weights_over_gmax)
    spike_times = np.asarray(output_spike_times_s)
    last_10_s = np.count_nonzero(spike_times >= duration_s - 10) / min(10.0, duration_s)
    histogram, _ = np.histogram(weights, bins=20, range=(0, 1))
    return {
        "fraction_near_0": float(np.mean(weights < NEAR)),
        "fraction_near_gmax": float(np.mean(weights > 1 - NEAR)),
        "mean_w_over_gmax": float(weights.mean()),
        "output_rate_hz": float(len(spike_times) / duration_s),
        "output_rate_last_10s_hz": float(last_10_s),
        "histogram_20_bins": histogram.tolist(),
    }


def simulate_runtime(seed: int, duration_s: float) -> dict:
    """One seeded run in the cython runtime, timing the time-step loop."""
    import brian2 as b2
    from brian2 import second

    b2.prefs.codegen.target = "cython"
    b2.seed(seed)
    network, synapses, spikes = build_model()
    start, start_cpu = time.perf_counter(), time.process_time()
    network.run(duration_s * second)
    result = summarise(np.array(synapses.w) / GMAX, spikes.t / second, duration_s)
    result.update(
        seed=seed,
        mode="cython",
        duration_s=duration_s,
        run_call_wall_s=time.perf_counter() - start,
        run_call_cpu_s=time.process_time() - start_cpu,
        loop_wall_s=b2.device._last_run_time,
    )
    return result


def collect(n_runs: int, duration_s: float) -> None:
    """Compile the example once as C++ standalone and run the binary n_runs times.

    The binary is not given a seed, so each run seeds its generator from std::random_device:
    the runs are independent samples but cannot be replayed one by one.
    """
    import brian2 as b2
    from brian2 import second
    from reference_store import record, save_data, spread

    directory = tempfile.mkdtemp(prefix="brian2_stdp_")
    b2.set_device("cpp_standalone", build_on_run=False, directory=directory)
    network, synapses, spikes = build_model()
    network.run(duration_s * second)
    start = time.perf_counter()
    b2.device.build(directory=directory, compile=True, run=False)
    compile_wall_s = time.perf_counter() - start
    runs = []
    for run_index in range(n_runs):
        start = time.perf_counter()
        b2.device.run(directory=directory, results_directory=f"results_{run_index}")
        result = summarise(np.array(synapses.w) / GMAX, spikes.t / second, duration_s)
        result.update(
            run=run_index,
            binary_wall_s=time.perf_counter() - start,
            loop_wall_s=b2.device._last_run_time,
        )
        runs.append(result)
        print(result, flush=True)
    path = save_data("stdp_song_2000_runs.json", runs)
    keys = (
        "fraction_near_0",
        "fraction_near_gmax",
        "mean_w_over_gmax",
        "output_rate_hz",
        "output_rate_last_10s_hz",
        "loop_wall_s",
    )
    entry = {key: spread([run[key] for run in runs]) for key in keys}
    entry.update(
        n_seeds=n_runs,
        seeds="std::random_device per run",
        duration_s=duration_s,
        mode="cpp_standalone",
        compile_wall_s=compile_wall_s,
        data_file=path,
        histogram_20_bins_mean=np.mean([r["histogram_20_bins"] for r in runs], axis=0).tolist(),
        description="Brian 2 examples/synapses/STDP.py: N = 1000 Poisson inputs at 15 Hz, "
        "taum 10 ms, Ee 0, vt -54 mV, vr -60 mV, El -74 mV, taue 5 ms, taupre = taupost = 20 ms,"
        " gmax 0.01, dApre 0.01*gmax, dApost -1.05*dApre, w(0) = rand()*gmax, exact, dt 0.1 ms;"
        " fractions of final weights (w/gmax) below 0.1 and above 0.9; histogram over [0, 1] in"
        " 20 bins; loop_wall_s: the binary's time-step loop on a shared, loaded 2-core machine",
    )
    record("stdp_song_2000", "final_weights", entry, SCRIPT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["run", "collect"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5, help="standalone runs for collect")
    parser.add_argument("--duration", type=float, default=100.0, help="simulated seconds")
    parser.add_argument("--mode", choices=["cython", "cpp_standalone"], default="cpp_standalone")
    args = parser.parse_args()
    if args.action == "run":
        print(json.dumps(simulate_runtime(args.seed, args.duration)))
    else:
        collect(args.runs, args.duration)


if __name__ == "__main__":
    main()
