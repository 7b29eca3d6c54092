"""Reference values from Brian 2's tutorial part 2 (synapses), measured with Brian 2.

Deterministic cells store exact spike times and voltages; the random connectivity cell stores
synapse counts over seeds; the STDP-window cell is compared with the analytic pair rule.
Results go to reference_values.json["tutorial2"]. Usage: values_tutorial2.py [--seeds 10]
"""

import argparse

import brian2 as b2
import numpy as np
from brian2 import ms, umetre
from reference_store import record, save_data, spread

SCRIPT = "values_tutorial2.py"
NEURON_EQUATIONS = """
dv/dt = (I-v)/tau : 1
I : 1
tau : second
"""


def driven_pair(
    n_neurons: int,
    synapse_model: str | None,
    on_pre: str,
    targets: list[int],
    weights: str | None,
    delays: str | None,
    duration,
) -> dict:
    """Neuron 0 (I = 2, tau 10 ms) drives the others (I = 0, tau 100 ms) through synapses."""
    group = b2.NeuronGroup(
        n_neurons, NEURON_EQUATIONS, threshold="v>1", reset="v = 0", method="exact"
    )
    group.I = [2] + [0] * (n_neurons - 1)
    group.tau = np.array([10] + [100] * (n_neurons - 1)) * ms
    synapses = b2.Synapses(group, group, synapse_model or "", on_pre=on_pre)
    synapses.connect(i=0, j=targets)
    if weights is not None:
        synapses.w = weights
    if delays is not None:
        synapses.delay = delays
    voltages = b2.StateMonitor(group, "v", record=True)
    spikes = b2.SpikeMonitor(group)
    b2.Network(group, synapses, voltages, spikes).run(duration)
    return {
        "spike_times_ms": {
            str(k): [round(float(t / ms), 6) for t in v] for k, v in spikes.spike_trains().items()
        },
        "v_final": [float(v) for v in group.v],
        "v_max": [float(v.max()) for v in voltages.v],
        "trace_every_1ms": [[float(x) for x in v[::10]] for v in voltages.v],
    }


def deterministic_cells() -> None:
    cells = {
        "simplest_synapse": (
            2,
            None,
            "v_post += 0.2",
            [1],
            None,
            None,
            100 * ms,
            "2 neurons, I = [2, 0], tau = [10, 100] ms, threshold v>1, "
            "reset v = 0, exact; Synapses on_pre 'v_post += 0.2', "
            "connect(i=0, j=1); run 100 ms",
        ),
        "weights": (
            3,
            "w : 1",
            "v_post += w",
            [1, 2],
            "j*0.2",
            None,
            50 * ms,
            "3 neurons, I = [2, 0, 0], tau = [10, 100, 100] ms; 'w : 1', "
            "on_pre 'v_post += w', connect(i=0, j=[1, 2]), w = 'j*0.2'; run 50 ms",
        ),
        "delays": (
            3,
            "w : 1",
            "v_post += w",
            [1, 2],
            "j*0.2",
            "j*2*ms",
            50 * ms,
            "as weights with delay = 'j*2*ms'; run 50 ms",
        ),
    }
    for name, (n, model, on_pre, targets, weights, delays, duration, text) in cells.items():
        result = driven_pair(n, model, on_pre, targets, weights, delays, duration)
        path = save_data(f"tutorial2_{name}_traces.json", result["trace_every_1ms"])
        record(
            "tutorial2",
            name,
            {
                "spike_times_ms": result["spike_times_ms"],
                "v_final": result["v_final"],
                "v_max": result["v_max"],
                "trace_file": path,
                "description": text + "; traces: v of every neuron at 0, 1, 2, ... ms",
            },
            SCRIPT,
        )


def connectivity(seeds: list[int]) -> None:
    """Synapse counts of the connectivity cells (N = 10) and the distance-dependent weights."""
    n = 10
    group = b2.NeuronGroup(n, "v : 1")
    counts = {}
    for label, kwargs in {
        "condition_abs_i_minus_j_lt_4": {"condition": "abs(i-j)<4 and i!=j"},
        "generator_range_i_minus_3_to_i_plus_3": {
            "j": "k for k in range(i-3, i+4) if i!=k",
            "skip_if_invalid": True,
        },
        "one_to_one_j_equals_i": {"j": "i"},
    }.items():
        synapses = b2.Synapses(group, group)
        synapses.connect(**kwargs)
        counts[label] = len(synapses)
    random_counts = []
    for seed in seeds:
        b2.seed(seed)
        synapses = b2.Synapses(group, group)
        synapses.connect(condition="i!=j", p=0.2)
        random_counts.append(len(synapses))
    record(
        "tutorial2",
        "connectivity_counts",
        dict(
            counts,
            n_seeds=0,
            description=(
                "N = 10 neurons, Synapses(G, G).connect(...) with the given condition/generator: "
                "number of synapses"
            ),
        ),
        SCRIPT,
    )
    record(
        "tutorial2",
        "connectivity_random_p02",
        dict(
            spread(random_counts),
            expected=90 * 0.2,
            description=(
                "N = 10, connect(condition='i!=j', p=0.2): number of synapses (binomial(90, 0.2))"
            ),
        ),
        SCRIPT,
    )

    n, spacing = 30, 50 * umetre
    width = n / 4.0 * spacing
    located = b2.NeuronGroup(n, "x : metre", namespace={"neuron_spacing": spacing})
    located.x = "i*neuron_spacing"
    synapses = b2.Synapses(located, located, "w : 1", namespace={"width": width})
    synapses.connect(condition="i!=j")
    synapses.w = "exp(-(x_pre-x_post)**2/(2*width**2))"
    weights = np.array(synapses.w)
    record(
        "tutorial2",
        "distance_dependent_weights",
        {
            "synapses": len(synapses),
            "sum_w": float(weights.sum()),
            "min_w": float(weights.min()),
            "max_w": float(weights.max()),
            "w_from_0": [float(w) for w in synapses.w[0, :]],
            "description": "N = 30, x = i*50 um, width = N/4*50 um, connect(condition='i!=j'), "
            "w = exp(-(x_pre-x_post)**2/(2*width**2))",
        },
        SCRIPT,
    )


