"""What every simulated object shares: a unique name, a clock, a place in the schedule, a scope."""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from axonal.network.clock import Clock, defaultclock

# The slots of one time step, in the order they run.
SCHEDULE = ("start", "groups", "thresholds", "synapses", "resets", "end")


class ScheduleError(ValueError):
    """An object was given a ``when`` slot that is not in the schedule."""


def schedule_position(when: str) -> float:
    """Where a ``when`` slot runs: ``before_X`` and ``after_X`` sit just around ``X``."""
    for prefix, offset in (("before_", -0.5), ("after_", 0.5)):
        if when.startswith(prefix) and when[len(prefix) :] in SCHEDULE:
            return SCHEDULE.index(when[len(prefix) :]) + offset
    if when in SCHEDULE:
        return float(SCHEDULE.index(when))
    slots = ", ".join(SCHEDULE)
    raise ScheduleError(
        f"unknown schedule slot {when!r}; the slots are {slots} (or before_/after_ them)"
    )


@dataclass
class Operation:
    """One callable an object contributes to each of its clock's steps."""

    owner: SimulationObject
    when: str
    order: int
    function: Callable[[], None]
    name: str

    def sort_key(self) -> tuple:
        return schedule_key(self.owner, self.when, self.order)


def schedule_key(owner: SimulationObject, when: str, order: int) -> tuple:
    """Where work of ``owner`` runs in a time step: slot, then order, then name (as Brian 2
    sorts objects of one slot and order), then creation."""
    return (schedule_position(when), order, owner.name, owner.creation_index)


class _Scope:
    """Objects created since the last ``start_scope()`` are the ones ``run()`` may collect."""

    current = 0


_creation_counter = itertools.count()
_names_in_use: weakref.WeakValueDictionary[str, SimulationObject] = weakref.WeakValueDictionary()


def start_scope() -> None:
    """Forget the objects created so far: the next ``run()`` collects only newer ones.

    Example:

    >>> old = NeuronGroup(1, 'v : 1')
    >>> start_scope()
    >>> new = NeuronGroup(1, 'dv/dt = 1/second : 1', method='euler')
    >>> run(1*ms)      # simulates only `new`
    >>> magic_network_objects = [obj.name for obj in collect()]
    >>> new.name in magic_network_objects, old.name in magic_network_objects
    (True, False)
    """
    _Scope.current += 1


def _default_name(basename: str) -> str:
    if basename not in _names_in_use:
        return basename
    for number in itertools.count(1):
        candidate = f"{basename}_{number}"
        if candidate not in _names_in_use:
            return candidate
    raise AssertionError("unreachable")


class SimulationObject:
    """Base of groups, synapses, monitors and network operations.

    Subclasses implement ``scheduled_items(context)`` (what they do each step, as items of
    the schedule that both runners read: axonal.network.fused and axonal.network.stepped),
    ``at_step_boundary(state)`` (note where the run got to) and ``state_arrays()``
    for store/restore. Only user Python code (NetworkOperation) implements ``before_run`` and
    ``operations()`` instead.
    """

    default_when = "groups"
    add_to_magic_network = True

    def __init__(
        self,
        name: str | None = None,
        clock: Clock | None = None,
        dt=None,
        when: str | None = None,
        order: int = 0,
    ):
        if name is None:
            name = _default_name(type(self).__name__.lower())
        # A name given explicitly may repeat (as in Brian 2: a script that builds its network
        # in a function, twice); only the objects of one network must differ (checked at run).
        _names_in_use[name] = self
        self.name = name
        if clock is not None and dt is not None:
            raise ValueError(f"{name}: give either clock= or dt=, not both")
        if clock is None:
            clock = Clock(dt, name=f"{name}_clock") if dt is not None else defaultclock
        self.clock = clock
        self.when = when if when is not None else self.default_when
        schedule_position(self.when)
        self.order = order
        self.active = True
        self.creation_index = next(_creation_counter)
        self.scope = _Scope.current
        self.contained_objects: list[SimulationObject] = []

    # -- the run protocol ---------------------------------------------------------------
    def before_run(self, context: RunContext) -> None:
        """User Python code only: prepare for a run (objects with ``scheduled_items`` are
        prepared by them)."""

    def operations(self) -> list[Operation]:
        """User Python code only: the Python callables of each step."""
        return []

    def scheduled_items(self, context: RunContext) -> list[tuple[tuple, object]] | None:
        """This object's work per time step, for both runners.

        A list of ``(schedule_key, ScheduledItem)`` in the order they run, or None when the
        compiled loop cannot run it (then the run is stepped). ``context.loop_dt`` is None for
        a stepped run (kernels read their own clock's time).
        """
        return None

    def at_step_boundary(self, state: dict) -> None:
        """The run stopped at a step boundary (its end, or a progress report): note what
        the object keeps outside the run state (a generator's place, the step a delay ring's
        first slot stands for). Events, delay rings and monitor buffers stay in ``state``,
        where the objects read them (axonal.network.run_state); ``state`` must stay ready to
        continue."""

    def summed_targets(self) -> list:
        """The sums this object writes each step, with ``group``, ``variable``, ``summed_name``,
        ``owner``, ``clock``, ``when``, ``sort_key()`` and ``zeroes`` (axonal.synapses.summed)."""
        return []

    def before_build(self) -> None:
        """Called on each object of a run before any object builds its work for it: storage
        changed here (Synapses store equal delays once) is what every object's items read,
        a monitor's built first too."""

    def after_run(self) -> None:
        """Called once a run ends (normally or not)."""

    def state_arrays(self) -> dict[str, object]:
        """The arrays (and other values) that define this object's state, for store/restore."""
        return {}

    def restore_arrays(self, state: Mapping[str, object]) -> None:
        for key, value in state.items():
            self.state_arrays()[key][...] = value

    def summary(self) -> dict:
        """A small description of the object for run records."""
        return {"name": self.name, "kind": type(self).__name__}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


@dataclass
class RunContext:
    """What ``before_run`` needs: the namespace to resolve external names in, and the target."""

    namespace: Mapping[str, object]
    target: str
    state: dict[str, object]
    # For a fused run (see axonal.network.fused): the loop's time step, user functions by name.
    loop_dt: float | None = None
    end: float | None = None  # the run's end time (seconds)
    functions: dict[str, object] = field(default_factory=dict)
    # For a stepped run (see axonal.network.stepped): each kernel item's functions, by id().
    kernel_functions: dict[int, dict] = field(default_factory=dict)
    # The state keys of the arrays the run's kernels write (for the stepped run's savepoints).
    written: set[str] = field(default_factory=set)
    draws: bool = False  # whether a kernel of the run draws random numbers


def whole_number(value) -> int | None:
    """``value`` as an int when it is a whole number (``2500`` or ``2500.0``, as Brian 2
    accepts for sizes and counts), else None. Booleans are not numbers here."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        return None
    if isinstance(value, float | np.floating) and not float(value).is_integer():
        return None
    return int(value)
