"""Reference values of Brunel & Hakim (1999): sparse inhibitory network with fast oscillations.

Parameters are those of Brian 2's examples/frompapers/Brunel_Hakim_1999.py (N = 5000, C = 1000,
sparseness C/N = 0.2, J = 0.1 mV, delay 2 ms, mu_ext = 25 mV, sigma_ext = 1 mV, refractory 2 ms,
Euler-Maruyama, dt 0.1 ms). The example runs 100 ms; here each seed runs 1 s and reports the
mean rate over the first 100 ms (the example's run) and over 0.1-1 s, and the frequency of the
population oscillation (peak of the population-rate spectrum over 0.1-1 s).
Results: reference_values.json["brunel_hakim_1999"]. Usage: values_brunel_hakim.py [--seeds 5]
"""

import argparse

import brian2 as b2
import numpy as np
from brian2 import ms, mV, second
from reference_store import record, spread
from spike_statistics import firing_statistics, oscillation_frequency

SCRIPT = "values_brunel_hakim.py"
N_NEURONS = 5000
PARAMETERS = {
    "Vr": 10 * mV,
    "theta": 20 * mV,
    "tau": 20 * ms,
    "J": 0.1 * mV,
    "muext": 25 * mV,
    "sigmaext": 1 * mV,
}
CONNECTIONS_PER_NEURON = 1000
DELAY = 2 * ms
REFRACTORY = 2 * ms
EQUATIONS = "dV/dt = (-V + muext + sigmaext * sqrt(tau) * xi) / tau : volt"


def run_seed(seed: int, duration) -> dict:
    b2.seed(seed)
    group = b2.NeuronGroup(
        N_NEURONS,
        EQUATIONS,
        threshold="V>theta",
        reset="V=Vr",
        refractory=REFRACTORY,
        method="euler",
        namespace=PARAMETERS,
    )
    group.V = PARAMETERS["Vr"]
    synapses = b2.Synapses(group, group, on_pre="V += -J", delay=DELAY, namespace=PARAMETERS)
    synapses.connect(p=CONNECTIONS_PER_NEURON / N_NEURONS)
    spikes = b2.SpikeMonitor(group)
    b2.Network(group, synapses, spikes).run(duration)
    times = np.asarray(spikes.t / second)
    indices = np.asarray(spikes.i)
    early = times < 0.1
    late = ~early
    stats_late = firing_statistics(
        indices[late], times[late], N_NEURONS, float(duration / second) - 0.1
    )
    oscillation = oscillation_frequency(times, N_NEURONS, 0.1, float(duration / second))
    return {
        "synapses": len(synapses),
        "rate_first_100ms_hz": float(early.sum() / (N_NEURONS * 0.1)),
        "rate_hz": stats_late["mean_rate_hz"],
        "cv_isi": stats_late["cv_isi"],
        "fraction_active": stats_late["fraction_active"],
        "oscillation_hz": oscillation["peak_hz"],
        "oscillation_resolution_hz": oscillation["resolution_hz"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--duration", type=float, default=1.0, help="seconds per seed")
    args = parser.parse_args()
    b2.prefs.codegen.target = "cython"
    b2.defaultclock.dt = 0.1 * ms
    seeds = list(range(1, args.seeds + 1))
    per_seed = []
    for seed in seeds:
        per_seed.append(run_seed(seed, args.duration * second))
        print(seed, per_seed[-1], flush=True)
    entry = {key: spread([s[key] for s in per_seed]) for key in per_seed[0]}
    entry.update(
        n_seeds=len(seeds),
        seeds=seeds,
        duration_s=args.duration,
        parameters="N 5000, C 1000 (p 0.2), J 0.1 mV, delay 2 ms, Vr 10 mV, theta 20 mV, "
        "tau 20 ms, refractory 2 ms, mu_ext 25 mV, sigma_ext 1 mV, V(0) = Vr, euler, dt 0.1 ms",
        description="rate_hz, cv_isi, fraction_active over [0.1, T) s; rate_first_100ms_hz over "
        "the example's 100 ms; oscillation_hz: peak of the Welch spectrum (200 ms Hann "
        "segments, parabolic interpolation) of the 0.1 ms-binned population rate in [0.1, T) s",
    )
    record("brunel_hakim_1999", "network", entry, SCRIPT)


if __name__ == "__main__":
    main()
