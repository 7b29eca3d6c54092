"""Tiered start: a compiled run begins on the NumPy target while another process compiles its loop.

With ``prefs.codegen.tiered_start`` on (the default; False runs compiled from the first step),
a run on the compiled target whose fused loop is
compiled neither in this process nor in Numba's cache on disk forks a process that compiles
the loop (writing Numba's cache next to the generated module) and meanwhile runs on the NumPy
target. At the first step boundary after the child exits, if what remains would take longer
on NumPy than the switch costs, the run continues in the compiled loop, which loads the
machine code from the cache. A step boundary is a commit point (the objects hold the whole
state) and both targets compute bit for bit alike from the same random stream, so the result
is the all-compiled run's. A run that ends first never waits: the child goes on and its cache
serves the next run. A loop found in the cache is not loaded at once either: loading costs
Numba's typing and target context (about 0.5 s), so a run that NumPy finishes sooner stays on
NumPy; the decision is taken after 20 ms of NumPy steps. On a machine without an idle core
(load average), a child would only slow the run down: no child then, and the same decision
is taken against compiling in this process. A run that will outlast the child makes Numba's
context while the child compiles (``_prepare_switch``), so that its switch only loads the loop.
Many short runs of one loop are not left on NumPy for ever: once the NumPy parts of its runs
in this process have taken longer than having the loop costs, the next run loads (or compiles) it.

A child left compiling when its process ends finishes on its own (the next process finds the
loop in the cache), never longer than ``_CHILD_SECONDS_LIMIT``, and holds none of the process's
standard streams (nobody reading them waits for it); a stop signal for the run ends it; a
process forked from this one (a sweep's interpreter, multiprocessing) does not inherit it.
See ARCHITECTURE.md, "Tiered start".

A process that has not imported Numba yet plans only the loop's schedule and lets the child
make the loop and import Numba (``_plan_without_numba``): a run that ends on NumPy then costs
what the NumPy target costs.

A forked child, not a thread: Numba's compilation holds the GIL. Not a fresh interpreter:
importing Numba and the model would cost more than the compilation (0.5-1 s); fork costs 5 ms.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from axonal.codegen.preferences import tiered_start
from axonal.codegen.schedule import ScheduledItemError
from axonal.network.base import RunContext
from axonal.network.fused import (
    FusedRun,
    FusedScheduleError,
    _register_seed_hook,
    plan_fused_run,
    schedule_of,
)
from axonal.network.random import numpy_stream_in_compiled_code
from axonal.network.stepped import SteppedRun

__all__: list[str] = []  # internal: switched on by prefs.codegen.tiered_start

logger = logging.getLogger("axonal.network")

# How often the NumPy part asks whether the child has exited (a waitpid system call), and
# after how long it first does (the NumPy steps until then estimate NumPy's speed).
_CHECK_SECONDS = 0.01
_FIRST_DECISION_SECONDS = 0.02
# A cold compilation in this process (CUBA: 0.9 s of Numba's compiler, 0.2 s of code around it;
# Numba's context is the switch's cost), for a machine without an idle core.
_COMPILE_SECONDS = 1.1
# What a switch costs before one was measured here: Numba's typing and target context on first
# use (0.4-0.6 s on the project's machine), loading the loop from the cache (~0.02 s).
_FIRST_SWITCH_SECONDS = 0.5
# Importing Numba (its import, not yet its context), which a run planned without it pays at
# the switch, and its child before compiling.
_NUMBA_IMPORT_SECONDS = 0.3
_SECOND_SWITCH_SECONDS = 0.05
# The longest a child may take, in wall seconds: a compilation takes 1-3 s (30 s at load 20 on
# two cores); a child is never left running without bound, even if its process has ended.
_CHILD_SECONDS_LIMIT = 300
_switch_seconds: list[float] = []  # measured in this process, most recent last
_prepared: list[bool] = []  # Numba's context made in this process (by _prepare_switch)

_in_flight: dict[str, BackgroundCompile] = {}  # loop module -> the child compiling it
_failed: dict[str, str] = {}  # loop module -> why its background compilation failed
_warned: set[str] = set()  # the modules whose failure was reported (once)
_reaped: list[BackgroundCompile] = []  # finished children, for their CPU time
_forced_step: list[int] = []  # switch_at_step(k)
_numpy_seconds: dict[str | tuple, float] = {}  # loop -> wall seconds its runs spent on NumPy here
# Loops planned without Numba (keyed by their schedule): compiled by a child into the cache, or
# not fusable after all (a user function without Numba code: the usual path says so).
_compiled_schedules: set[tuple] = set()
_cannot_fuse: set[tuple] = set()
_CANNOT_FUSE = 3  # the child's exit status for the latter
switches: list[tuple[str, int]] = []  # (network, step) of each switch, for tests and benchmarks


class TieredStartWarning(UserWarning):
    """The loop's background compilation failed: the run stays on the NumPy target."""


