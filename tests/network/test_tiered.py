"""Issue 17 item 1, tiered start: a compiled run that starts on NumPy while a forked process
compiles its loop, and continues compiled from a step boundary, gives the all-compiled run.

Each test uses an empty kernel cache (its own AXONAL_CACHE_DIR, and no module kept in this
process), so the loop really is compiled by the background process; the switch is forced at
a chosen step (``switch_at_step``) so that nothing depends on timing.
"""

import os
import signal
import sys
import threading
import time
import warnings

import numpy as np
import pytest

from axonal import *
from axonal.codegen import kernel_cache, preferences
from axonal.codegen.numba_loop import NetworkLoop
from axonal.network import run_summaries, tiered
from axonal.network.fused import loop_function_of

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="tiered start forks (Linux only)"
)

SWITCH_STEP = 337  # of 800 (80 ms at dt = 0.1 ms)
FORKING_IS_SAFE = tiered._forking_is_safe  # (the fixture replaces it)


def only_in_the_compiled_session(request) -> None:
    """Tiered start is the compiled target's: its tests run once in CI, with --target numba."""
    if request.config.getoption("--target") != "numba":
        pytest.skip("tiered start is the compiled target's: run with --target numba")


@pytest.fixture
def empty_cache(tmp_path, monkeypatch, request):
    """A kernel cache with nothing compiled, tiered start on, the Numba target."""
    only_in_the_compiled_session(request)
    monkeypatch.setenv("AXONAL_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(kernel_cache, "_loaded", {})
    for name in ("_in_flight", "_failed"):
        monkeypatch.setattr(tiered, name, {})
    monkeypatch.setattr(tiered, "_warned", set())
    monkeypatch.setattr(tiered, "switches", [])
    monkeypatch.setattr(tiered, "_reaped", [])
    monkeypatch.setattr(tiered, "_switch_seconds", [])  # (a switch measured by another test)
    monkeypatch.setattr(tiered, "_prepared", [])
    monkeypatch.setattr(tiered, "_numpy_seconds", {})
    monkeypatch.setattr(tiered, "_compiled_schedules", set())
    monkeypatch.setattr(tiered, "_cannot_fuse", set())
    monkeypatch.setattr(tiered, "_idle_core", lambda: True)  # (the test machine is loaded)
    # Threads other tests of the worker left behind (idle): the rule has its own test below.
    monkeypatch.setattr(tiered, "_forking_is_safe", lambda fused: True)
    set_target("numba")
    prefs.codegen.tiered_start = True
    yield tmp_path
    tiered.wait_for_compiles()
    prefs.codegen.tiered_start = False


def build():
    """Random initial values, random input each step (PoissonInput), spikes through
    heterogeneous delays (a spike queue that crosses the switch), three kinds of monitor.
    Every object is named: names are part of the loop's source, so two builds share it."""
    start_scope()
    seed(11)
    eqs = """
    dv/dt = (ge + gi - v) / (10*ms) : 1 (unless refractory)
    dge/dt = -ge / (5*ms) : 1
    dgi/dt = -gi / (10*ms) : 1
    """
    G = NeuronGroup(300, eqs, threshold="v > 1", reset="v = 0", refractory=2 * ms,
                    method="exact", name="cells")  # fmt: skip
    G.v = "rand()"
    S = Synapses(G, G, "w : 1", on_pre="ge += w", name="recurrent")
    S.connect(p=0.05)
    S.w = "0.2 * rand()"
    S.delay = "rand() * 3*ms"
    drive = PoissonInput(G, "ge", 20, 100 * Hz, weight=0.2, name="drive")
    spikes = SpikeMonitor(G, name="spikes")
    trace = StateMonitor(G, ["v", "ge"], record=[0, 7, 123], name="trace")
    rate = PopulationRateMonitor(G, name="rate")
    net = Network(G, S, drive, spikes, trace, rate, name="tiered_net")
    return net, G, spikes, trace, rate


def results(net, G, spikes, trace, rate) -> dict:
    return {
        "t": float(net.t_),
        "i": spikes.i[:].copy(),
        "spike_t": spikes.t_[:].copy(),
        "v": G.v_[:].copy(),
        "ge": G.ge_[:].copy(),
        "lastspike": G.lastspike_[:].copy(),
        "trace_v": trace.v_[:].copy(),
        "trace_t": trace.t_[:].copy(),
        "rate": rate.rate_[:].copy(),
        "random": np.random.get_state()[1].copy(),
    }


def assert_same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)


