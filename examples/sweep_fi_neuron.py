"""One point of an f-I curve: a population of noisy leaky integrate-and-fire neurons driven by a
constant input, its mean firing rate reported as a figure. `examples/sweep_fi_curve.py` runs it
on Dask for every input and seed; alone it is one run:

    axonal run examples/sweep_fi_neuron.py current=1.2 seed=3
"""

from axonal import *

p = parameters(
    {
        "current": 1.2,  # the constant drive, in units of the threshold
        "sigma": 0.2,  # noise amplitude (same units)
        "N": 50,
        "duration": 0.2,  # s
        "tau": 0.01,  # s
        "refractory": 0.002,  # s
        "seed": 0,
    }
)
seed(p.seed)
defaultclock.dt = 0.1 * ms
tau, current, sigma = p.tau * second, p.current, p.sigma
neurons = NeuronGroup(
    p.N,
    "dv/dt = (current - v) / tau + sigma * sqrt(2 / tau) * xi : 1 (unless refractory)",
    threshold="v > 1",
    reset="v = 0",
    refractory=p.refractory * second,
    method="euler",
)
neurons.v = "rand()"
spikes = SpikeMonitor(neurons)
run(p.duration * second)
rate = spikes.num_spikes / (p.N * p.duration)
report(rate=rate * Hz, spikes=int(spikes.num_spikes))
print(f"current {p.current:g}: {rate:.1f} Hz")