@dataclass
class BackgroundCompile:
    """A forked process compiling one loop; ``poll()`` says whether it has exited."""

    module: str | tuple  # the loop's module, or its schedule when planned without Numba
    pid: int
    messages: int  # the read end of a pipe: the child's error, if it fails
    cached: Callable[[], bool] = field(default=lambda: False, repr=False)  # in Numba's cache?
    status: int | None = None  # the exit status once reaped (0: compiled)
    error: str = ""
    cpu_seconds: float = 0.0  # the child's user + system CPU time, once reaped
    # Two runs in two threads may poll one child: one of them reaps it.
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def poll(self, block: bool = False) -> bool:
        """Whether the child has exited (reaping it and reading its message if so)."""
        with self.lock:
            return self.status is not None or self._reap(block)

    def _reap(self, block: bool) -> bool:
        try:
            pid, status, usage = os.wait4(self.pid, 0 if block else os.WNOHANG)
        except ChildProcessError:  # reaped by someone else (SIGCHLD ignored, a reaper of
            # every child): the cache says whether it compiled
            pid, status, usage = self.pid, (0 if self.cached() else 1 << 8), None
        if pid == 0:
            return False
        self.status = os.waitstatus_to_exitcode(status)
        if usage is not None:
            self.cpu_seconds = usage.ru_utime + usage.ru_stime
        _reaped.append(self)
        with os.fdopen(self.messages, "rb") as stream:
            self.error = stream.read().decode(errors="replace").strip()
        if _in_flight.get(self.module) is self:
            del _in_flight[self.module]
        if self.status == _CANNOT_FUSE:  # (found by the child: the usual path says why)
            _cannot_fuse.add(self.module)
        elif self.status != 0:
            _failed[self.module] = self.error or _exit_reason(self.status, usage is not None)
        elif not isinstance(self.module, str):
            _compiled_schedules.add(self.module)
        return True

    @property
    def compiled(self) -> bool:
        return self.status == 0

    def cancel(self) -> None:
        """End the child (a stop signal for the run): its cache write is atomic."""
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            self.poll(block=True)
            _failed.pop(self.module, None)  # not the loop's fault: the next run tries again


def _exit_reason(status: int, reaped_here: bool) -> str:
    if not reaped_here:
        return "another part of the program reaped the compiling process"
    if status == -signal.SIGALRM:
        return f"the compiling process took longer than {_CHILD_SECONDS_LIMIT} s"
    if status < 0:
        return f"the compiling process was ended by {signal.Signals(-status).name}"
    return f"the compiling process exited with {status}"


def _forget_inherited_children() -> None:
    """In a process forked from this one: its parent's children are not its own."""
    for background in _in_flight.values():
        try:
            os.close(background.messages)
        except OSError:
            pass
    _in_flight.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_inherited_children)


def _detach_from_the_callers_output() -> None:
    """In the child: standard input and output on /dev/null. A caller that reads the process's
    output until it closes (``subprocess.run(capture_output=True)``, a recorder, a pipe in a
    shell) must not wait for a child that outlives the process (failures go through the
    child's own pipe)."""
    null = os.open(os.devnull, os.O_RDWR)
    for descriptor in (0, 1, 2):
        os.dup2(null, descriptor)
    os.close(null)


