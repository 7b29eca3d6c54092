"""The fused run (axonal/network/fused.py): one compiled loop per run, called in stretches
(progress reports, stop signals), kept between runs; the fallbacks to the Python loop."""

import logging
import time

import numpy as np
import pytest

import axonal
from axonal import *
from axonal.codegen.numba_loop import NetworkLoop
from axonal.codegen.targets import set_target
from axonal.network.fused import loop_function_of
from tests.test_targets_agree import (
    CONSTANTS,
    assert_same,
    count_fused_steps,
    cuba_network,
    results,
)

pytestmark = pytest.mark.usefixtures("collect_garbage")


@pytest.fixture
def numba_target():
    set_target("numba")
    yield
    set_target("numpy")


@pytest.fixture(params=["numpy", "numba"])
def on_both_targets(request):
    set_target(request.param)
    yield request.param
    set_target("numpy")


@pytest.fixture
def loop_runs(monkeypatch):
    """The steps of each fused run since the test began (a run calls its compiled loop in
    stretches of about STRETCH_SECONDS, see axonal/network/fused.py)."""
    return count_fused_steps(monkeypatch)


def test_a_run_is_one_fused_run_and_keeps_its_compiled_loop(numba_target, loop_runs):
    axonal.start_scope()
    net, _ = cuba_network()
    net.run(20 * ms, namespace=CONSTANTS)
    assert loop_runs == [200]
    net.run(5 * ms, namespace=CONSTANTS)
    assert loop_runs == [200, 50]
    assert len(loop_function_of(net)) == 1  # the second run reused the compiled loop
    assert net.t_ == pytest.approx(25e-3)
    assert defaultclock.timestep == 250


def test_a_reported_run_returns_for_each_report_and_gives_the_same_results(numba_target, loop_runs):
    axonal.start_scope()
    net, monitors = cuba_network()
    net.run(30 * ms, namespace=CONSTANTS)
    whole = results(net, monitors)

    axonal.start_scope()
    net, monitors = cuba_network()
    reports = []
    net.run(
        30 * ms,
        namespace=CONSTANTS,
        report=lambda wall, done, start, duration: reports.append(float(done)),
        report_period=0 * second,  # as often as possible: every stretch
    )
    assert loop_runs == [300, 300]
    assert reports[-1] == 1.0 and reports == sorted(reports) and len(reports) > 2
    assert reports[0] == 0.0  # the call at the start
    assert_same(whole, results(net, monitors))


def test_reported_times_leave_out_the_first_step_that_compiles(numba_target, monkeypatch):
    """As in Brian 2, whose clock starts after its code is built: an estimate of the time
    remaining does not extrapolate the compilation. A slow compilation is simulated by a
    compile step that takes 1 s more."""
    axonal.start_scope()
    net, _ = cuba_network()
    original = NetworkLoop.compile

    def slow_compile(self, *args, **kwargs):
        time.sleep(1.0)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(NetworkLoop, "compile", slow_compile)
    elapsed = []
    began = time.perf_counter()
    net.run(
        20 * ms,
        namespace=CONSTANTS,
        report=lambda wall, done, start, duration: elapsed.append(float(wall)),
        report_period=0 * second,
    )
    whole_run = time.perf_counter() - began
    assert elapsed[0] == 0.0 and len(elapsed) > 2
    assert elapsed[-1] <= whole_run - 1.0


def test_events_of_the_last_step_are_kept(numba_target):
    axonal.start_scope()
    G = SpikeGeneratorGroup(4, [1, 3, 2], [0.2, 0.2, 0.4] * ms)
    H = NeuronGroup(4, "v : 1", threshold="v > 0", reset="v = 0")
    S = Synapses(G, H, on_pre="v_post += 1")
    S.connect(j="i")
    net = Network(G, H, S)
    net.run(0.3 * ms)
    np.testing.assert_array_equal(G.events["spike"], [1, 3])
    net.run(0.1 * ms)
    np.testing.assert_array_equal(G.events["spike"], [])
    np.testing.assert_array_equal(H.events["spike"], [1, 3])


