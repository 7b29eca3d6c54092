"""A population of leaky integrate-and-fire neurons driven by noisy input, run under a record.

    axonal init
    axonal run examples/records/lif_population.py examples/records/parameters.yaml \
        drive.mean=1.2 --reason "stronger drive"
    axonal list --figures rate,cv,drive.mean --where 'rate > 20*Hz'
    axonal diff last <an earlier label>; axonal repeat last; axonal web

The parameters come from `parameters()`: the defaults below, then the YAML file, then
`name=value` overrides. Spike times and indices are saved as an .npz, which `axonal web` draws
as a raster and a population rate, and the membrane potential of three neurons as another,
drawn as traces. The mean rate and the CV of the interspike intervals are reported as figures,
which the record keeps as values (and `axonal web`'s chart plots against a parameter).
"""

from pathlib import Path

import numpy as np

from axonal import *

p = parameters(
    {
        "N": 200,
        "duration": 0.5,  # s
        "dt": 0.0001,  # s
        "seed": 1,
        "neuron": {"tau": 0.02, "threshold": 1.0, "reset": 0.0, "refractory": 0.002},
        "drive": {"mean": 1.1, "sigma": 0.3},
        "output": "output",
    }
)

seed(p.seed)
defaultclock.dt = p.dt * second
tau = p.neuron.tau * second
threshold, reset = p.neuron.threshold, p.neuron.reset
drive, sigma = p.drive.mean, p.drive.sigma
neurons = NeuronGroup(
    p.N,
    "dv/dt = (drive - v) / tau + sigma * sqrt(2 / tau) * xi : 1 (unless refractory)",
    threshold="v > threshold",
    reset="v = reset",
    refractory=p.neuron.refractory * second,
    method="euler",
)
neurons.v = "reset + rand() * (threshold - reset)"
spikes = SpikeMonitor(neurons)
potentials = StateMonitor(neurons, "v", record=[0, 1, 2])
run(p.duration * second)

t, i = spikes.t / second, spikes.i
rate = spikes.num_spikes / (p.N * p.duration)
output = Path(p.output)
output.mkdir(parents=True, exist_ok=True)
name = f"lif_N{p.N}_mean{p.drive.mean:g}_seed{p.seed}"
np.savez(output / f"{name}.npz", t=t, i=i, N=p.N)
np.savez(output / f"{name}_v.npz", t=potentials.t / second, v=potentials.v)
(output / f"{name}.txt").write_text(f"spikes {t.size}\nmean rate {rate:.3f} Hz\n")
# The coefficient of variation of the interspike intervals, over neurons with 3 spikes or more.
intervals = [np.diff(np.sort(t[i == k])) for k in range(p.N)]
cvs = [isi.std() / isi.mean() for isi in intervals if isi.size >= 2]
report(rate=rate * Hz, cv=float(np.mean(cvs)) if cvs else float("nan"), spikes=int(t.size))
print(f"{p.N} neurons, {t.size} spikes in {p.duration} s: {rate:.2f} Hz per neuron")
