"""The flagship example: the CUBA network of the first Brian slides, run, plotted and summarised.

4000 integrate-and-fire neurons with exponential synaptic currents, 3200 excitatory and 800
inhibitory, connected at random with probability 0.02, simulated for 1 s (Brette & Goodman's
"Brian in action" slide; Vogels & Abbott 2005). Prints the statistics of its activity
(axonal.analysis) and the time it took, and saves a figure of raster, population rate and a
membrane potential trace (axonal.plot) in output/. In an axonal project (`axonal init`), the
run is recorded in the project's store as `axonal run` would record it.

Usage: python examples/flagship.py [duration_ms]
"""

import os
import sys
import time
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from axonal import *  # noqa: E402
from axonal.codegen.targets import current_target  # noqa: E402


def record_in_project() -> bool:
    """In an axonal project, run this script again under `axonal run`'s recorder (once: the
    recorded run sees AXONAL_FLAGSHIP_RECORDED). True when that happened."""
    if os.environ.get("AXONAL_FLAGSHIP_RECORDED") or "axonal.records.launch" in sys.orig_argv:
        return False
    try:
        from axonal.records.project import find_project
        from axonal.records.runner import run_script

        project = find_project()
    except Exception:  # no project here, or the records extra is not installed
        return False
    os.environ["AXONAL_FLAGSHIP_RECORDED"] = "1"
    result = run_script(
        project, project.resolved_store_url, __file__, sys.argv[1:], reason="flagship example"
    )
    print(f"  recorded as {result.label} ({result.status}) in {project.root}")
    sys.exit(result.exit_code)


if __name__ == "__main__":
    record_in_project()

duration = float(sys.argv[1]) * ms if len(sys.argv) > 1 else 1 * second

# The model of the slide, as Brian 1 wrote it, in today's syntax.
eqs = """
dv/dt = (ge + gi - (v + 49*mV)) / (20*ms) : volt
dge/dt = -ge / (5*ms) : volt
dgi/dt = -gi / (10*ms) : volt
"""
seed(2026)
P = NeuronGroup(4000, eqs, threshold="v > -50*mV", reset="v = -60*mV", method="exact")
# The slide starts every neuron at -60 mV; Brian's own CUBA example spreads them between reset
# and threshold, so that the network does not begin with one synchronous volley.
P.v = "-60*mV + rand() * 10*mV"
Pe, Pi = P[:3200], P[3200:]
Ce = Synapses(Pe, P, on_pre="ge += 1.62*mV")
Ci = Synapses(Pi, P, on_pre="gi += -9*mV")
Ce.connect(p=0.02)
Ci.connect(p=0.02)

spikes = SpikeMonitor(P)
rate = PopulationRateMonitor(P)
voltages = StateMonitor(P, "v", record=range(0, 4000, 40))  # 100 neurons, for chi

started = time.perf_counter()
run(duration)
elapsed = time.perf_counter() - started

# -- statistics --------------------------------------------------------------------------------
from axonal.analysis import (  # noqa: E402
    correlation_coefficients,
    fano_factor,
    firing_rates,
    isi_cv,
    synchrony_chi,
)

rates = firing_rates(spikes)
cvs = isi_cv(spikes)
window = min(100 * ms, duration / 5)
fano = fano_factor(spikes, window=window)
chi = synchrony_chi(voltages, "v")
sample = [spikes.spike_trains()[k] for k in range(0, 3200, 16)]  # 200 excitatory neurons
correlations = correlation_coefficients(sample, bin=5 * ms, t_stop=duration)
pairs = correlations[np.triu_indices(len(sample), k=1)]

print(f"axonal flagship: CUBA, 4000 neurons, {len(Ce) + len(Ci)} synapses, {duration / ms:g} ms")
print(f"  spikes: {spikes.num_spikes}, mean rate {np.mean(rates / Hz):.2f} Hz")
print(f"  active neurons: {np.mean(spikes.count > 0):.0%}")
print(f"  ISI CV: {np.nanmean(cvs):.2f} (mean over {np.sum(~np.isnan(cvs))} neurons)")
print(f"  Fano factor ({window / ms:g} ms windows): {np.nanmean(fano):.2f}")
print(f"  synchrony chi (v of 100 neurons): {chi:.3f}")
print(f"  pairwise correlation (5 ms bins, 200 neurons): {np.nanmean(pairs):.4f}")
print(f"  simulated in {elapsed:.2f} s wall-clock on the {current_target()} target")

# -- figure ------------------------------------------------------------------------------------
from axonal.plot import plot_raster, plot_rate, plot_state  # noqa: E402

try:
    from axonal.records.project import find_project

    output = find_project().output_dir
except Exception:  # not in an axonal project (or without the records extra)
    output = Path(__file__).resolve().parent.parent / "output"
output.mkdir(parents=True, exist_ok=True)
figure, (raster, population, trace) = plt.subplots(
    3, 1, figsize=(8, 8), sharex=True, gridspec_kw={"height_ratios": [3, 1, 1]}
)
plot_raster(spikes, ax=raster, markersize=0.5)
raster.set_title(f"CUBA: 4000 neurons, {duration / ms:g} ms, {spikes.num_spikes} spikes")
plot_rate(rate, smooth=1 * ms, ax=population)
plot_state(voltages, "v", indices=[0], ax=trace)
raster.set_xlabel("")
population.set_xlabel("")
figure.tight_layout()
figure.savefig(output / "flagship.png", dpi=80)
print(f"  figure: {output / 'flagship.png'}")
