"""Synapses.run_regularly written once with Brian 2's API and run by both simulators: each
script takes the simulator's module (``brian2`` in brian2_run_regularly.py, ``axonal`` in
test_run_regularly.py) and returns plain values. Nothing here imports either simulator."""

import numpy as np


def _plain(values) -> list:
    return np.round(np.asarray(values, dtype=float), 12).reshape(-1).tolist()


def clipped_weights(sim) -> dict:
    """Weights grown and clipped every 2 ms (``dt=``), the rest of the network every step;
    a StateMonitor of the weights sees the operation's writes."""
    ms = sim.ms
    sim.start_scope()
    group = sim.NeuronGroup(5, "dv/dt = (2 - v) / (10*ms) : 1", threshold="v > 1", reset="v = 0",
                            method="exact")  # fmt: skip
    group.v = "i * 0.2"
    synapses = sim.Synapses(group, group, "w : 1", on_pre="v_post += w")
    synapses.connect(condition="i != j")
    synapses.w = "0.01 * (i + j)"
    synapses.run_regularly("w = clip(w * 1.5 + 0.001 * j, 0, 0.3)", dt=2 * ms)
    weights = sim.StateMonitor(synapses, "w", record=[0, 3, 7])
    spikes = sim.SpikeMonitor(group)
    net = sim.Network(group, synapses, weights, spikes)
    net.run(10 * ms)
    return {
        "w": _plain(synapses.w[:]),
        "recorded": _plain(weights.w[:, ::7]),
        "samples": len(weights.t),
        "spikes": _plain(spikes.i[:]),
    }


def pre_and_post_values(sim) -> dict:
    """Code that reads the pre- and postsynaptic neurons' variables and the synapse's own
    differential equation, every step, at the end of the step, over subgroups."""
    ms = sim.ms
    sim.start_scope()
    source = sim.NeuronGroup(6, "dv/dt = (1.5 - v) / (7*ms) : 1", threshold="v > 1",
                             reset="v = 0", method="exact")  # fmt: skip
    source.v = "i / 6.0"
    target = sim.NeuronGroup(4, "u : 1")
    target.u = "i * 0.1 + 0.05"
    equations = "dx/dt = -x / (5*ms) : 1 (clock-driven)\nw : 1"
    synapses = sim.Synapses(source[1:5], target[1:4], equations, on_pre="x += 1", method="exact")
    synapses.connect(p=1)
    synapses.run_regularly("w = w + 0.01 * v_pre - 0.02 * u_post + 0.001 * x + 0.0001 * (i - j)",
                           when="end")  # fmt: skip
    net = sim.Network(source, target, synapses)
    net.run(6 * ms)
    return {"w": _plain(synapses.w[:]), "x": _plain(synapses.x[:]), "i": _plain(synapses.i[:]),
            "j": _plain(synapses.j[:])}  # fmt: skip


SCRIPTS = {"clipped_weights": clipped_weights, "pre_and_post_values": pre_and_post_values}
