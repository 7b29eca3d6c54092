"""The flagship example: a population of noisy neurons with adaptive thresholds.

Each neuron is driven above its resting threshold; every spike raises its threshold, which
then relaxes back. The population fires a synchronous volley, then settles into slower,
desynchronised firing. Prints a summary and saves a raster and rate figure in output/.
"""

import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from axonal import *  # noqa: E402

duration = float(sys.argv[1]) * ms if len(sys.argv) > 1 else 500 * ms
N = 1000
tau = 10 * ms
vr = -70 * mV
vt0 = -50 * mV
delta_vt0 = 5 * mV
tau_t = 100 * ms
sigma = 0.5 * (vt0 - vr)
v_drive = 2 * (vt0 - vr)

eqs = """
dv/dt = (v_drive + vr - v)/tau + sigma*xi*tau**-0.5 : volt
dvt/dt = (vt0 - vt)/tau_t : volt
"""
reset = """
v = vr
vt += delta_vt0
"""
seed(2026)
neurons = NeuronGroup(N, eqs, threshold="v > vt", reset=reset, refractory=5 * ms, method="euler")
neurons.v = "rand()*(vt0 - vr) + vr"
neurons.vt = vt0
spikes = SpikeMonitor(neurons)
rate = PopulationRateMonitor(neurons)
thresholds = StateMonitor(neurons, "vt", record=[0, 1, 2])

started = time.perf_counter()
run(duration)
elapsed = time.perf_counter() - started

mean_rate = spikes.num_spikes / (N * duration / second)
first_volley = spikes.t[spikes.t < 20 * ms]
print(f"axonal flagship: adaptive-threshold population of {N} neurons, {duration / ms:g} ms")
print(
    f"  spikes: {spikes.num_spikes}, mean rate {mean_rate:.1f} Hz, "
    f"{len(first_volley)} spikes in the first 20 ms volley"
)
print(f"  mean threshold at the end: {mean(neurons.vt[:]) / mV:.2f} mV (rest {vt0 / mV:g} mV)")
print(f"  simulated in {elapsed:.2f} s wall-clock")

output = Path(__file__).resolve().parent.parent / "output"
output.mkdir(exist_ok=True)
figure, (raster, rates, traces) = plt.subplots(3, 1, figsize=(8, 8), sharex=True)
raster.plot(spikes.t / ms, spikes.i, ",k")
raster.set_ylabel("neuron index")
rates.plot(rate.t / ms, rate.smooth_rate(width=1 * ms) / Hz)
rates.set_ylabel("rate (Hz)")
for trace in thresholds.vt:
    traces.plot(thresholds.t / ms, trace / mV)
traces.set_ylabel("threshold (mV)")
traces.set_xlabel("time (ms)")
figure.tight_layout()
figure.savefig(output / "flagship.png", dpi=100)
print(f"  figure: {output / 'flagship.png'}")
