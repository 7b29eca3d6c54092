"""Reference values from Brian 2's tutorial part 1 (neurons), as in shared/seeds/003_*.txt.

Every cell of the tutorial that prints or plots something checkable is rerun here with Brian 2
(NumPy target, dt = 0.1 ms) and stored in reference_values.json["tutorial1"]; random cells are
rerun over several seeds. Usage: /work/refenv/bin/python values_tutorial1.py [--seeds 10]
"""

import argparse

import brian2 as b2
import numpy as np
from brian2 import Hz, ms, mV
from reference_store import record, save_data, spread

SCRIPT = "values_tutorial1.py"


def run_cell(objects: list, duration) -> None:
    b2.Network(objects).run(duration)


def exponential_approach() -> None:
    """dv/dt = (1-v)/tau, exact, 100 ms: v = 1 - exp(-10)."""
    group = b2.NeuronGroup(1, "dv/dt = (1-v)/tau : 1", method="exact", namespace={"tau": 10 * ms})
    run_cell([group], 100 * ms)
    record(
        "tutorial1",
        "v_after_100ms",
        {
            "value": float(group.v[0]),
            "analytic": float(1 - np.exp(-10)),
            "tutorial_printed": 0.99995460007,
            "description": "dv/dt = (1-v)/tau, tau = 10 ms, v(0) = 0, method exact, run 100 ms",
        },
        SCRIPT,
    )


def sine_drive() -> None:
    """dv/dt = (sin(2 pi 100 Hz t) - v)/tau, Euler, v(0) = 5, 60 ms: samples of the trace."""
    group = b2.NeuronGroup(
        1,
        "dv/dt = (sin(2*pi*100*Hz*t)-v)/tau : 1",
        method="euler",
        namespace={"tau": 10 * ms, "Hz": Hz},
    )
    group.v = 5
    monitor = b2.StateMonitor(group, "v", record=0)
    run_cell([group, monitor], 60 * ms)
    every_ms = monitor.v[0][::10]
    record(
        "tutorial1",
        "sine_drive_euler",
        {
            "value": float(group.v[0]),
            "trace_every_1ms": [float(v) for v in every_ms],
            "description": "dv/dt = (sin(2*pi*100*Hz*t)-v)/tau, tau 10 ms, euler, v(0) = 5, 60 ms; "
            "value = v at 60 ms; trace = StateMonitor v at t = 0, 1, ..., 59 ms",
        },
        SCRIPT,
    )


def spike_times(equations: str, tau, refractory, description: str, printed=None) -> dict:
    group = b2.NeuronGroup(
        1,
        equations,
        threshold="v>0.8",
        reset="v = 0",
        refractory=refractory,
        method="exact",
        namespace={"tau": tau},
    )
    spikes = b2.SpikeMonitor(group)
    run_cell([group, spikes], 50 * ms)
    entry = {
        "value": [round(float(t / ms), 6) for t in spikes.t],
        "unit": "ms",
        "description": description,
    }
    if printed is not None:
        entry["tutorial_printed"] = printed
    return entry


def threshold_cells() -> None:
    record(
        "tutorial1",
        "spike_times_threshold",
        spike_times(
            "dv/dt = (1-v)/tau : 1",
            10 * ms,
            0 * ms,
            "dv/dt = (1-v)/tau, tau 10 ms, threshold v>0.8, reset v = 0, exact, 50 ms",
            [16.0, 32.1, 48.2],
        ),
        SCRIPT,
    )
    record(
        "tutorial1",
        "spike_times_refractory",
        spike_times(
            "dv/dt = (1-v)/tau : 1 (unless refractory)",
            10 * ms,
            5 * ms,
            "as spike_times_threshold with (unless refractory) and refractory = 5 ms",
        ),
        SCRIPT,
    )
    record(
        "tutorial1",
        "spike_times_no_unless_refractory",
        spike_times(
            "dv/dt = (1-v)/tau : 1",
            5 * ms,
            15 * ms,
            "tau 5 ms, refractory 15 ms without (unless refractory): v keeps integrating",
            [8.0, 23.1, 38.2],
        ),
        SCRIPT,
    )