def all_compiled(*durations) -> dict:
    """The same model's results, all runs compiled from their first step."""
    prefs.codegen.tiered_start = False
    objects = build()
    for duration in durations:
        objects[0].run(duration)
    prefs.codegen.tiered_start = True
    return results(*objects)


@pytest.fixture(params=["with Numba", "without Numba"])
def planning(request, monkeypatch):
    """A process that has imported Numba plans the whole loop; one that has not (a script's
    first run: this test process always has) plans its schedule, and the child makes it."""
    if request.param == "without Numba":
        monkeypatch.setattr(tiered, "_numba_in_use", lambda: False)
    return request.param


def test_a_run_switched_mid_run_is_the_all_compiled_run(empty_cache, planning):
    objects = build()
    with tiered.switch_at_step(SWITCH_STEP):
        objects[0].run(80 * ms)
    assert tiered.switches == [("tiered_net", SWITCH_STEP)]
    summary = run_summaries()[-1]  # (what a run's record says: not one loop from the start)
    assert summary["tiered_start"] == {"first_step": 0, "compiled_from_step": SWITCH_STEP}
    assert summary["fused"] is False and summary["target"] == "numba"
    (loop,) = loop_function_of(objects[0])
    # This process loaded the machine code the forked one wrote: it compiled nothing.
    assert list(loop.function.stats.cache_hits.values()) == [1]
    assert not loop.function.stats.cache_misses
    switched = results(*objects)
    assert switched["i"].size > 300 and (switched["spike_t"] < SWITCH_STEP * 1e-4).any()
    objects[0].run(20 * ms)  # a second run(): compiled from its first step
    assert len(tiered.switches) == 1
    continued = results(*objects)

    assert_same(switched, all_compiled(80 * ms))
    assert_same(continued, all_compiled(80 * ms, 20 * ms))


def test_a_run_that_will_switch_makes_numbas_context_while_the_child_compiles(
    empty_cache, monkeypatch
):
    # Any run is long enough here: the decision is taken at the first step boundary.
    monkeypatch.setattr(tiered, "_FIRST_DECISION_SECONDS", 0.0)
    monkeypatch.setattr(tiered, "_COMPILE_SECONDS", -tiered._FIRST_SWITCH_SECONDS - 1.0)
    prepared_before_switching = []
    prepare = tiered._prepare_switch

    def recorded() -> None:
        prepared_before_switching.append(tiered.switches == [])
        prepare()

    monkeypatch.setattr(tiered, "_prepare_switch", recorded)
    objects = build()
    with tiered.switch_at_step(SWITCH_STEP):
        objects[0].run(80 * ms)
    assert prepared_before_switching == [True] and tiered._prepared
    assert tiered.switches == [("tiered_net", SWITCH_STEP)]
    (loop,) = loop_function_of(objects[0])
    assert list(loop.function.stats.cache_hits.values()) == [1]
    assert not loop.function.stats.cache_misses
    assert_same(results(*objects), all_compiled(80 * ms))


