"""Network: collects objects, orders their operations by the schedule, and runs the time loop."""

from __future__ import annotations

import copy
import hashlib
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from contextlib import nullcontext

import numpy as np

from axonal.network.base import RunContext, SimulationObject
from axonal.network.clock import seconds_of
from axonal.network.interrupts import HeldSignals
from axonal.network.invalid_values import InvalidValueCheck
from axonal.network.namespace import user_namespace
from axonal.network.random import numpy_stream_in_compiled_code
from axonal.network.savepoint import close as close_savepoints
from axonal.network.stepped import SteppedRun
from axonal.units import Quantity, get_dimensions, second

# One description per run() in this process, for run records (axonal.records).
_run_summaries: list[dict] = []


def run_summaries() -> list[dict]:
    """What each ``run()`` of this process simulated: groups, synapses, monitors, spikes."""
    return copy.deepcopy(_run_summaries)


class NetworkError(RuntimeError):
    """A run could not start or did not complete; the message says which object and why."""


def _flatten(objects: Iterable) -> list[SimulationObject]:
    found: list[SimulationObject] = []
    for obj in objects:
        if isinstance(obj, SimulationObject):
            found.append(obj)
        elif isinstance(obj, Mapping):
            found.extend(_flatten(obj.values()))
        elif isinstance(obj, Iterable) and not isinstance(obj, str | bytes):
            found.extend(_flatten(obj))
        else:
            raise TypeError(f"cannot add {obj!r} to a network: it is not a simulation object")
    return found


def collect(namespace: Mapping[str, object] | None = None) -> list[SimulationObject]:
    """The objects of the current scope that ``namespace`` (default: the caller's) refers to.

    Example:

    >>> start_scope()
    >>> G = NeuronGroup(1, 'v : 1', name='cells')
    >>> M = StateMonitor(G, 'v', record=0, name='trace')
    >>> [obj.name for obj in collect()]
    ['cells', 'trace']
    """
    from axonal.network.base import _Scope

    if namespace is None:
        namespace = user_namespace()
    seen: dict[int, SimulationObject] = {}
    for value in namespace.values():
        if (
            isinstance(value, SimulationObject)
            and value.add_to_magic_network
            and value.scope == _Scope.current
        ):
            seen[id(value)] = value
    return sorted(seen.values(), key=lambda obj: obj.creation_index)