def former_fallbacks():
    """One network with every case that used to leave the fused loop for the Python loop:
    PoissonInput onto a subgroup (its weight reading the subgroup's own ``i``), a summed
    variable into a subgroup, event monitors recording variables (stored, subexpression,
    shared, index; of a group and of a subgroup), a state monitor of a subgroup's
    subexpression and of a shared variable."""
    G = NeuronGroup(
        6,
        """dv/dt = (I_syn - v) / (5*ms) : 1
           I = 2*v + i : 1
           I_syn : 1
           level : 1 (shared)""",
        threshold="v > 0.3",
        reset="v = 0",
        method="exact",
    )
    G.level = 0.25
    source = PoissonGroup(4, 300 * Hz)
    S = Synapses(source, G[3:], "w : 1\nI_syn_post = w : 1 (summed)", on_pre="v_post += 0.1")
    S.connect(p=0.7)
    S.w = "0.2 * (i + 1)"
    drive = PoissonInput(G[1:4], "v", 20, 200 * Hz, weight="0.05 * (i == 0) + 0.01")
    all_spikes = SpikeMonitor(G, variables=["v", "I", "level", "i"])
    part_spikes = SpikeMonitor(G[2:5], variables=["I", "i"])
    part_state = StateMonitor(G[2:], ["I", "level", "v"], record=[0, 3])
    net = Network(G, source, S, drive, all_spikes, part_spikes, part_state)
    net.run(15 * ms)
    monitors = {"all": all_spikes, "part": part_spikes}
    found = {
        f"{name}.{column}": np.asarray(getattr(monitor, column))
        for name, monitor in monitors.items()
        for column in ["i", "t_", *(f"{v}_" for v in monitor.record_variables)]
    }
    found.update({f"state.{name}": getattr(part_state, f"{name}_") for name in ["I", "level", "v"]})
    found["v"] = G.v_[:]
    return found


def test_former_fallbacks_run_fused_and_agree_with_numpy(loop_runs, caplog):
    set_target("numpy")
    axonal.start_scope()
    axonal.seed(11)
    expected = former_fallbacks()
    set_target("numba")
    try:
        axonal.start_scope()
        axonal.seed(11)
        with caplog.at_level(logging.INFO, logger="axonal.network"):
            found = former_fallbacks()
    finally:
        set_target("numpy")
    assert loop_runs == [150] and "runs in the Python loop" not in caplog.text
    assert len(expected["all.i"]) > 20 and len(expected["part.i"]) > 5  # the monitors saw spikes
    for key, values in expected.items():
        np.testing.assert_array_equal(found[key], values, err_msg=key)
    # What each records is what it says: the subgroup's own index, its subexpression.
    np.testing.assert_array_equal(expected["part.i_"], expected["part.i"])
    np.testing.assert_array_equal(expected["all.level_"], 0.25)
    assert set(expected["part.i"]) <= {0, 1, 2}
    np.testing.assert_array_equal(expected["state.level"], 0.25)
    np.testing.assert_allclose(expected["state.I"], 2 * expected["state.v"] + [[0], [3]])


def test_poisson_input_onto_a_subgroup_reads_the_subgroups_own_index(on_both_targets):
    axonal.start_scope()
    G = NeuronGroup(5, "v : 1")
    drive = PoissonInput(G[2:], "v", 50, 400 * Hz, weight="1.0 * (i == 0)")
    net = Network(G, drive)
    net.run(5 * ms)
    assert G.v_[2] > 10  # about 50 * 400 Hz * 5 ms = 100 inputs
    np.testing.assert_array_equal(G.v_[[0, 1, 3, 4]], 0)


def periodic_input():
    G = SpikeGeneratorGroup(3, [0, 2, 1], [0.3, 0.3, 1.1] * ms, period=2 * ms)
    H = NeuronGroup(3, "v : 1", threshold="v > 0.5", reset="v = 0")
    S = Synapses(G, H, on_pre="v_post += 1", delay=0.2 * ms)
    S.connect(j="i")
    spikes, generated = SpikeMonitor(H), SpikeMonitor(G)
    net = Network(G, H, S, spikes, generated)
    for duration in (3.05 * ms, 0.05 * ms, 4 * ms):  # stops inside a period, between spikes
        net.run(duration)
    return spikes, generated


def test_a_periodic_spike_generator_is_fused_and_keeps_its_place(loop_runs):
    set_target("numpy")
    expected = periodic_input()
    set_target("numba")
    try:
        found = periodic_input()
    finally:
        set_target("numpy")
    # The 0.05 ms run starts at 3.05 ms, after the step of 3.0 ms has run and before that of
    # 3.1 ms would begin: it has no step (as in Brian 2, which rounds the start up to the grid).
    assert len(loop_runs) == 3 and loop_runs[1] == 0
    np.testing.assert_allclose(
        expected[1].t / ms, [0.3, 0.3, 1.1, 2.3, 2.3, 3.1, 4.3, 4.3, 5.1, 6.3, 6.3]
    )
    for monitors in zip(expected, found, strict=True):
        np.testing.assert_array_equal(monitors[1].i, monitors[0].i)
        np.testing.assert_array_equal(monitors[1].t_, monitors[0].t_)


def test_a_state_monitor_of_a_subexpression_is_fused(numba_target, loop_runs):
    axonal.start_scope()
    G = NeuronGroup(3, "dv/dt = (2 - v) / (10*ms) : 1\nI = 2*v - 1 : 1", method="exact")
    G.v = [0, 0.5, 1]
    M = StateMonitor(G, ["I", "v"], record=[0, 2])
    Network(G, M).run(2 * ms)
    assert loop_runs == [20]
    np.testing.assert_array_equal(M.I_, 2 * M.v_ - 1)
    np.testing.assert_allclose(M.v_[1], 2 - np.exp(-M.t_ / 0.01), rtol=1e-12)
