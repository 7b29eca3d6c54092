"""A child process for tests/network/test_interrupts.py: a long run stopped by a real signal.

``python interrupt_child.py TARGET LOOP`` (LOOP: 'fused', or 'python' with a network
operation) builds a noisy network with delayed synapses, runs 1 ms, prints READY, then runs
for a very long time. When the parent's signal (SIGINT, or SIGTERM turned into an exception
as ``axonal run`` does) stops it, it prints STOPPED at once, runs 20 ms more, and compares
everything with the same network run without interruption; the last line is JSON.
"""

import json
import signal
import sys

import numpy as np

from axonal import (
    Network,
    NeuronGroup,
    SpikeMonitor,
    StateMonitor,
    Synapses,
    defaultclock,
    ms,
    network_operation,
    second,
    seed,
    start_scope,
)
from axonal.codegen.targets import set_target


class Terminated(Exception):
    """SIGTERM, as ``axonal run`` turns it into an exception (RunKilled)."""


def terminate(signum, frame):
    raise Terminated()


def build(loop: str, copy: str = ""):
    start_scope()
    seed(3)
    group = NeuronGroup(
        300,
        "dv/dt = (1.05 - v)/(10*ms) + 0.4*xi/sqrt(ms) : 1",
        threshold="v > 1",
        reset="v = 0",
        method="euler",
        name=f"cells{copy}",
    )
    group.v = "rand()"
    synapses = Synapses(group, group, "w : 1", on_pre="v += w", name=f"links{copy}")
    synapses.connect(p=0.05)
    synapses.w = "0.2*rand() - 0.1"
    synapses.delay = "3*ms*rand()"
    spikes = SpikeMonitor(group)
    trace = StateMonitor(group, "v", record=[0, 7, 123])
    objects = [group, synapses, spikes, trace]
    if loop == "python":
        calls = []

        @network_operation(dt=0.5 * ms)
        def count():
            calls.append(1)

        objects.append(count)
    return Network(*objects), spikes, trace


def main() -> None:
    target, loop = sys.argv[1:3]
    set_target(target)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, terminate)
    net, spikes, trace = build(loop)
    net.run(1 * ms)
    print("READY", flush=True)
    try:
        net.run(1e4 * second)
        print("NOT STOPPED", flush=True)
        return
    except (KeyboardInterrupt, Terminated) as stop:
        print("STOPPED", type(stop).__name__, flush=True)
    dt = defaultclock.dt_
    steps = int(round(net.t_ / dt))
    stopped = {
        "steps": steps,
        "t_is_a_step": abs(net.t_ - steps * dt) < 1e-9 * dt,
        "samples": len(trace.t_),
        "last_sample_step": int(round(trace.t_[-1] / dt)),
        "spikes_before_t": bool(np.all(spikes.t_ < net.t_ - dt / 2)),
    }
    net.run(20 * ms)
    reference, ref_spikes, ref_trace = build(loop, "_reference")
    reference.run(1 * ms)
    reference.run((steps + 200 - 10) * dt * second)
    result = {
        **stopped,
        "same_end": round(reference.t_ / dt) == round(net.t_ / dt) == steps + 200,
        "same_spikes": np.array_equal(spikes.i, ref_spikes.i)
        and np.array_equal(spikes.t_, ref_spikes.t_),
        "same_trace": np.array_equal(trace.v_, ref_trace.v_),
        "spikes": int(spikes.num_spikes),
    }
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