def stdp_window() -> None:
    """The tutorial's STDP cell: 100 pairs with t_post - t_pre spread over [-50, 50] ms."""
    taupre = taupost = 20 * ms
    a_pre = 0.01
    a_post = -a_pre * taupre / taupost * 1.05
    tmax = 50 * ms
    n = 100
    namespace = {
        "taupre": taupre,
        "taupost": taupost,
        "Apre": a_pre,
        "Apost": a_post,
        "tmax": tmax,
        "N": n,
    }
    pre = b2.NeuronGroup(
        n, "tspike : second", threshold="t>tspike", refractory=100 * ms, namespace=namespace
    )
    post = b2.NeuronGroup(
        n, "tspike : second", threshold="t>tspike", refractory=100 * ms, namespace=namespace
    )
    pre.tspike = "i*tmax/(N-1)"
    post.tspike = "(N-1-i)*tmax/(N-1)"
    synapses = b2.Synapses(
        pre,
        post,
        """w : 1
        dapre/dt = -apre/taupre : 1 (event-driven)
        dapost/dt = -apost/taupost : 1 (event-driven)""",
        on_pre="apre += Apre\nw = w + apost",
        on_post="apost += Apost\nw = w + apre",
        namespace=namespace,
    )
    synapses.connect(j="i")
    pre_spikes, post_spikes = b2.SpikeMonitor(pre), b2.SpikeMonitor(post)
    b2.Network(pre, post, synapses, pre_spikes, post_spikes).run(tmax + 1 * ms)
    t_pre = np.array([pre_spikes.spike_trains()[k][0] / ms for k in range(n)])
    t_post = np.array([post_spikes.spike_trains()[k][0] / ms for k in range(n)])
    delta_t = t_post - t_pre
    measured = np.array(synapses.w)
    analytic = np.where(
        delta_t > 0,
        a_pre * np.exp(-delta_t / 20.0),
        np.where(delta_t < 0, a_post * np.exp(delta_t / 20.0), np.nan),
    )
    exact = ~np.isnan(analytic)
    path = save_data(
        "tutorial2_stdp_window.json",
        {
            "delta_t_ms": delta_t.round(6).tolist(),
            "w": measured.tolist(),
            "analytic": [None if np.isnan(a) else float(a) for a in analytic],
        },
    )
    record(
        "tutorial2",
        "stdp_window",
        {
            "data_file": path,
            "formula": "dw = Apre*exp(-dt/taupre) for dt = t_post - t_pre > 0; "
            "dw = Apost*exp(dt/taupost) for dt < 0; Apre = 0.01, "
            "Apost = -Apre*taupre/taupost*1.05 = -0.0105, taupre = taupost = 20 ms",
            "max_abs_error_vs_analytic": float(np.max(np.abs(measured[exact] - analytic[exact]))),
            "w_at_dt_0": [float(w) for w in measured[~exact]],
            "integral_dw_ms": float(0.01 * 20 + a_post * 20),
            "parameters": {"Apre": a_pre, "Apost": a_post, "taupre_ms": 20.0, "taupost_ms": 20.0},
            "description": "tutorial 2 STDP cell: tspike = i*tmax/(N-1) (pre), (N-1-i)*tmax/(N-1) "
            "(post), threshold t>tspike, refractory 100 ms, run tmax + 1 ms; "
            "delta_t from the recorded spike times (on the 0.1 ms grid)",
        },
        SCRIPT,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args()
    b2.prefs.codegen.target = "numpy"
    b2.defaultclock.dt = 0.1 * ms
    deterministic_cells()
    connectivity(list(range(1, args.seeds + 1)))
    stdp_window()
    print("tutorial2 values recorded")


if __name__ == "__main__":
    main()