def test_a_short_run_ends_on_numpy_at_once_and_leaves_the_loop_cached(empty_cache, planning):
    objects = build()
    objects[0].run(2 * ms)  # 20 NumPy steps: over long before the compilation
    assert tiered.switches == []
    (background,) = tiered._in_flight.values()
    assert background.status is None  # still compiling when run() returned
    assert not tiered._prepared  # (a run ending on NumPy makes no Numba context)
    assert run_summaries()[-1]["tiered_start"]["compiled_from_step"] is None
    short = results(*objects)
    tiered.wait_for_compiles()
    assert background.compiled

    again = build()  # the same model again: the loop is in Numba's cache now
    again[0].run(2 * ms)  # too short to be worth loading it: NumPy, no new process
    assert tiered.switches == [] and not tiered._in_flight and len(tiered._reaped) == 1
    assert_same(results(*again), short)
    again = build()
    with tiered.switch_at_step(10):
        again[0].run(2 * ms)
    assert tiered.switches == [("tiered_net", 10)] and len(tiered._reaped) == 1
    (loop,) = loop_function_of(again[0])
    assert list(loop.function.stats.cache_hits.values()) == [1]  # loaded, not compiled
    assert not loop.function.stats.cache_misses
    assert_same(results(*again), short)
    assert_same(short, all_compiled(2 * ms))


@pytest.mark.slow
def test_a_failed_background_compilation_stays_on_numpy_and_warns_once(empty_cache, monkeypatch):
    def broken(self, state, dt, step0):
        raise RuntimeError("no compiler here")

    monkeypatch.setattr(NetworkLoop, "compile_only", broken)  # (the forked child has it too)
    objects = build()
    with tiered.switch_at_step(50), pytest.warns(tiered.TieredStartWarning, match="no compiler"):
        objects[0].run(20 * ms)
    assert tiered.switches == []
    with warnings.catch_warnings():
        warnings.simplefilter("error", tiered.TieredStartWarning)
        with tiered.switch_at_step(250):
            objects[0].run(20 * ms)  # stays on NumPy, no new process, no second warning
    assert tiered.switches == [] and not tiered._in_flight
    assert not loop_function_of(objects[0])[0].function.signatures  # never compiled here
    assert_same(results(*objects), all_compiled(20 * ms, 20 * ms))


@pytest.mark.slow
def test_ctrl_c_during_the_numpy_part_ends_the_background_process(empty_cache):
    objects = build()
    started = []

    def interrupt(elapsed, fraction, start, duration):
        if fraction > 0 and not started:
            started.append(fraction)
            os.kill(os.getpid(), signal.SIGINT)  # held: acted on at the step boundary

    with pytest.raises(KeyboardInterrupt):
        objects[0].run(200 * ms, report=interrupt, report_period=1 * ms)
    (background,) = tiered._reaped
    assert background.status == -signal.SIGTERM  # ended, not left compiling
    assert not tiered._failed  # not a failure of the loop: a later run compiles again
    assert 0 < objects[0].t_ < 0.2
    assert tiered.switches == []
    objects[0].run(200 * ms - objects[0].t)  # continues as if not interrupted
    assert_same(results(*objects), all_compiled(200 * ms))


def test_tiered_start_is_on_by_default_and_the_preference_takes_booleans_only(monkeypatch):
    monkeypatch.delenv(preferences.TIERED_START_VARIABLE, raising=False)
    assert preferences._default_tiered_start() is True  # (what a new process starts with)
    monkeypatch.setenv(preferences.TIERED_START_VARIABLE, "0")
    assert preferences._default_tiered_start() is False
    monkeypatch.setenv(preferences.TIERED_START_VARIABLE, "sometimes")
    with pytest.raises(ValueError, match="AXONAL_TIERED_START='sometimes'"):
        preferences._default_tiered_start()
    with pytest.raises(ValueError, match="tiered_start"):
        prefs.codegen.tiered_start = "yes"
    prefs.codegen.tiered_start = True
    assert prefs.codegen.tiered_start is True and prefs["codegen.tiered_start"] is True


