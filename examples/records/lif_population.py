"""A population of leaky integrate-and-fire neurons driven by noisy input, run under a record.

    axonal init
    axonal run examples/records/lif_population.py examples/records/parameters.yaml \
        drive.mean=1.2 --reason "stronger drive"
    axonal list -l; axonal diff last <an earlier label>; axonal repeat last; axonal web

The parameters come from `parameters()`: the defaults below, then the YAML file, then
`name=value` overrides. Spike times and indices are saved as an .npz, which `axonal web` draws
as a raster and a population rate.
"""

from pathlib import Path

import numpy as np

from axonal.records import parameters

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

rng = np.random.default_rng(p.seed)
steps = int(round(p.duration / p.dt))
v = rng.uniform(p.neuron.reset, p.neuron.threshold, p.N)
refractory_until = np.zeros(p.N)
spike_times, spike_indices = [], []
noise_scale = p.drive.sigma * np.sqrt(2 * p.dt / p.neuron.tau)
for step in range(steps):
    t = step * p.dt
    active = refractory_until <= t
    dv = (p.drive.mean - v) * p.dt / p.neuron.tau + noise_scale * rng.standard_normal(p.N)
    v = np.where(active, v + dv, v)
    fired = np.flatnonzero(v > p.neuron.threshold)
    v[fired] = p.neuron.reset
    refractory_until[fired] = t + p.neuron.refractory
    spike_times.append(np.full(fired.size, t))
    spike_indices.append(fired)

t = np.concatenate(spike_times)
i = np.concatenate(spike_indices)
rate = t.size / (p.N * p.duration)
output = Path(p.output)
output.mkdir(parents=True, exist_ok=True)
name = f"lif_N{p.N}_mean{p.drive.mean:g}_seed{p.seed}"
np.savez(output / f"{name}.npz", t=t, i=i)
(output / f"{name}.txt").write_text(f"spikes {t.size}\nmean rate {rate:.3f} Hz\n")
print(f"{p.N} neurons, {t.size} spikes in {p.duration} s: {rate:.2f} Hz per neuron")
