"""Synaptic delays written once with Brian 2's API and run by both simulators: each script takes
the simulator's module (``brian2`` in brian2_delays.py, ``axonal`` in test_delays.py) and
returns plain values (delays in ms; ``None`` for an access the simulator refuses). Nothing here
imports either simulator."""

import numpy as np


def _ms(sim, values) -> dict:
    """Delays as read: their shape (``[]`` for one value) and values in ms."""
    array = np.asarray(values / sim.ms, dtype=float)
    return {"shape": list(array.shape), "ms": np.round(array, 9).reshape(-1).tolist()}


def _refused(action) -> bool:
    try:
        action()
    except Exception:  # (the two simulators raise different types; the tests check messages)
        return True
    return False


def one_value_delay(sim) -> dict:
    """``Synapses(delay=2*ms)``: read as one value; set to one value (a quantity, code, ``[:]``,
    raw); per-synapse access refused; synapses connected later share it."""
    ms = sim.ms
    sim.start_scope()
    source = sim.NeuronGroup(3, "v : 1", threshold="v > 1", reset="v = 0")
    target = sim.NeuronGroup(3, "v : 1")
    synapses = sim.Synapses(source, target, "w : 1", on_pre="v_post += w", delay=2 * ms)
    synapses.connect(i=[0, 1, 2, 2], j=[0, 1, 1, 2])
    found = {
        "given": _ms(sim, synapses.delay[:]),
        "pathway": _ms(sim, synapses.pre.delay[:]),
        "raw_shape": list(np.shape(np.asarray(synapses.delay))),
        "refused": {
            "read [0]": _refused(lambda: synapses.delay[0]),
            "read [0, 0]": _refused(lambda: synapses.delay[0, 0]),
            "read ['i > 0']": _refused(lambda: synapses.delay["i > 0"]),
            "len": _refused(lambda: len(synapses.delay)),
            "set [0]": _refused(lambda: synapses.delay.__setitem__(0, 1 * ms)),
            "set an array": _refused(lambda: setattr(synapses, "delay", [1, 2, 3, 4] * ms)),
            "set an array of equal values": _refused(
                lambda: setattr(synapses, "delay", [4, 4, 4, 4] * ms)
            ),
        },
    }
    synapses.delay = 3 * ms
    found["set 3 ms"] = _ms(sim, synapses.delay[:])
    synapses.delay = "2*ms + 0.5*ms"
    found["set by code"] = _ms(sim, synapses.delay[:])
    synapses.delay[:] = 5 * ms
    found["set [:]"] = _ms(sim, synapses.delay[:])
    synapses.delay_ = 0.007
    found["set raw"] = _ms(sim, synapses.delay[:])
    synapses.connect(i=0, j=2)
    found["after connect"] = _ms(sim, synapses.delay[:])
    found["synapses"] = len(synapses)
    return found


def no_delay_given(sim) -> dict:
    """Without ``delay=``: one delay per synapse (0 at first); new synapses get 0."""
    ms = sim.ms
    sim.start_scope()
    source = sim.NeuronGroup(3, "v : 1", threshold="v > 1", reset="v = 0")
    target = sim.NeuronGroup(3, "v : 1")
    synapses = sim.Synapses(source, target, "w : 1", on_pre="v_post += w")
    synapses.connect(i=[0, 1], j=[0, 1])
    found = {"given": _ms(sim, synapses.delay[:])}
    synapses.delay = 2 * ms
    found["set 2 ms"] = _ms(sim, synapses.delay[:])
    found["read [1]"] = _ms(sim, synapses.delay[1])
    synapses.connect(i=2, j=2)
    found["after connect"] = _ms(sim, synapses.delay[:])
    synapses.delay = "i * ms"
    found["set by code"] = _ms(sim, synapses.delay[:])
    synapses.delay[0] = 5 * ms
    found["set [0]"] = _ms(sim, synapses.delay[:])
    synapses.delay = [1, 1, 1] * ms
    found["set an array of equal values"] = _ms(sim, synapses.delay[:])
    found["read ['i > 0']"] = _ms(sim, synapses.delay["i > 0"])
    return found


