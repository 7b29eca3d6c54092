"""The four inputs side by side: given spikes, Poisson trains, a timed rate, binomial input.

Run: ``python examples/inputs_tour.py [duration_ms]``. Prints what each input produced next to
what it should produce, and saves a figure to output/inputs_tour.png.
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from axonal import *  # noqa: E402, F403

duration = float(sys.argv[1]) * ms if len(sys.argv) > 1 else 500 * ms
seed(2024)

# A repeating pattern of five spikes, every 100 ms.
pattern_times = [10, 30, 50, 70, 90] * ms
pattern = SpikeGeneratorGroup(5, [0, 1, 2, 3, 4], pattern_times, period=100 * ms)
pattern_spikes = SpikeMonitor(pattern)

# Poisson trains whose rate steps through a TimedArray: 10 Hz, 40 Hz, 10 Hz, 80 Hz, ...
rate_profile = TimedArray([10, 40, 10, 80] * Hz, dt=125 * ms)
trains = PoissonGroup(200, "rate_profile(t)")
train_spikes = SpikeMonitor(trains)
population = PopulationRateMonitor(trains)

# Binomial input from 1000 sources at 5 Hz onto leaky membranes: shot noise.
tau = 10 * ms
membranes = NeuronGroup(100, "dv/dt = -v / tau : volt", method="exact")
background = PoissonInput(membranes, "v", N=1000, rate=5 * Hz, weight=0.1 * mV)
membrane_trace = StateMonitor(membranes, "v", record=True)

run(duration)

steps = int(round(float(duration / defaultclock.dt)))
expected_rate = rate_profile(np.arange(steps) * defaultclock.dt)
expected_pattern = sum(
    max(0, int(np.ceil(float((duration - t) / (100 * ms))))) for t in pattern_times
)
print(f"SpikeGeneratorGroup: {pattern_spikes.num_spikes} spikes ({expected_pattern} expected)")
print(
    f"PoissonGroup: {train_spikes.num_spikes / 200:.2f} spikes per neuron "
    f"(expected {float(np.sum(expected_rate) * defaultclock.dt):.2f})"
)
# Campbell's theorem: mean N*rate*w*tau, variance N*rate*w^2*tau/2 (once tau has passed).
settled = membrane_trace.t > 5 * tau
print(
    f"PoissonInput: v has mean {np.mean(membrane_trace.v[:, settled] / mV):.2f} mV and standard "
    f"deviation {np.std(membrane_trace.v[:, settled] / mV):.2f} mV (expected 5.00 and 0.50)"
)

output = Path(__file__).resolve().parent.parent / "output"
output.mkdir(exist_ok=True)
figure, (top, middle, bottom, membrane) = plt.subplots(4, 1, figsize=(7, 9), sharex=True)
top.plot(pattern_spikes.t / ms, pattern_spikes.i, "|", markersize=10)
top.set_ylabel("pattern neuron")
middle.plot(train_spikes.t / ms, train_spikes.i, ",k")
middle.set_ylabel("Poisson neuron")
smooth = population.smooth_rate(window="flat", width=10 * ms)
bottom.plot(population.t / ms, smooth / Hz, label="measured (10 ms window)")
bottom.plot(np.arange(steps) * float(defaultclock.dt / ms), expected_rate / Hz, label="rate(t)")
bottom.set_ylabel("rate (Hz)")
bottom.legend(loc="upper left")
membrane.plot(membrane_trace.t / ms, membrane_trace.v[0] / mV)
membrane.set_ylabel("v (mV)")
membrane.set_xlabel("time (ms)")
figure.tight_layout()
figure.savefig(output / "inputs_tour.png")
print(f"figure in {output / 'inputs_tour.png'}")