class Network:
    """A set of objects simulated together; ``run()`` continues where the last run stopped.

    Example:

    >>> G = NeuronGroup(2, 'dv/dt = (2 - v)/(10*ms) : 1', threshold='v > 1',
    ...                 reset='v = 0', method='exact')
    >>> spikes = SpikeMonitor(G)
    >>> net = Network(G, spikes)
    >>> net.run(20*ms)
    >>> net.run(20*ms)   # continues where the first run stopped
    >>> print(net.t, spikes.num_spikes)
    40. ms 10
    """

    def __init__(self, *objects, name: str = "network"):
        self.name = name
        self.objects: list[SimulationObject] = []
        self.t_ = 0.0
        self._stored: dict[str, dict] = {}
        self.add(*objects)

    # -- membership ---------------------------------------------------------------------
    def add(self, *objects) -> None:
        for obj in _flatten(objects):
            for member in [obj, *self._contained(obj)]:
                if all(member is not existing for existing in self.objects):
                    self.objects.append(member)

    def remove(self, *objects) -> None:
        doomed = {
            id(member) for obj in _flatten(objects) for member in [obj, *self._contained(obj)]
        }
        self.objects = [obj for obj in self.objects if id(obj) not in doomed]

    @staticmethod
    def _contained(obj: SimulationObject) -> list[SimulationObject]:
        found = []
        for child in obj.contained_objects:
            found.append(child)
            found.extend(Network._contained(child))
        return found

    def _check_unique_names(self) -> None:
        """Names may repeat between networks (as in Brian 2), not within one: the run's
        arrays and ``net[name]`` go by name."""
        counts = Counter(obj.name for obj in self.objects)
        repeated = ", ".join(repr(name) for name, count in counts.items() if count > 1)
        if repeated:
            raise NetworkError(
                f"network {self.name!r}: its objects need distinct names; used more than once: "
                f"{repeated}. Give the objects different name= arguments, or run them in "
                "different networks"
            )

    def __getitem__(self, name: str) -> SimulationObject:
        for obj in self.objects:
            if obj.name == name:
                return obj
        raise KeyError(f"network {self.name!r} has no object named {name!r}")

    def __contains__(self, obj) -> bool:
        return any(obj is member for member in self.objects)

    def __len__(self) -> int:
        return len(self.objects)

    @property
    def t(self) -> Quantity:
        return Quantity.with_dimensions(self.t_, get_dimensions(second))

    @property
    def profiling_info(self) -> list[tuple[str, Quantity]]:
        """(operation, time) of the runs with ``profile=True``, longest first (Brian 2)."""
        from axonal.profiling import profiling_info

        return profiling_info(self)

    # -- running ------------------------------------------------------------------------
    def run(
        self,
        duration,
        report=None,
        report_period=10 * second,
        namespace=None,
        profile=None,
        level=0,
        live=False,
    ) -> None:
        """Simulate for ``duration``; constants are looked up in ``namespace`` or the caller's.

        ``profile=True`` measures the time of each operation (see axonal.profiling).
        ``live=True`` draws the monitors during the run (see axonal.plot.live_run).
        """
        from axonal.codegen.targets import current_target
        from axonal.devices import device_module

        if device_module.active_device.defers(self):  # build_on_run=False: run at build()
            options = dict(report=report, report_period=report_period, profile=profile)
            options["namespace"] = namespace if namespace is not None else user_namespace()
            device_module.active_device.record_run(self, duration, options)
            return
        if live:  # a figure redrawn during the run: its report function
            from axonal.plot.live_run import live_report

            report, report_period = live_report(self, duration, live, report)
        duration_s = seconds_of(duration, f"the duration of the run of {self.name!r}")
        if duration_s < 0:
            raise NetworkError(f"cannot run {self.name!r} for a negative duration ({duration})")
        report_every = seconds_of(report_period, "report_period")
        if namespace is None:
            namespace = user_namespace()
        self._check_unique_names()
        active = [obj for obj in self.objects if obj.active]
        _combine_summed_targets(active)
        for obj in active:
            obj.before_build()
        start, end = self.t_, self.t_ + duration_s
        clocks = list({id(obj.clock): obj.clock for obj in active}.values())
        for clock in clocks:
            # A coarser clock starts at its first tick at or after the start (as in Brian 2):
            # a run_regularly every 1 ms does not fire at 0.2 ms because a run began there.
            clock.timestep = int(np.ceil(start / clock.dt_ - 1e-3))

        target = current_target()
        reporter = _progress_reporter(report, self.name, start, duration_s)
        if callable(report):
            reporter(start, 0.0)  # as Brian 2: once at the start, with 0 completed
        context = RunContext(namespace, target, state={})
        runner = self._runner(target, active, clocks, context, end, profile)
        self._stop_requested = False
        _running.append(self)
        held = HeldSignals()  # Ctrl-C, SIGTERM: acted on at the next step boundary
        checks = InvalidValueCheck(active)

        def stopped() -> bool:
            return self._stopped() or held.pending

        def report(t: float, elapsed: float) -> None:
            if reporter is not None:
                reporter(t, elapsed)
            checks.at_report(min((clock.t_ for clock in clocks), default=t))

        try:
            # Compiled code draws from NumPy's stream, unless user Python code (which may draw
            # from NumPy itself) runs between the kernels: then Numba's generator is its own.
            stepped = isinstance(runner, SteppedRun)
            own_stream = target != "numba" or (stepped and runner.user_code)
            # (a tiered start hands NumPy's stream to its compiled part itself: a run that
            # ends on NumPy never imports Numba)
            own_stream = own_stream or getattr(runner, "keeps_numpy_stream", False)
            with held, nullcontext() if own_stream else numpy_stream_in_compiled_code():
                # The step boundary where a run may change runners (see ARCHITECTURE.md):
                # run() returns with the steps that ran committed to the objects.
                runner.run(end, report, report_every, stopped)
        finally:
            close_savepoints()
            _running.remove(self)
            for obj in active:
                obj.after_run()
            self.t_ = min(clock.t_ for clock in clocks) if clocks else end
            if clocks and all(clock.steps_until(end) == 0 for clock in clocks):
                self.t_ = end
            fused = not isinstance(runner, SteppedRun)
            summary = self._summary(active, start, context, fused)
            summary.update(getattr(runner, "summary", dict)())  # (a tiered start: what ran)
            _run_summaries.append(summary)
        held.deliver()  # the steps that ran are committed: now Ctrl-C may raise
        checks.after_run(self.t_)

    def _runner(self, target: str, objects, clocks, context: RunContext, end: float, profile):
        """What runs the steps: the compiled loop (FusedRun, or a TieredRun starting on NumPy
        while it compiles) on the Numba target when the network can be fused, else the
        schedule interpreted step by step (SteppedRun). Either's ``run`` returns at a step
        boundary with the objects up to date."""
        if target == "numba" and not profile:  # a profiled run goes step by step
            from axonal.network.tiered import plan_compiled_run  # (or a tiered start)

            compiled = plan_compiled_run(self, objects, clocks, context, end)
            if compiled is not None:
                return compiled
            context = RunContext(context.namespace, target, state={})
        context.end = end
        return SteppedRun(self, objects, clocks, context, profile=bool(profile))

    def stop(self) -> None:
        """End the current run after the time step in progress (Brian 2's Network.stop())."""
        self._stop_requested = True

    def _stopped(self) -> bool:
        return self.__dict__.get("_stop_requested", False)

    def _summary(self, objects, start: float, context: RunContext, fused: bool) -> dict:
        from axonal.network.random import last_seed

        return {
            "network": self.name,
            "target": context.target,
            "fused": fused,  # one compiled loop for the whole run
            "seed": last_seed(),
            "start": start,
            "duration": self.t_ - start,
            "dt": sorted({obj.clock.dt_ for obj in objects}),
            "objects": [obj.summary() for obj in objects],
        }

    # -- store and restore ----------------------------------------------------------------
    def store(self, name: str = "default", filename=None) -> None:
        """Keep a copy of every object's state and the time, to ``restore(name)`` later;
        with ``filename``, in that file (pickled; other names stored there are kept)."""
        self._stored[name] = {
            "t": self.t_,
            "objects": {obj.name: copy.deepcopy(obj.state_arrays()) for obj in self.objects},
            "random_state": np.random.get_state(),
        }
        if filename is not None:
            from axonal.groups.states import store_to_file

            store_to_file(filename, name, self._stored[name])

    def restore(
        self, name: str = "default", filename=None, restore_random_state: bool = False
    ) -> None:
        if filename is not None:
            from axonal.groups.states import restore_from_file

            self._stored[name] = restore_from_file(filename, name, self.name)
        if name not in self._stored:
            known = ", ".join(sorted(self._stored)) or "none"
            raise KeyError(f"network {self.name!r} has no stored state {name!r} (stored: {known})")
        snapshot = self._stored[name]
        self.t_ = snapshot["t"]
        for obj in self.objects:  # defaultclock.t reads the restored time, as in Brian 2
            obj.clock.timestep = int(round(self.t_ / obj.clock.dt_))
        for obj in self.objects:
            if obj.name in snapshot["objects"]:
                obj.restore_arrays(copy.deepcopy(snapshot["objects"][obj.name]))
        if restore_random_state:
            np.random.set_state(snapshot["random_state"])


