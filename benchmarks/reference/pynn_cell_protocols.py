"""Stimulation protocols for PyNN's standard cell types, written once in PyNN.

The same function runs on pyNN.nest in the reference environment (values_pynn_nest.py stores
its output) and on axonal.pynn in the tests (tests/pynn/test_nest_agreement.py), so that the
two simulators see exactly the same model script.

Each cell type gets one cell driven by a step current (on at 20 ms, off at 120 ms) and one
driven by excitatory then inhibitory spikes; 200 ms at dt = 0.1 ms; v is sampled every 0.5 ms.
"""

from __future__ import annotations

DURATION = 200.0
SAMPLING = 0.5
EXC_TIMES = [10.0, 15.0, 20.0, 50.0, 52.0, 54.0, 56.0, 58.0, 60.0]
INH_TIMES = [100.0, 103.0, 106.0]

# cell type -> (step amplitude nA, excitatory weight, inhibitory weight) in the type's units
PROTOCOLS = {
    "IF_curr_exp": (1.0, 1.5, -1.5),
    "IF_curr_alpha": (1.0, 1.5, -1.5),
    "IF_curr_delta": (1.0, 4.0, -4.0),
    "IF_cond_exp": (1.0, 0.03, 0.05),
    "IF_cond_alpha": (1.0, 0.03, 0.05),
    "IF_cond_exp_gsfa_grr": (1.0, 0.03, 0.05),
    "EIF_cond_exp_isfa_ista": (1.0, 0.03, 0.05),
    "EIF_cond_alpha_isfa_ista": (1.0, 0.03, 0.05),
    "HH_cond_exp": (0.5, 0.05, 0.05),
    "Izhikevich": (0.012, 8.0, -8.0),
}


def run_protocol(sim, cell_type: str) -> dict:
    """Spike times (ms) and v (mV, every SAMPLING ms) of the step and the spike cell."""
    amplitude, w_exc, w_inh = PROTOCOLS[cell_type]
    sim.setup(timestep=0.1, min_delay=0.1, max_delay=10.0)
    celltype = getattr(sim, cell_type)()
    step_cell = sim.Population(1, celltype, label="step")
    spike_cell = sim.Population(1, celltype, label="spikes")
    step = sim.StepCurrentSource(times=[20.0, 120.0], amplitudes=[amplitude, 0.0])
    step.inject_into(step_cell)
    exc = sim.Population(1, sim.SpikeSourceArray(spike_times=EXC_TIMES))
    inh = sim.Population(1, sim.SpikeSourceArray(spike_times=INH_TIMES))
    connector = sim.AllToAllConnector()
    sim.Projection(
        exc,
        spike_cell,
        connector,
        sim.StaticSynapse(weight=w_exc, delay=1.0),
        receptor_type="excitatory",
    )
    sim.Projection(
        inh,
        spike_cell,
        connector,
        sim.StaticSynapse(weight=w_inh, delay=1.0),
        receptor_type="inhibitory",
    )
    result = {}
    for population in (step_cell, spike_cell):
        population.record(["spikes", "v"], sampling_interval=SAMPLING)
    sim.run(DURATION)
    for name, population in (("step", step_cell), ("spikes", spike_cell)):
        segment = population.get_data().segments[0]
        result[name] = {
            "spike_times": [float(t) for t in segment.spiketrains[0].magnitude],
            "v": [float(v) for v in segment.filter(name="v")[0].magnitude[:, 0]],
        }
    sim.end()
    return result