@pytest.mark.parametrize("reason", ["no idle core", "another thread"])
def test_without_a_child_process_the_run_stays_on_numpy_or_compiles_itself(
    empty_cache, monkeypatch, reason, request
):
    if reason == "no idle core":
        monkeypatch.setattr(tiered, "_idle_core", lambda: False)
    else:  # fork() would copy one thread of two: no child
        monkeypatch.setattr(tiered, "_forking_is_safe", FORKING_IS_SAFE)
        done = threading.Event()
        waiting = threading.Thread(target=done.wait)
        waiting.start()
        request.addfinalizer(lambda: (done.set(), waiting.join()))
    objects = build()
    objects[0].run(2 * ms)  # NumPy finishes sooner than a compilation would
    assert not tiered._in_flight and not tiered._reaped and tiered.switches == []
    assert not loop_function_of(objects[0])[0].function.signatures
    with tiered.switch_at_step(40):
        objects[0].run(6 * ms)
    assert not tiered._reaped and tiered.switches == [("tiered_net", 40)]
    (loop,) = loop_function_of(objects[0])
    assert list(loop.function.stats.cache_misses.values()) == [1]  # compiled here
    assert_same(results(*objects), all_compiled(2 * ms, 6 * ms))


def test_a_loop_of_short_runs_loads_the_loop_once_numpy_has_cost_more_than_loading(
    empty_cache, monkeypatch
):
    objects = build()
    objects[0].run(2 * ms)  # NumPy; the child compiles
    tiered.wait_for_compiles()
    objects[0].run(2 * ms)  # in the cache now, but loading would cost more than 20 steps
    assert tiered.switches == []
    assert not loop_function_of(objects[0])[0].function.signatures
    # What the NumPy parts took so far now outweighs loading: the next run is compiled from
    # its first step (no switch: no NumPy step at all).
    (loop,) = loop_function_of(objects[0])
    spent = tiered._numpy_seconds[loop.function.py_func.__module__]
    monkeypatch.setattr(tiered, "_FIRST_SWITCH_SECONDS", spent * 0.9)
    objects[0].run(2 * ms)
    assert tiered.switches == []
    (loop,) = loop_function_of(objects[0])
    assert list(loop.function.stats.cache_hits.values()) == [1]  # loaded from the cache
    assert not loop.function.stats.cache_misses
    assert_same(results(*objects), all_compiled(2 * ms, 2 * ms, 2 * ms))


def test_store_restore_and_further_runs_around_a_tiered_start(empty_cache):
    def sequence():
        net, *rest = objects = build()
        net.run(2 * ms)  # (tiered: NumPy, a child compiles)
        net.store("early")
        with tiered.switch_at_step(40):
            net.run(6 * ms)  # (tiered: switches at step 40)
        first = results(*objects)
        net.restore("early")
        net.run(6 * ms)  # (compiled in this process now)
        return first, results(*objects)

    first, again = sequence()
    assert tiered.switches == [("tiered_net", 40)]
    prefs.codegen.tiered_start = False
    expected_first, expected_again = sequence()
    assert_same(first, expected_first)
    assert_same(again, expected_again)


def test_stop_during_the_numpy_part_leaves_the_child_compiling_for_the_next_run(empty_cache):
    objects = build()

    def stop_once(elapsed, fraction, start, duration):
        if fraction > 0:
            objects[0].stop()

    objects[0].run(50 * ms, report=stop_once, report_period=1 * ms)
    assert 0 < objects[0].t_ < 0.05
    (background,) = tiered._in_flight.values() or tiered._reaped
    assert background.status in (None, 0)  # not ended: stop() is no signal
    with tiered.switch_at_step(round(objects[0].t_ / 1e-4) + 5):
        objects[0].run(50 * ms - objects[0].t)
    assert len(tiered._reaped) == 1 and not tiered._in_flight  # the same child, reaped
    assert tiered._reaped[0].compiled and len(tiered.switches) == 1
    assert_same(results(*objects), all_compiled(50 * ms))


def test_a_run_that_raises_during_the_numpy_part_keeps_its_steps_and_its_child(empty_cache):
    objects = build()

    def fails(elapsed, fraction, start, duration):
        if fraction > 0:
            raise ValueError("the report failed")

    with pytest.raises(ValueError, match="the report failed"):
        objects[0].run(50 * ms, report=fails, report_period=1 * ms)
    assert 0 < objects[0].t_ < 0.05
    assert not tiered._failed and tiered.switches == []
    (background,) = tiered._in_flight.values() or tiered._reaped
    assert background.status in (None, 0)  # the loop is still good: left compiling
    with tiered.switch_at_step(round(objects[0].t_ / 1e-4) + 5):
        objects[0].run(50 * ms - objects[0].t)
    assert len(tiered.switches) == 1 and len(tiered._reaped) == 1
    assert_same(results(*objects), all_compiled(50 * ms))