def _can_fork() -> bool:
    """Whether this platform forks safely: Linux (macOS's system libraries are not fork-safe;
    Windows has no fork). Elsewhere tiered start is off."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def _forking_is_safe(fused: FusedRun | None) -> bool:
    """fork() copies one thread: not with other Python threads (one may hold a lock the child
    needs), nor for a threaded loop once Numba's thread pool has started (None: no loop yet,
    Numba not imported, so no pool)."""
    if threading.active_count() > 1:
        return False
    if fused is None:
        return True
    parallel = sys.modules.get("numba.np.ufunc.parallel")
    return not (fused.loop.threaded and getattr(parallel, "_is_initialized", False))


def _module_of(fused: FusedRun) -> str:
    return fused.loop.function.py_func.__module__


def _numba_in_use() -> bool:
    """Whether this process has imported Numba (0.3 s, 60 MB): then planning the loop with it
    costs little more, and the loop may be compiled here already."""
    return "numba" in sys.modules


def _plans_without_numba() -> bool:
    """Whether the next run is planned without Numba: only a process's first, before any
    child was forked. Loops planned without Numba are known by their schedule, which names
    the objects, so a loop of run() over new networks of one model (a parameter scan) would
    fork a child for each and stay on NumPy (CUBA 4000, 16 runs of 200 ms: 8 runs and 5
    children before the switch); planned with Numba they are known by their source, which
    every such network shares."""
    return not _numba_in_use() and not _in_flight and not _reaped


def plan_compiled_run(network, objects, clocks, context: RunContext, end: float):
    """What ``Network.run`` runs on the compiled target: a TieredRun when the loop must be
    compiled and tiered start is on, else ``plan_fused_run``'s FusedRun (or None)."""
    if not tiered_start() or not _can_fork():
        return plan_fused_run(network, objects, clocks, context, end)
    for background in list(_in_flight.values()):
        background.poll()  # (reaps children that are done, whichever run forked them)
    if _plans_without_numba():
        planned = _plan_without_numba(network, objects, clocks, context, end)
        if planned is not None:
            return planned[0]
    fused = plan_fused_run(network, objects, clocks, context, end, seed=False)
    if fused is None:
        return None
    module = _module_of(fused)
    background = _in_flight.get(module)
    if background is not None:
        background.poll()
    if module not in _failed and (
        fused.base.steps_until(end) == 0 or fused.loop.function.signatures
    ):
        _register_seed_hook()  # compiled in this process: nothing to wait for, nothing to load
        return fused
    ready_cost = None  # the loop comes from a child (or never: its compilation failed)
    if module not in _failed and (background is None or background.status is not None):
        if fused.loop.is_compiled():
            ready_cost = 0.0  # in Numba's cache on disk: only loading it (the switch) costs
        elif not (_idle_core() and _forking_is_safe(fused)):
            ready_cost = _COMPILE_SECONDS  # no child (no idle core, or unsafe): compile here
    if ready_cost is not None and _numpy_seconds.get(module, 0.0) >= ready_cost + _switch_cost():
        # Earlier runs of this loop spent longer on NumPy than having it costs: many short
        # runs (a loop of run() calls) would otherwise each stay on NumPy.
        _register_seed_hook()
        return fused
    return TieredRun(network, fused, objects, clocks, context.namespace, ready_cost)


def _plan_without_numba(network, objects, clocks, context: RunContext, end: float):
    """A process that has not imported Numba plans the loop's schedule only, and the child
    makes the loop from it and compiles it: a run that ends on NumPy never imports Numba
    (0.3 s and 60 MB that the NumPy target does not pay). ``(TieredRun or None,)``, or None
    where the usual path applies (no child possible, zero steps, not fusable after all)."""
    if not (clocks and _idle_core() and _forking_is_safe(None)):
        return None  # (without a child the run may compile here: the usual path)
    if min(clocks, key=lambda clock: clock.dt_).steps_until(end) == 0:
        return None
    context.end = end
    try:
        items, parallel = schedule_of(objects, clocks, context)
    except (FusedScheduleError, ScheduledItemError) as reason:
        logger.info("%s runs in the Python loop: %s", network.name, reason)
        return (None,)
    key = (items, parallel, tuple(sorted(context.functions)))
    if key in _cannot_fuse:
        return None
    background = _in_flight.get(key)
    if background is not None:
        background.poll()
    ready_cost = 0.0 if key in _compiled_schedules else None
    if ready_cost is not None and _numpy_seconds.get(key, 0.0) >= ready_cost + _switch_cost():
        return None  # (long enough on NumPy: the usual path loads the loop)
    fused = FusedRun(objects, clocks, context, items, None)
    return (TieredRun(network, fused, objects, clocks, context.namespace, ready_cost, key),)


