"""Reference statistics of the CUBA, COBA and COBAHH benchmark networks (4000 neurons, 1 s).

Runs the models of brian2_models.py (the definitions of BENCHMARKS.md) with Brian 2's cython
runtime over several seeds and stores synapse counts, mean rate, active fraction and ISI CV in
reference_values.json["networks"]. Usage: values_networks.py [--models cuba coba] [--seeds 5]
"""

import argparse

import brian2 as b2
import brian2_models
from brian2 import ms, second
from reference_store import record, spread
from spike_statistics import firing_statistics

SCRIPT = "values_networks.py"
N_NEURONS = 4000
P_CONNECT = 0.02
DURATION = 1 * second


def run_seed(model_name: str, seed: int) -> dict:
    b2.seed(seed)
    model = brian2_models.MODELS[model_name](N_NEURONS, P_CONNECT)
    b2.Network(model["objects"]).run(DURATION)
    exc, inh = model["synapses"]
    spikes = model["spikes"]
    stats = firing_statistics(spikes.i[:], spikes.t[:] / second, N_NEURONS, float(DURATION))
    stats.update(exc_synapses=len(exc), inh_synapses=len(inh), synapses=len(exc) + len(inh))
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["cuba", "coba", "cobahh"])
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    b2.prefs.codegen.target = "cython"
    b2.defaultclock.dt = 0.1 * ms
    seeds = list(range(1, args.seeds + 1))
    for model_name in args.models:
        per_seed = [run_seed(model_name, seed) for seed in seeds]
        entry = {key: spread([s[key] for s in per_seed]) for key in per_seed[0]}
        entry.update(
            n_seeds=len(seeds),
            seeds=seeds,
            N=N_NEURONS,
            p=P_CONNECT,
            duration_s=1.0,
            description=f"{model_name} as defined in /work/shared/BENCHMARKS.md (brian2_models.py),"
            " cython runtime, dt 0.1 ms; cv_isi: mean over neurons with >= 3 spikes of "
            "std/mean of their ISIs over the whole second; fraction_active: neurons with >= 1 "
            "spike. Each field holds mean, std (ddof 1), min, max, samples over seeds.",
        )
        record("networks", model_name, entry, SCRIPT)
        print(
            model_name,
            {k: round(v["mean"], 4) for k, v in entry.items() if isinstance(v, dict)},
            flush=True,
        )


if __name__ == "__main__":
    main()
