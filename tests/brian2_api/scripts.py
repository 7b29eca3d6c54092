"""Small scripts written once with Brian 2's API and run by both simulators: each takes the
simulator's module (``brian2`` in brian2_reference.py, ``axonal`` in the tests) and returns
plain values. Nothing here imports either simulator."""

import numpy as np


def single_precision(sim, dtype) -> dict:
    """prefs.core.default_float_dtype = dtype: state, synaptic and recorded values."""
    sim.prefs.core.default_float_dtype = dtype
    group = sim.NeuronGroup(
        3,
        "dv/dt = (I - v)/(10*ms) : 1\nI : 1\nn : integer",
        threshold="v > 1",
        reset="v = 0\nn += 1",
        method="exact",
    )
    group.I = [1.5, 2.0, 3.1]
    synapses = sim.Synapses(group, group, "w : 1", on_pre="w += 0.1")
    synapses.connect(j="(i + 1) % 3")
    monitor = sim.StateMonitor(group, "v", record=True)
    spikes = sim.SpikeMonitor(group)
    sim.Network(group, synapses, monitor, spikes).run(50 * sim.ms)
    return {
        "dtypes": {
            "state": np.asarray(group.v_).dtype.name,
            "integer": np.asarray(group.n_).dtype.name,
            "synaptic": np.asarray(synapses.w_).dtype.name,
            "recorded": np.asarray(monitor.v_).dtype.name,
            "recorded_t": np.asarray(monitor.t_).dtype.name,
        },
        "v_trace_0": np.asarray(monitor.v_[0]).astype(float).tolist(),
        "spike_i": np.asarray(spikes.i).tolist(),
        "spike_t": np.asarray(spikes.t_).tolist(),
        "w": np.asarray(synapses.w_).astype(float).tolist(),
    }


# The connections (i, j, w) of the summed-variable script; split into two Synapses (axonal
# adds their sums) or all in one (the same model in Brian 2, which refuses two sums into one
# variable).
SUMMED_I = [0, 1, 2, 3, 0, 3, 1]
SUMMED_J = [0, 0, 1, 2, 2, 1, 1]
SUMMED_W = [1.0, 2.0, 0.5, 3.0, -1.0, 0.25, 4.0]
SUMMED_SPLIT = 4  # the first Synapses takes the first 4 connections, the second the rest


def summed_variable(sim, split: bool = False, when: str | None = None) -> dict:
    """A target integrating the sum ``y = sum w*v_pre``, the sources changing every step;
    ``when`` moves the sum in the step (``summed_updaters['y_post'].when``)."""
    source = sim.NeuronGroup(4, "dv/dt = rate : 1\nrate : Hz", method="euler")
    source.rate = [100, 200, 300, 400] * sim.Hz
    target = sim.NeuronGroup(3, "dz/dt = y/ms : 1\ny : 1", method="euler")
    parts = [(0, SUMMED_SPLIT), (SUMMED_SPLIT, len(SUMMED_I))] if split else [(0, len(SUMMED_I))]
    synapses = []
    for start, stop in parts:
        summing = sim.Synapses(source, target, "w : 1\ny_post = w*v_pre : 1 (summed)")
        summing.connect(i=SUMMED_I[start:stop], j=SUMMED_J[start:stop])
        summing.w = SUMMED_W[start:stop]
        if when is not None:
            summing.summed_updaters["y_post"].when = when
        synapses.append(summing)
    monitor = sim.StateMonitor(target, ["y", "z"], record=True)
    sim.Network(source, target, *synapses, monitor).run(2 * sim.ms)
    return {
        "y": np.asarray(monitor.y_).tolist(),
        "z": np.asarray(monitor.z_).tolist(),
    }


def queued_spike_dt_changed(sim, delay: float, first: float, new_dt: float) -> list[float]:
    """Times (ms) of the target's spikes: one source spike at 0, delay ``delay``; ``first`` ms
    at dt 0.1 ms, then 2 ms at ``new_dt``; the target spikes one step after an arrival."""
    ms = sim.ms
    sim.start_scope()
    sim.defaultclock.dt = 0.1 * ms
    source = sim.SpikeGeneratorGroup(1, [0], [0] * ms)
    target = sim.NeuronGroup(1, "v : 1", threshold="v > 0.5", reset="v = 0")
    synapses = sim.Synapses(source, target, on_pre="v_post += 1", delay=delay * ms)
    synapses.connect()
    spikes = sim.SpikeMonitor(target)
    net = sim.Network(source, target, synapses, spikes)
    net.run(first * ms)
    sim.defaultclock.dt = new_dt * ms
    net.run(2 * ms)
    return [round(float(t / ms), 9) for t in spikes.t]


def queued_spike_delay_changed(sim) -> dict:
    """Per-synapse delays (1.3, 0.9 ms) changed to 0.4 ms after 0.5 ms: spikes at 0, 0.2 and
    0.7 ms (the last after the change); 1 ms at dt 0.1 ms."""
    ms = sim.ms
    sim.start_scope()
    sim.defaultclock.dt = 0.1 * ms
    source = sim.SpikeGeneratorGroup(2, [0, 1, 0], [0, 0.2, 0.7] * ms)
    target = sim.NeuronGroup(2, "v : 1", threshold="v > 0.5", reset="v = 0")
    synapses = sim.Synapses(source, target, on_pre="v_post += 1")
    synapses.connect(j="i")
    synapses.delay = [1.3, 0.9] * ms
    spikes = sim.SpikeMonitor(target)
    net = sim.Network(source, target, synapses, spikes)
    net.run(0.5 * ms)
    synapses.delay = [0.4, 0.4] * ms
    net.run(1.5 * ms)
    return {"i": [int(i) for i in spikes.i], "t": [round(float(t / ms), 9) for t in spikes.t]}