def _idle_core() -> bool:
    """Whether a core is left for the compiling child (the one-minute load average, this
    process included, below the number of cores minus one half)."""
    try:
        return os.getloadavg()[0] < (os.cpu_count() or 1) - 0.5
    except OSError:
        return True


def _fork_compile(fused: FusedRun, key, network) -> BackgroundCompile:
    """Fork a process that compiles ``fused``'s loop for its arguments' types and exits (and
    first makes the loop, when the run was planned without Numba)."""
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():  # (Python 3.12 warns about fork() in general)
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: compile, report a failure through the pipe, exit
        status = 1
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the run's to act on
            for number in (signal.SIGTERM, signal.SIGHUP, signal.SIGALRM):
                signal.signal(number, signal.SIG_DFL)
            signal.alarm(_CHILD_SECONDS_LIMIT)  # (SIGALRM's default action ends it)
            _detach_from_the_callers_output()
            os.close(read_end)
            loop = fused.loop or _loop_in_child(fused, key, network)
            if loop is None:
                status = _CANNOT_FUSE
            else:
                loop.compile_only(fused.context.state, fused.dt, fused.base.timestep)
                status = 0
        except BaseException as error:  # noqa: BLE001 (any failure goes to the parent)
            try:
                os.write(write_end, f"{type(error).__name__}: {error}".encode()[:4000])
            except OSError:
                pass
        finally:
            os._exit(status)  # no atexit handlers, no flush of the parent's buffers
    os.close(write_end)
    cached = fused.loop.is_compiled if fused.loop is not None else (lambda: False)
    background = BackgroundCompile(key, pid, read_end, cached)
    _in_flight[key] = background
    logger.info(
        "compiling the loop of %s in process %d; the run starts on NumPy", network.name, pid
    )
    return background


def _loop_in_child(fused: FusedRun, key, network):
    """In the child of a run planned without Numba: the loop of ``fused``'s items (printed,
    written to the kernel cache, loaded with Numba), or None if it cannot be made."""
    from axonal.network.fused import _compiled_loop, _numba_target

    try:
        return _compiled_loop(network, fused.items, fused.context.functions,
                              _numba_target(seed=False), key[1])  # fmt: skip
    except FusedScheduleError:
        return None