def test_ctrl_c_of_a_terminal_reaches_the_child_which_goes_on_compiling(empty_cache):
    # A terminal's Ctrl-C goes to the whole process group: the run holds it (tested above),
    # the child ignores it.
    objects = build()
    objects[0].run(1 * ms)
    (background,) = tiered._in_flight.values()
    os.kill(background.pid, signal.SIGINT)
    tiered.wait_for_compiles()
    assert background.compiled and not tiered._failed


def test_a_network_operation_runs_as_before_without_a_child(empty_cache):
    def network(tiered_start: bool) -> dict:
        prefs.codegen.tiered_start = tiered_start
        net, G, *rest = objects = build()
        kicks = []

        @network_operation(dt=1 * ms, name="kick")
        def kick(t):
            kicks.append(float(t))
            G.v[:10] = G.v[:10] + 0.1

        net.add(kick)
        net.run(5 * ms)
        return {**results(*objects), "kicks": np.array(kicks)}

    with_tiered_start = network(True)
    assert not tiered._in_flight and not tiered._reaped and tiered.switches == []
    assert run_summaries()[-1]["fused"] is False  # the step loop, compiled kernels
    assert_same(with_tiered_start, network(False))


def test_a_forked_process_does_not_inherit_the_compiling_child(empty_cache):
    objects = build()
    objects[0].run(1 * ms)
    (background,) = tiered._in_flight.values()
    pid = os.fork()
    if pid == 0:  # (as multiprocessing's fork, or a sweep forking its interpreter)
        os._exit(0 if not tiered._in_flight else 1)  # (its parent's child is not its own)
    assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
    tiered.wait_for_compiles()
    assert background.compiled


def lif_network(name: str):
    """A deterministic network (no random numbers), on a clock of its own: two of them may run
    at once in two threads. "second" has synaptic currents: a loop of its own."""
    clock = Clock(0.1 * ms, name=f"{name}_clock")
    current = name == "second"
    equations = "dv/dt = (drive + I - v) / (10*ms) : 1\ndrive : 1\n"
    equations += "dI/dt = -I / (5*ms) : 1" if current else "I : 1"
    G = NeuronGroup(100, equations, threshold="v > 1", reset="v = 0", method="exact",
                    clock=clock, name=f"{name}_cells")  # fmt: skip
    G.drive = "1.05 + 0.5 * i / N"
    on_pre = "I += 0.05" if current else "v += 0.02"
    S = Synapses(G, G, on_pre=on_pre, clock=clock, name=f"{name}_synapses")
    S.connect(condition="(i + 2 * j) % 9 == 0")
    S.delay = "(i % 5) * 0.3*ms"
    spikes = SpikeMonitor(G, name=f"{name}_spikes")
    return Network(G, S, spikes, name=name), G, spikes