def pathway_delays(sim) -> dict:
    """Pathways with delays of their own: one given as one value (``p1``), one per synapse
    (``p2``), a postsynaptic one given as one value and changed; when the spikes (all at
    t = 0) arrive, in ms (-1: never)."""
    ms = sim.ms
    sim.start_scope()
    sim.defaultclock.dt = 0.1 * ms
    source = sim.NeuronGroup(2, "c : second", threshold="t < 0.05*ms")
    target = sim.NeuronGroup(2, "a : second\nb : second", threshold="t < 0.05*ms")
    source.c = target.a = target.b = -1 * ms
    synapses = sim.Synapses(
        source,
        target,
        on_pre={"p1": "a_post = t", "p2": "b_post = t"},
        on_post="c_pre = t",
        delay={"p1": 1 * ms, "post": 3 * ms},
    )
    synapses.connect(j="i")
    synapses.p2.delay = "(i + 1) * 0.5*ms"
    found = {
        "p1": _ms(sim, synapses.p1.delay[:]),
        "p2": _ms(sim, synapses.p2.delay[:]),
        "post": _ms(sim, synapses.post.delay[:]),
        "refused": {
            "delay of a pathway not named pre": _refused(lambda: synapses.delay),
            "post [1] = 1 ms": _refused(lambda: synapses.post.delay.__setitem__(1, 1 * ms)),
        },
    }
    synapses.post.delay = 2.5 * ms
    found["post set 2.5 ms"] = _ms(sim, synapses.post.delay[:])
    sim.Network(source, target, synapses).run(5 * ms)
    found["arrived"] = {
        "p1": _ms(sim, target.a[:]),
        "p2": _ms(sim, target.b[:]),
        "post": _ms(sim, source.c[:]),
    }
    return found


def code_reads_the_delay(sim) -> dict:
    """``on_pre='v_post += delay/ms'``: the delay given as one value, and one set for all
    synapses after connect()."""
    ms = sim.ms
    sim.start_scope()
    sim.defaultclock.dt = 0.1 * ms
    source = sim.NeuronGroup(2, "v : 1", threshold="v > 1", reset="v = 0")
    source.v = 2
    target = sim.NeuronGroup(2, "v : 1")
    one = sim.Synapses(source, target, on_pre="v_post += delay/ms", delay=2 * ms)
    one.connect(i=0, j=0)
    each = sim.Synapses(source, target, on_pre="v_post += delay/ms")
    each.connect(i=1, j=1)
    each.delay = 1.5 * ms
    sim.Network(source, target, one, each).run(3 * ms)
    return {"v": np.round(np.asarray(target.v[:], dtype=float), 9).tolist()}


def store_and_restore(sim) -> dict:
    """Delays set per synapse, or to one value for all synapses, stored, changed, restored;
    then when a spike at 0.5 ms arrives."""
    ms = sim.ms
    sim.start_scope()
    sim.defaultclock.dt = 0.1 * ms
    source = sim.SpikeGeneratorGroup(2, [0, 1], [0.5, 0.5] * ms)
    target = sim.NeuronGroup(2, "a : second")
    target.a = -1 * ms
    each = sim.Synapses(source, target, on_pre="a_post = t")
    each.connect(j="i")
    each.delay = [1, 2] * ms
    net = sim.Network(source, target, each)
    net.store()
    each.delay = [3, 4] * ms
    changed = _ms(sim, each.delay[:])
    net.restore()
    found = {"changed": changed, "restored": _ms(sim, each.delay[:])}
    each.delay = 1.5 * ms
    net.store("uniform")
    each.delay = "(i + 2) * ms"
    net.restore("uniform")
    found["restored one value"] = _ms(sim, each.delay[:])
    net.run(3 * ms)
    found["arrived"] = _ms(sim, target.a[:])
    return found


def queued_spikes_one_value_changed(sim) -> dict:
    """A delay given as one value (1.3 ms) changed to 0.4 ms after 0.5 ms: spikes at 0, 0.2
    (queued under the old delay) and 0.7 ms (after the change); 2 ms at dt 0.1 ms."""
    ms = sim.ms
    sim.start_scope()
    sim.defaultclock.dt = 0.1 * ms
    source = sim.SpikeGeneratorGroup(2, [0, 1, 0], [0, 0.2, 0.7] * ms)
    target = sim.NeuronGroup(2, "v : 1", threshold="v > 0.5", reset="v = 0")
    synapses = sim.Synapses(source, target, on_pre="v_post += 1", delay=1.3 * ms)
    synapses.connect(j="i")
    spikes = sim.SpikeMonitor(target)
    net = sim.Network(source, target, synapses, spikes)
    net.run(0.5 * ms)
    synapses.delay = 0.4 * ms
    net.run(1.5 * ms)
    return {"i": [int(i) for i in spikes.i], "t": [round(float(t / ms), 9) for t in spikes.t]}


SCRIPTS = {
    "one_value_delay": one_value_delay,
    "no_delay_given": no_delay_given,
    "pathway_delays": pathway_delays,
    "code_reads_the_delay": code_reads_the_delay,
    "store_and_restore": store_and_restore,
    "queued_spikes_one_value_changed": queued_spikes_one_value_changed,
}