class TieredRun:
    """A compiled run that starts on the NumPy target (see the module's docstring)."""

    # Network.run leaves NumPy's random stream to it: its compiled part (after a switch) draws
    # from it through numpy_stream_in_compiled_code, its NumPy part from NumPy itself.
    keeps_numpy_stream = True

    def __init__(self, network, fused: FusedRun, objects, clocks, namespace, ready_cost, key=None):
        self.network, self.fused = network, fused
        self.key = key if key is not None else _module_of(fused)  # (the loop's, in the registries)
        self.objects, self.clocks, self.namespace = objects, clocks, namespace
        # None: a child compiles the loop; else what having it costs beyond the switch (0 for
        # a loop in the cache, a compilation in this process on a machine without idle core).
        self.ready_cost = ready_cost
        # Planning moved the objects' queued spikes and last events into the loop's state:
        # they go back before the NumPy part (no step ran; the state keeps its arrays, whose
        # types are all the background compilation needs).
        fused._bring_back(fused.base.timestep)
        self.first_step, self.compiled_from = fused.base.timestep, None

    def summary(self) -> dict:
        """For the run's summary: one compiled loop only if it ran from the first step."""
        compiled_from = self.compiled_from
        return {
            "fused": compiled_from == self.first_step,
            "tiered_start": {"first_step": self.first_step, "compiled_from_step": compiled_from},
        }

    def run(self, end: float, reporter, report_every: float, stopped=lambda: False) -> None:
        """Like ``FusedRun.run``: NumPy first, compiled from the step the child is ready."""
        module = self.key
        background = None
        if module not in _failed and self.ready_cost is None:
            background = _in_flight.get(module) or _fork_compile(self.fused, module, self.network)
        base = self.fused.base
        context = RunContext(self.namespace, "numpy", state={})
        context.end = end
        stepped = SteppedRun(self.network, self.objects, self.clocks, context)
        spent = _numpy_seconds.get(module, 0.0)
        test = _SwitchTest(background, self.ready_cost, base, end, stopped, spent)
        reports = _ClosingReportHeld(reporter, end)
        started = time.perf_counter()
        try:
            stepped.run(end, reports, report_every, test)
        finally:
            _numpy_seconds[module] = spent + time.perf_counter() - started
        if background is not None and test.stopped and not self.network._stopped():
            background.cancel()  # a stop signal (Ctrl-C, SIGTERM), not stop(): end the child
        if module in _failed:
            _warn_failure(self.network, module)
        if not test.switch:
            reports.release()
            return
        self._continue_compiled(end, reports, report_every, stopped)

    def _continue_compiled(self, end: float, reports, report_every: float, stopped) -> None:
        """From this step boundary, the fused loop (loaded from Numba's cache)."""
        started = time.perf_counter()
        context = RunContext(self.namespace, "numba", state={})
        fused = plan_fused_run(self.network, self.objects, self.clocks, context, end)
        if fused is None:  # (planned before from the same objects: not expected)
            raise RuntimeError(
                f"{self.network.name}: the compiled loop planned at the start of "
                "the run could not be planned again at the switch"
            )
        switches.append((self.network.name, fused.base.timestep))
        self.compiled_from = fused.base.timestep
        logger.info(
            "%s continues in the compiled loop from step %d", self.network.name,
            fused.base.timestep,
        )  # fmt: skip
        with numpy_stream_in_compiled_code():  # NumPy's stream as it is now
            fused.loop.compile(context.state, fused.dt, fused.base.timestep)
            if not fused.loop.function.stats.cache_misses:  # (loaded, not compiled here)
                _switch_seconds.append(time.perf_counter() - started)
            fused.run(end, reports.shifted(), report_every, stopped)


class _SwitchTest:
    """The NumPy part's stop test: the run's own (stop(), signals), or time to switch: the
    loop can be had (the child exited, or at ``ready_cost`` seconds now) and what remains would
    take longer on NumPy than switching."""

    def __init__(
        self, background: BackgroundCompile | None, ready_cost, base, end, stopped, spent=0.0
    ):
        self.background, self.base, self.end, self.stopped_test = background, base, end, stopped
        self.ready_cost = ready_cost
        self.spent = spent  # seconds earlier runs of this loop spent on NumPy in this process
        self.first = base.timestep
        self.started, self.cpu_started = time.perf_counter(), time.thread_time()
        # The first decision waits for some NumPy steps: its estimate of NumPy's speed.
        self.next_check = self.started + _FIRST_DECISION_SECONDS
        self.switch = self.stopped = False
        self.preparation_decided = False

    def _prepare_if_it_will_switch(self) -> None:
        """While the child compiles: if NumPy would still be running when the child is done
        (the rest on NumPy longer than a whole compilation and the switch), make Numba's
        context in this process now, so that the switch costs only loading the loop.

        In CPU seconds of this thread: other load slows the NumPy steps and the child alike,
        and the child's estimate is CPU seconds of a compilation on this machine."""
        done = self.base.timestep - self.first
        cpu_seconds = time.thread_time() - self.cpu_started
        numpy_cpu_seconds = self.base.steps_until(self.end) * cpu_seconds / max(done, 1)
        # (without Numba here, the child imports it first, and so does the preparation)
        importing = 0.0 if _numba_in_use() else 2 * _NUMBA_IMPORT_SECONDS
        if numpy_cpu_seconds > _COMPILE_SECONDS + _FIRST_SWITCH_SECONDS + importing:
            _prepare_switch()
            # Preparing paused the NumPy steps: the speed estimate restarts after it.
            self.started, self.first = time.perf_counter(), self.base.timestep

    def __call__(self) -> bool:
        if self.stopped_test():
            self.stopped = True
            return True
        if self.background is None and self.ready_cost is None:
            return False
        if self.background is not None and not self.preparation_decided:
            if time.perf_counter() >= self.started + _FIRST_DECISION_SECONDS:  # (once)
                self.preparation_decided = True
                if not self.background.poll():
                    self._prepare_if_it_will_switch()
        if _forced_step:
            if self.base.timestep < _forced_step[0]:
                return False
            self.switch = (
                self.ready_cost is not None
                or self.background.poll(block=True)
                and self.background.compiled
            )
            self.background, self.ready_cost = None, None
            return self.switch
        now = time.perf_counter()
        if now < self.next_check:
            return False
        self.next_check = now + _CHECK_SECONDS
        extra = 0.0
        if self.ready_cost is not None:  # decided once, after the first NumPy steps
            compiled, extra, self.ready_cost = True, self.ready_cost, None
        elif not self.background.poll():
            return False
        else:
            compiled, self.background = self.background.compiled, None  # decided once
        done = self.base.timestep - self.first
        remaining = self.base.steps_until(self.end)
        numpy_seconds = remaining * (now - self.started) / max(done, 1)
        spent = self.spent + now - self.started  # (ski rental: a loop of short runs switches)
        self.switch = compiled and max(numpy_seconds, spent) > _switch_cost() + extra
        if compiled and not self.switch:
            logger.info("the compiled loop is ready; the %d steps left stay on NumPy", remaining)
        return self.switch