def random_initial_raster(seeds: list[int]) -> None:
    """N = 100, dv/dt = (2-v)/tau, v(0) = rand(), threshold v>1, 50 ms: spike total."""
    totals = []
    for seed in seeds:
        b2.seed(seed)
        group = b2.NeuronGroup(
            100,
            "dv/dt = (2-v)/tau : 1",
            threshold="v>1",
            reset="v=0",
            method="exact",
            namespace={"tau": 10 * ms},
        )
        group.v = "rand()"
        spikes = b2.SpikeMonitor(group)
        run_cell([group, spikes], 50 * ms)
        totals.append(int(spikes.num_spikes))
    record(
        "tutorial1",
        "multiple_neurons_total_spikes",
        dict(
            spread(totals),
            description=(
                "N = 100, dv/dt = (2-v)/tau, tau 10 ms, v(0) = rand(), threshold v>1, reset v=0, "
                "50 ms: total spikes"
            ),
        ),
        SCRIPT,
    )


def fi_group(noise: bool) -> tuple:
    n_neurons, tau, v0_max, sigma = 100, 10 * ms, 3.0, 0.2
    noise_term = "+sigma*xi*tau**-0.5" if noise else ""
    group = b2.NeuronGroup(
        n_neurons,
        f"dv/dt = (v0-v)/tau{noise_term} : 1 (unless refractory)\nv0 : 1",
        threshold="v>1",
        reset="v=0",
        refractory=5 * ms,
        method="euler" if noise else "exact",
        namespace={"tau": tau, "sigma": sigma, "v0_max": v0_max, "N": n_neurons},
    )
    group.v0 = "i*v0_max/(N-1)"
    spikes = b2.SpikeMonitor(group)
    run_cell([group, spikes], 1000 * ms)
    return group, spikes


def fi_curve() -> None:
    """Deterministic f-I curve: counts per neuron for v0 = i*3/(N-1), N = 100, 1 s."""
    group, spikes = fi_group(noise=False)
    counts = [int(c) for c in spikes.count]
    path = save_data(
        "tutorial1_fi_counts.json", {"v0": [float(v) for v in group.v0], "count": counts}
    )
    record(
        "tutorial1",
        "fi_curve_counts",
        {
            "value": counts,
            "total": sum(counts),
            "data_file": path,
            "first_firing_neuron": int(np.flatnonzero(np.array(counts) > 0)[0]),
            "description": "dv/dt = (v0-v)/tau (unless refractory), tau 10 ms, threshold v>1, "
            "reset v=0, refractory 5 ms, exact, v0 = i*3/(N-1), N = 100, 1 s: "
            "spike count per neuron. Exact step model (matches all 100 counts): with "
            "k = the smallest integer such that v0*(1 - exp(-k*dt/tau)) > 1, the first spike "
            "is at step k-1 and spikes repeat every k + 49 steps (v is held for the 49 steps "
            "after the spike step), so count = 1 + (9999 - (k-1)) // (k + 49) for v0 > 1",
        },
        SCRIPT,
    )


def noisy_fi_curve(seeds: list[int]) -> None:
    """Noisy f-I curve (sigma = 0.2, Euler-Maruyama): per-neuron count mean/std over seeds."""
    all_counts = []
    for seed in seeds:
        b2.seed(seed)
        _, spikes = fi_group(noise=True)
        all_counts.append(np.array(spikes.count, dtype=float))
    counts = np.array(all_counts)
    path = save_data(
        "tutorial1_noisy_fi_counts.json",
        {
            "seeds": seeds,
            "counts": counts.astype(int).tolist(),
            "mean": counts.mean(axis=0).tolist(),
            "std": counts.std(axis=0, ddof=1).tolist(),
        },
    )
    entry = spread([float(t) for t in counts.sum(axis=1)])
    entry.update(
        {
            "count_mean_per_neuron": counts.mean(axis=0).round(3).tolist(),
            "count_std_per_neuron": counts.std(axis=0, ddof=1).round(3).tolist(),
            "data_file": path,
            "description": "fi_curve_counts with + sigma*xi*tau**-0.5, sigma 0.2, method euler; "
            "mean/std/samples are of the total spike count",
        }
    )
    record("tutorial1", "noisy_fi_curve", entry, SCRIPT)