_running: list[Network] = []  # the networks whose run() is in progress, innermost last


def stop() -> None:
    """Stop the running network after the current time step (from a network_operation).

    >>> G = NeuronGroup(1, 'dv/dt = 1/second : 1', method='euler')
    >>> @network_operation
    ... def enough():
    ...     if G.v[0] > 0.0049:
    ...         stop()
    >>> run(100*ms)
    >>> print(round(G.v[0], 4))  # the step in which it was called still completes
    0.0051
    """
    for network in _running:
        network.stop()


def _combine_summed_targets(objects) -> None:
    """Summed variables into the same elements of one variable add up (the variable is the sum
    over all their synapses): the first in the schedule zeroes it, each adds its terms (Brian 2
    refuses them). They must run in one slot of one clock, or a reader in between would see
    part of the sum; sums into partly overlapping elements (overlapping different subgroups)
    are refused, as in Brian 2. Disjoint subgroups each take their own sum."""
    sums = [s for obj in objects for s in obj.summed_targets()]
    first_of: dict[tuple[int, str], list] = {}  # the zeroing sum of each span of a variable
    for summed in sorted(sums, key=lambda s: s.sort_key()):  # stable: one object's in order
        group = summed.group
        span = (group.storage_offset, group.storage_offset + group.N)
        summed.zeroes = True
        for other_span, first in first_of.get((id(group.storage_root), summed.variable), []):
            if other_span == span:
                _check_summed_together(first, summed)
                summed.zeroes = False
            elif span[0] < other_span[1] and other_span[0] < span[1]:
                root = group.storage_root
                low, high = max(span[0], other_span[0]), min(span[1], other_span[1])
                raise NetworkError(
                    f"the summed variables {first.summed_name!r} of {first.owner.name!r} and "
                    f"{summed.summed_name!r} of {summed.owner.name!r} both set "
                    f"{summed.variable!r} of {root.name!r} (elements {low} to {high - 1}) "
                    f"through different (sub)groups: each would overwrite part of the other's "
                    f"sum. Sum into the same group, or into two variables of the group (e.g. "
                    f"'{summed.variable}_a : 1' and '{summed.variable}_b : 1', used as "
                    f"{summed.variable}_a + {summed.variable}_b)."
                )
        if summed.zeroes:
            first_of.setdefault((id(group.storage_root), summed.variable), []).append(
                (span, summed)
            )


