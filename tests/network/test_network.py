"""Network, clocks, the schedule, run(), store/restore and network operations."""

import numpy as np
import pytest

from axonal import *
from axonal.network.base import ScheduleError, schedule_position
from axonal.network.clock import ClockError


def test_consecutive_runs_continue_in_time():
    start_scope()
    times = []
    op = NetworkOperation(lambda t: times.append(round(float(t / ms), 6)), dt=1 * ms)
    net = Network(op)
    net.run(3 * ms)
    net.run(2 * ms)
    assert times == [0, 1, 2, 3, 4]
    assert net.t / ms == pytest.approx(5)


def test_operations_follow_the_schedule_then_order():
    start_scope()
    calls = []
    ops = [
        NetworkOperation(lambda: calls.append("end"), when="end"),
        NetworkOperation(lambda: calls.append("start-2"), when="start", order=2),
        NetworkOperation(lambda: calls.append("start-1"), when="start", order=1),
        NetworkOperation(lambda: calls.append("before_resets"), when="before_resets"),
    ]
    Network(ops).run(defaultclock.dt)
    assert calls == ["start-1", "start-2", "before_resets", "end"]


def test_objects_with_different_clocks_run_at_their_own_steps():
    start_scope()
    fast, slow = [], []
    net = Network(
        NetworkOperation(lambda t: fast.append(round(float(t / ms), 6)), dt=0.5 * ms),
        NetworkOperation(lambda t: slow.append(round(float(t / ms), 6)), dt=2 * ms),
    )
    net.run(4 * ms)
    assert fast == [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]
    assert slow == [0, 2]


def test_magic_run_collects_objects_of_the_current_scope_only():
    start_scope()
    seen = []

    @network_operation
    def old():
        seen.append("old")

    start_scope()

    @network_operation
    def new():
        seen.append("new")

    run(2 * defaultclock.dt)
    assert seen == ["new", "new"]
    assert old is not None


def test_store_and_restore_bring_back_time():
    start_scope()
    net = Network(NetworkOperation(lambda: None))
    net.run(1 * ms)
    net.store("after one")
    net.run(2 * ms)
    net.restore("after one")
    assert net.t / ms == pytest.approx(1)
    with pytest.raises(KeyError, match="no stored state 'missing'"):
        net.restore("missing")


def test_bad_durations_and_time_steps_are_refused():
    start_scope()
    net = Network(NetworkOperation(lambda: None))
    with pytest.raises(DimensionMismatchError, match="must be a time"):
        net.run(5 * mV)
    with pytest.raises(Exception, match="negative duration"):
        net.run(-1 * ms)
    with pytest.raises(ClockError, match="positive"):
        Clock(dt=0 * ms)
    with pytest.raises(ScheduleError, match="unknown schedule slot 'middle'"):
        schedule_position("middle")


def test_an_error_during_a_run_leaves_time_at_the_last_completed_step():
    start_scope()
    steps = []

    def fail_at_third_step():
        steps.append(1)
        if len(steps) == 3:
            raise RuntimeError("boom")

    net = Network(NetworkOperation(fail_at_third_step))
    with pytest.raises(RuntimeError, match="boom"):
        net.run(10 * defaultclock.dt)
    assert net.t / defaultclock.dt == pytest.approx(2)


def test_progress_report_goes_to_a_function():
    start_scope()
    reports = []
    net = Network(NetworkOperation(lambda: None))
    net.run(1 * ms, report=lambda *args: reports.append(args), report_period=0 * second)
    # Brian 2's arguments and order: wall time, completed fraction, start, duration.
    wall, fraction, start, duration = reports[-1]
    assert fraction == pytest.approx(1.0) and start / ms == 0
    assert duration / ms == pytest.approx(1)
    assert reports[0][:2] == (0 * second, 0.0)  # called once at the start


def test_seed_makes_random_numbers_repeat():
    seed(4)
    first = np.random.rand(3)
    seed(4)
    assert np.array_equal(first, np.random.rand(3))


@pytest.mark.parametrize("target", ["numpy", "numba"])
def test_run_summaries_say_what_ran(target):
    from axonal.codegen.targets import set_target
    from axonal.network.network import run_summaries

    set_target(target)
    start_scope()
    seed(21)
    net = Network(NetworkOperation(lambda: None))  # needs Python each step: never fused
    net.run(1 * ms)
    summary = run_summaries()[-1]
    assert summary["seed"] == 21 and summary["target"] == target and not summary["fused"]
    assert summary["duration"] == pytest.approx(0.001)
