"""The stepped run interprets the same schedule as the compiled loop: one run protocol.

Every object states its work once (``scheduled_items``); the NumPy target runs those items step
by step (axonal/network/stepped.py), the Numba target compiles them into one loop. The stepped
run on either target's kernels and the fused loop must agree bit for bit, a run may change
runner at any step boundary, and user code reads monitors as they stand.
"""

import gc

import numpy as np
import pytest

from axonal import *
from axonal.codegen.targets import set_target
from axonal.network.base import SimulationObject
from axonal.network.network import spike_digest
from axonal.network.operation import NetworkOperation
from axonal.network.stepped import SteppedRun


@pytest.fixture(autouse=True)
def fresh_scope():
    start_scope()
    yield
    set_target("numpy")
    gc.collect()


def _network():
    """Every kind of item at once: a state update with refractoriness, thresholds and resets,
    pathways without delay, with one delay and with a delay per synapse, a periodic spike
    generator, PoissonInput onto a subgroup, a summed variable, a subgroup's run_regularly,
    and spike, event (with a subexpression), state (subexpression) and rate (subgroup)
    monitors."""
    seed(11)
    eqs = """
    dv/dt = (ge - gi - v + I) / (10*ms) : 1 (unless refractory)
    dge/dt = -ge / (5*ms) : 1
    dgi/dt = -gi / (8*ms) : 1
    I : 1
    load : 1
    drive = 2 * v + ge + load : 1
    """
    group = NeuronGroup(60, eqs, threshold="v > 1", reset="v = 0", refractory=2 * ms,
                        method="euler", name="cells")  # fmt: skip
    group.v = "rand()"
    group.I = "0.9 + 0.3 * rand()"
    generator = SpikeGeneratorGroup(5, [0, 1, 2, 3, 4], [1, 2, 3, 4, 5] * ms, period=7 * ms,
                                    name="generator")  # fmt: skip
    fast = Synapses(group, group, on_pre="ge += 0.05", name="fast")
    fast.connect(p=0.1)
    late = Synapses(group, group, on_pre="gi += 0.08", delay=1.5 * ms, name="late")
    late.connect(p=0.1)
    spread = Synapses(generator, group, on_pre="ge += 0.3", name="spread")
    spread.connect(p=0.5)
    spread.delay = "rand() * 3*ms"
    summed = Synapses(group, group, "w : 1\nload_post = w * v_pre : 1 (summed)", name="summed")
    summed.connect(p=0.05)
    summed.w = "rand() * 0.1"
    poisson = PoissonInput(group[10:30], "v", 20, 50 * Hz, weight=0.02, name="poisson")
    regular = group[40:].run_regularly("v = v * 0.99", dt=1 * ms, name="regular")
    spikes = SpikeMonitor(group, name="spikes")
    events = EventMonitor(group, "spike", variables="drive", name="events")
    trace = StateMonitor(group, ["v", "drive"], record=[0, 17, 45], name="trace")
    rate = PopulationRateMonitor(group[20:50], name="rate")
    generated = SpikeMonitor(generator, name="generated")
    objects = [group, generator, fast, late, spread, summed, poisson, regular, spikes, events,
               trace, rate, generated]  # fmt: skip
    return Network(*objects), dict(spikes=spikes, events=events, trace=trace, rate=rate,
                                   generated=generated, group=group)  # fmt: skip


def _results(parts) -> dict:
    spikes, events, trace, rate = parts["spikes"], parts["events"], parts["trace"], parts["rate"]
    return {
        "spikes": spike_digest(spikes.i, spikes.t_),
        "generated": spike_digest(parts["generated"].i, parts["generated"].t_),
        "events_drive": events.drive_.tobytes(),
        "count": events.count.tobytes(),
        "trace_t": trace.t_.tobytes(),
        "trace_v": trace.v_.tobytes(),
        "trace_drive": trace.drive_.tobytes(),
        "rate": rate.rate_.tobytes(),
        "v": parts["group"].v_.tobytes(),
        "gi": parts["group"].gi_.tobytes(),
    }


def _run(target: str, durations, profile=False):
    set_target(target)
    start_scope()
    net, parts = _network()
    for duration in durations:
        net.run(duration, profile=profile)
    return _results(parts), parts


def test_only_user_code_implements_the_python_step_protocol():
    """before_run/operations are left to user Python code; every simulator object gives
    scheduled items instead (the NumPy target has no protocol of its own)."""
    import axonal.brian1  # noqa: F401  (its classes too)
    import axonal.pynn  # noqa: F401
    import axonal.spatial  # noqa: F401

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    python_protocol = sorted(
        sub.__qualname__
        for sub in subclasses(SimulationObject)
        if not issubclass(sub, NetworkOperation)
        and ("operations" in sub.__dict__ or "before_run" in sub.__dict__)
    )
    assert python_protocol == []
    assert "scheduled_items" in NeuronGroup.__dict__