def _check_summed_together(first, summed) -> None:
    """Two sums into one variable add up only if they are taken at the same point of a step."""
    if first.when != summed.when or first.clock.dt_ != summed.clock.dt_:
        raise NetworkError(
            f"the summed variables {first.summed_name!r} of {first.owner.name!r} (when="
            f"{first.when!r}, dt={first.clock.dt}) and {summed.summed_name!r} of "
            f"{summed.owner.name!r} (when={summed.when!r}, dt={summed.clock.dt}) add into "
            f"{summed.variable!r} of {summed.group.name!r}: they must run in the same slot "
            f"with the same dt (set summed_updaters[...].when), or a reader in between would "
            f"see part of the sum."
        )


def _progress_reporter(report, name: str, start: float, duration: float):
    """A function(t, elapsed) printing progress, or None for no report."""
    if report is None:
        return None
    if callable(report):
        # Brian 2's arguments, in its order: elapsed wall time, completed fraction, start, duration.
        return lambda t, elapsed: report(
            Quantity.with_dimensions(elapsed, get_dimensions(second)),
            (t - start) / duration if duration else 1.0,
            Quantity.with_dimensions(start, get_dimensions(second)),
            Quantity.with_dimensions(duration, get_dimensions(second)),
        )
    if report not in ("text", "stdout", "stderr"):
        raise ValueError(f"report must be 'text', 'stdout', 'stderr' or a function, not {report!r}")
    stream = sys.stderr if report == "stderr" else sys.stdout

    def print_progress(t: float, elapsed: float) -> None:
        done = (t - start) / duration if duration else 1.0
        remaining = elapsed / done - elapsed if done > 0 else float("nan")
        print(
            f"{name}: {t - start:.3f} s of {duration:.3f} s simulated ({done:.0%}) in "
            f"{elapsed:.1f} s, about {remaining:.1f} s remaining",
            file=stream,
        )

    return print_progress


def spike_digest(indices: np.ndarray, times: np.ndarray) -> str:
    """A SHA-256 of spike indices and times (in steps of 1e-12 s), for comparing runs."""
    digest = hashlib.sha256()
    digest.update(np.asarray(indices, dtype=np.int64).tobytes())
    digest.update(np.round(np.asarray(times, dtype=np.float64) * 1e12).astype(np.int64).tobytes())
    return digest.hexdigest()