def _switch_cost() -> float:
    if _switch_seconds:
        return _switch_seconds[-1]
    if _prepared:
        return _SECOND_SWITCH_SECONDS
    return _FIRST_SWITCH_SECONDS + (0.0 if _numba_in_use() else _NUMBA_IMPORT_SECONDS)


def _prepare_switch() -> None:
    """Make Numba's typing and target context (its first use: 0.4-0.6 s) and load the
    function seeding Numba's generator, which the switch would otherwise do.

    Between two NumPy steps, not on a thread: making the context is Python code holding the
    GIL, so a thread would only interleave with the steps on this process's core (the other
    one compiles), and the run's own steps would take the GIL's switch interval in turns.
    """
    if _prepared:
        return
    from numba import types

    from axonal.codegen.numba_functions import _seed_numba_generator

    started = time.perf_counter()
    _seed_numba_generator.compile((types.int64,))  # (from its cache: the context comes first)
    _prepared.append(True)
    logger.info("Numba's context made for the switch in %.2f s", time.perf_counter() - started)


class _ClosingReportHeld:
    """The step loop's progress reports, but its closing one held back: a run that goes on
    compiled reports on from there (its elapsed time counted from the run's start)."""

    def __init__(self, reporter, end: float):
        self.reporter, self.end = reporter, end
        self.started = time.perf_counter()
        self.closing: tuple[float, float] | None = None

    def __call__(self, t: float, elapsed: float) -> None:
        if t == self.end:
            self.closing = (t, elapsed)
        elif self.reporter is not None:
            self.reporter(t, elapsed)

    def release(self) -> None:
        if self.closing is not None and self.reporter is not None:
            self.reporter(*self.closing)

    def shifted(self) -> Callable[[float, float], None] | None:
        if self.reporter is None:
            return None
        offset = time.perf_counter() - self.started
        return lambda t, elapsed: self.reporter(t, elapsed + offset)


def _warn_failure(network, module: str) -> None:
    if module in _warned:
        return
    _warned.add(module)
    warnings.warn(
        f"{network.name}: compiling its loop in the background failed ({_failed[module]}); "
        "the run stays on the NumPy target, as will later runs of this loop in this process",
        TieredStartWarning,
        stacklevel=4,
    )


@contextmanager
def switch_at_step(step: int) -> Iterator[None]:
    """For tests and benchmarks: tiered runs switch exactly at ``step`` of their finest clock
    (waiting there for the compilation), whatever the timing.

    >>> with switch_at_step(100):
    ...     pass
    """
    _forced_step[:] = [step]
    try:
        yield
    finally:
        _forced_step[:] = []


def wait_for_compiles() -> float:
    """Wait for every background compilation of this process; their CPU seconds (all reaped
    so far). For benchmarks, which count the child's work after the result."""
    for background in list(_in_flight.values()):
        background.poll(block=True)
    return sum(background.cpu_seconds for background in _reaped)