def adaptive_threshold(seeds: list[int]) -> None:
    """The closing cell: N = 1000 noisy neurons with an adaptive threshold, 100 ms."""
    namespace = {
        "tau": 10 * ms,
        "vr": -70 * mV,
        "vt0": -50 * mV,
        "delta_vt0": 5 * mV,
        "tau_t": 100 * ms,
    }
    namespace["sigma"] = 0.5 * (namespace["vt0"] - namespace["vr"])
    namespace["v_drive"] = 2 * (namespace["vt0"] - namespace["vr"])
    equations = """
    dv/dt = (v_drive+vr-v)/tau + sigma*xi*tau**-0.5 : volt
    dvt/dt = (vt0-vt)/tau_t : volt
    """
    totals, first_burst_ms, peak_ms, histograms = [], [], [], []
    for seed in seeds:
        b2.seed(seed)
        group = b2.NeuronGroup(
            1000,
            equations,
            threshold="v>vt",
            reset="v = vr\nvt += delta_vt0",
            refractory=5 * ms,
            method="euler",
            namespace=namespace,
        )
        group.v = "rand()*(vt0-vr)+vr"
        group.vt = namespace["vt0"]
        spikes = b2.SpikeMonitor(group)
        run_cell([group, spikes], 100 * ms)
        totals.append(int(spikes.num_spikes))
        # 1 ms bins, as the tutorial's hist(spikemon.t/ms, 100) over 100 ms
        histogram, _ = np.histogram(spikes.t / ms, bins=100, range=(0, 100))
        histograms.append(histogram)
        first_burst_ms.append(float(np.flatnonzero(histogram >= 100)[0]))  # >= 10 % of cells
        peak_ms.append(float(np.argmax(histogram[:20])))
    histograms = np.array(histograms)
    path = save_data(
        "tutorial1_adaptive_threshold_histogram.json",
        {
            "bin_edges_ms": list(range(101)),
            "seeds": seeds,
            "counts": histograms.tolist(),
            "mean": histograms.mean(axis=0).tolist(),
            "std": histograms.std(axis=0, ddof=1).tolist(),
        },
    )
    record(
        "tutorial1",
        "adaptive_threshold_total_spikes",
        dict(
            spread(totals),
            data_file=path,
            description=("closing cell: N = 1000, 100 ms, euler, refractory 5 ms: total spikes"),
        ),
        SCRIPT,
    )
    record(
        "tutorial1",
        "adaptive_threshold_first_burst_ms",
        dict(
            spread(first_burst_ms),
            peak_bin_ms=spread(peak_ms),
            mean_histogram_first_10_bins=histograms.mean(axis=0)[:10].round(2).tolist(),
            unit="ms",
            description=(
                "left edge of the first 1 ms bin holding >= 100 spikes (10 % of the cells): the "
                "population bursts at once, in [0, 1) ms, because v starts uniform in [vr, vt0] "
                "and the noise is large; "
                "peak_bin_ms: left edge of the fullest bin in [0, 20) ms. After this first "
                "burst the population rate decays without a second clear burst (mean "
                "histogram over seeds in the data file of adaptive_threshold_total_spikes)"
            ),
        ),
        SCRIPT,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args()
    b2.prefs.codegen.target = "numpy"
    b2.defaultclock.dt = 0.1 * ms
    seeds = list(range(1, args.seeds + 1))
    exponential_approach()
    sine_drive()
    threshold_cells()
    fi_curve()
    random_initial_raster(seeds)
    noisy_fi_curve(seeds)
    adaptive_threshold(seeds)
    print("tutorial1 values recorded")


if __name__ == "__main__":
    main()
