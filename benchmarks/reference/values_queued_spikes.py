"""Reference values: spikes queued for a synaptic delay across runs, with the delays or dt
changed between the runs (Brian 2 keeps what was queued at its arrival time, to the nearest
step of a new dt; a changed delay applies to new spikes only).

Usage: values_queued_spikes.py   (stores reference_values.json["queued_spikes"])
"""

from reference_store import record

SCRIPT = "values_queued_spikes.py"
# (delay of the queued spike, first run, dt of the second run), all in ms. Cases where Brian
# 2.9.0 delivers the spike; with (1.7, 0.5, 0.25) and (1.3, 0.5, 0.5) it drops it.
DT_CASES = [(1.3, 1.0, 0.25), (1.3, 0.5, 0.25), (2.0, 0.6, 0.2)]


def dt_changed(delay: float, first: float, new_dt: float) -> list[float]:
    """Times (ms) of the target's spikes: one source spike at 0, delay ``delay``; ``first`` ms
    at dt 0.1 ms, then 2 ms at ``new_dt``; the target spikes one step after an arrival."""
    from brian2 import (
        Network,
        NeuronGroup,
        SpikeGeneratorGroup,
        SpikeMonitor,
        Synapses,
        defaultclock,
        ms,
        prefs,
        start_scope,
    )

    prefs.codegen.target = "numpy"
    start_scope()
    defaultclock.dt = 0.1 * ms
    source = SpikeGeneratorGroup(1, [0], [0] * ms)
    target = NeuronGroup(1, "v : 1", threshold="v > 0.5", reset="v = 0")
    synapses = Synapses(source, target, on_pre="v_post += 1", delay=delay * ms)
    synapses.connect()
    spikes = SpikeMonitor(target)
    net = Network(source, target, synapses, spikes)
    net.run(first * ms)
    defaultclock.dt = new_dt * ms
    net.run(2 * ms)
    return [round(float(t / ms), 9) for t in spikes.t]


def delay_changed() -> dict:
    """Per-synapse delays (1.3, 0.9 ms) changed to 0.4 ms after 0.5 ms: spikes at 0, 0.2 and
    0.7 ms (the last after the change); 1 ms at dt 0.1 ms."""
    from brian2 import (
        Network,
        NeuronGroup,
        SpikeGeneratorGroup,
        SpikeMonitor,
        Synapses,
        defaultclock,
        ms,
        prefs,
        start_scope,
    )

    prefs.codegen.target = "numpy"
    start_scope()
    defaultclock.dt = 0.1 * ms
    source = SpikeGeneratorGroup(2, [0, 1, 0], [0, 0.2, 0.7] * ms)
    target = NeuronGroup(2, "v : 1", threshold="v > 0.5", reset="v = 0")
    synapses = Synapses(source, target, on_pre="v_post += 1")
    synapses.connect(j="i")
    synapses.delay = [1.3, 0.9] * ms
    spikes = SpikeMonitor(target)
    net = Network(source, target, synapses, spikes)
    net.run(0.5 * ms)
    synapses.delay = [0.4, 0.4] * ms
    net.run(1.5 * ms)
    return {"i": [int(i) for i in spikes.i], "t": [round(float(t / ms), 9) for t in spikes.t]}


if __name__ == "__main__":
    cases = [{"case": list(case), "t": dt_changed(*case)} for case in DT_CASES]
    record("queued_spikes", "dt_changed", {"cases": cases}, SCRIPT)
    record("queued_spikes", "delay_changed", delay_changed(), SCRIPT)
    print(cases, delay_changed())