def test_the_stepped_run_agrees_bit_for_bit_with_the_fused_loop():
    numpy_results, parts = _run("numpy", [12 * ms, 13 * ms])
    assert (
        parts["spikes"].num_spikes > 50 and parts["generated"].num_spikes == 18
    )  # 1..5 ms + 7k ms, before 25 ms
    assert len(parts["rate"].rate_) == 250 and np.any(parts["rate"].rate_ > 0)
    fused_results, _ = _run("numba", [12 * ms, 13 * ms])
    stepped_numba, _ = _run("numba", [12 * ms, 13 * ms], profile=True)  # stepped, Numba kernels
    assert fused_results == numpy_results
    assert stepped_numba == numpy_results


def test_a_run_changes_runner_at_a_step_boundary_as_if_it_had_not():
    """Stepped (NumPy) for a while, then the compiled loop from the objects' state, then
    stepped again: spikes queued in the delay rings, the generator's place and the monitors
    carry over."""
    whole, _ = _run("numpy", [25 * ms])
    set_target("numpy")
    start_scope()
    net, parts = _network()
    for target, duration in (("numpy", 7.3 * ms), ("numba", 9 * ms), ("numpy", 8.7 * ms)):
        set_target(target)
        net.run(duration)
    assert _results(parts) == whole


def test_user_code_reads_the_monitors_up_to_the_current_step():
    set_target("numpy")
    group = NeuronGroup(20, "dv/dt = (1.5 + 0.05 * i - v) / (5*ms) : 1", threshold="v > 1",
                        reset="v = 0", method="exact")  # fmt: skip
    spikes = SpikeMonitor(group)
    trace = StateMonitor(group, "v", record=[3])
    seen = []

    @network_operation(when="end")
    def look(t):
        seen.append((float(t), spikes.num_spikes, len(trace.t_)))

    run(10 * ms)
    times = spikes.t_
    for t, count, samples in seen:
        assert count == np.sum(times <= t + 1e-12)  # this step's spikes included
        assert samples == round(t / float(defaultclock.dt)) + 1
    assert len(seen) == 100


def test_runners_are_stepped_on_numpy_and_with_user_code(monkeypatch):
    made = []
    original = SteppedRun.__init__

    def noted(self, *args, **kwargs):
        made.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(SteppedRun, "__init__", noted)
    set_target("numpy")
    group = NeuronGroup(2, "dv/dt = 1/second : 1", method="euler")
    run(1 * ms)
    assert len(made) == 1 and made[0].user_code is False
    nothing = network_operation(lambda: None)
    set_target("numba")
    run(1 * ms)  # user code: the Numba target steps too
    assert len(made) == 2 and made[1].user_code is True
    del group, nothing


def test_a_runner_stopped_at_a_step_boundary_hands_over_within_one_run(monkeypatch):
    """What a tiered start does inside one run(): the stepped runner until a step boundary
    (``stopped()`` true), then the compiled loop built from the objects' state to the end."""
    from axonal.network.base import RunContext
    from axonal.network.random import numpy_stream_in_compiled_code

    whole, _ = _run("numpy", [25 * ms])
    reports = []
    planned_runner = Network._runner  # (the network's own, replaced below)

    class Handover:
        def __init__(self, network, objects, clocks, context, end):
            self.network, self.objects, self.clocks = network, objects, clocks
            self.first = SteppedRun(network, objects, clocks, context)

        def run(self, end, report, report_every, stopped):
            switch = lambda: stopped() or self.clocks[0].t_ >= 11.05e-3  # noqa: E731
            self.first.run(end, report, report_every, switch)
            context = RunContext(self.first.context.namespace, "numba", state={})
            second = planned_runner(self.network, "numba", self.objects, self.clocks, context,
                                    end, None)  # fmt: skip
            assert not isinstance(second, SteppedRun)  # the compiled loop
            with numpy_stream_in_compiled_code():  # (as Network.run wraps a fused run)
                second.run(end, report, report_every, stopped)

    def runner(self, target, objects, clocks, context, end, profile):
        return Handover(self, objects, clocks, context, end)

    set_target("numpy")
    start_scope()
    net, parts = _network()
    monkeypatch.setattr(type(net), "_runner", runner)
    net.run(25 * ms, report=lambda elapsed, done, start, duration: reports.append(done))
    assert _results(parts) == whole
    assert reports[0] == 0 and reports[-1] == 1 and any(0.4 < done < 0.5 for done in reports)