@pytest.mark.parametrize("concurrently", [False, True], ids=["one after the other", "threads"])
def test_two_networks_each_get_their_own_childs_loop(empty_cache, monkeypatch, concurrently):
    networks = {name: lif_network(name) for name in ("first", "second")}
    for net, _, _ in networks.values():
        net.run(1 * ms)  # NumPy; a child each
    children = {b.module: b for b in tiered._in_flight.values()}
    assert len(children) == 2
    monkeypatch.setattr(tiered, "_forking_is_safe", FORKING_IS_SAFE)  # (threads: no new fork)
    errors = []

    def go_on(net) -> None:
        try:
            net.run(9 * ms)
        except BaseException as error:  # noqa: BLE001 (reported by the test's thread)
            errors.append(error)

    with tiered.switch_at_step(40):
        if concurrently:
            threads = [threading.Thread(target=go_on, args=(n,)) for n, _, _ in networks.values()]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        else:
            for net, _, _ in reversed(networks.values()):
                go_on(net)
    assert not errors
    assert sorted(tiered.switches) == [("first", 40), ("second", 40)]
    assert not tiered._in_flight and all(b.compiled for b in children.values())
    found = {
        name: (spikes.i[:].copy(), G.v_[:].copy()) for name, (_, G, spikes) in networks.items()
    }
    for net, _, _ in networks.values():
        (loop,) = loop_function_of(net)  # each loaded its own loop, compiled by its own child
        assert list(loop.function.stats.cache_hits.values()) == [1]
        assert not loop.function.stats.cache_misses
    assert {
        loop_function_of(n)[0].function.py_func.__module__ for n, _, _ in networks.values()
    } == set(children)
    prefs.codegen.tiered_start = False
    for name in networks:
        net, G, spikes = lif_network(name)
        net.run(10 * ms)
        np.testing.assert_array_equal(found[name][0], spikes.i[:])
        np.testing.assert_array_equal(found[name][1], G.v_[:])


def test_a_child_never_runs_longer_than_its_limit(empty_cache, monkeypatch):
    monkeypatch.setattr(NetworkLoop, "compile_only", lambda self, *arguments: time.sleep(60))
    monkeypatch.setattr(tiered, "_CHILD_SECONDS_LIMIT", 1)
    objects = build()
    objects[0].run(1 * ms)
    (background,) = tiered._in_flight.values()
    started = time.monotonic()
    tiered.wait_for_compiles()
    assert background.status == -signal.SIGALRM and time.monotonic() - started < 30
    with pytest.warns(tiered.TieredStartWarning, match="took longer than 1 s"):
        objects[0].run(1 * ms)  # on NumPy; this loop's later runs too
    assert_same(results(*objects), all_compiled(1 * ms, 1 * ms))


def unnamed_model():
    """A model whose objects take the names axonal gives them (as most scripts do): each
    new network of it is another schedule, but the same loop source."""
    start_scope()
    seed(3)
    G = NeuronGroup(300, "dv/dt = (1.2 - v) / (10*ms) : 1", threshold="v > 1", reset="v = 0",
                    method="exact")  # fmt: skip
    G.v = "rand()"
    S = Synapses(G, G, on_pre="v += 0.01")
    S.connect(p=0.05)
    spikes = SpikeMonitor(G)
    return Network(G, S, spikes), G, spikes


def test_new_networks_of_one_model_in_turn_fork_one_child_and_then_run_compiled(
    empty_cache, monkeypatch
):
    """A loop of run() over new networks of one model (a parameter scan in one script): only
    the first run is planned without Numba; later ones find the loop by its source, which
    every such network shares, so no second child compiles it again."""
    monkeypatch.setattr(tiered, "_numba_in_use", lambda: False)
    forked = []
    fork_compile = tiered._fork_compile
    monkeypatch.setattr(tiered, "_fork_compile", lambda *a: forked.append(a) or fork_compile(*a))
    net, G, spikes = unnamed_model()
    net.run(2 * ms)  # NumPy; the child compiles
    tiered.wait_for_compiles()
    monkeypatch.setattr(tiered, "_FIRST_SWITCH_SECONDS", 0.0)  # (loading pays at once)
    monkeypatch.setattr(tiered, "_NUMBA_IMPORT_SECONDS", 0.0)
    for _ in range(2):
        net, G, spikes = unnamed_model()
        net.run(2 * ms)
    assert len(forked) == 1
    (loop,) = loop_function_of(net)
    assert loop.function.signatures  # the last network ran compiled
    compiled_spikes = spikes.i[:].copy(), spikes.t_[:].copy()
    prefs.codegen.tiered_start = False
    net, G, spikes = unnamed_model()
    net.run(2 * ms)
    prefs.codegen.tiered_start = True
    np.testing.assert_array_equal(compiled_spikes[0], spikes.i[:])
    np.testing.assert_array_equal(compiled_spikes[1], spikes.t_[:])
