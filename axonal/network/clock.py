"""Clocks: a time step and an integer step counter, so that time never drifts."""

from __future__ import annotations

import numpy as np

from axonal.units import DimensionMismatchError, Quantity, get_dimensions, second


class ClockError(ValueError):
    """A clock was given a time step that is not a positive time."""


def seconds_of(value, what: str) -> float:
    """``value`` (a time quantity) as a float in seconds; a clear error for anything else."""
    if not isinstance(value, Quantity) or get_dimensions(value) != get_dimensions(second):
        raise DimensionMismatchError(
            f"{what} must be a time (e.g. 0.1*ms), not {value!r}",
            get_dimensions(value),
            get_dimensions(second),
        )
    return float(np.asarray(value))


class Clock:
    """A time step ``dt`` and the index of the current step; ``t = timestep * dt``.

    Example:

    >>> clock = Clock(dt=0.5*ms)
    >>> G = NeuronGroup(1, 'dv/dt = 1/second : 1', clock=clock, method='euler')
    >>> run(2*ms)
    >>> print(clock.timestep, clock.t)
    4 2. ms
    >>> print(defaultclock.dt)  # the clock of every object without dt= or clock=
    100. us
    """

    _count = 0

    def __init__(self, dt=None, name: str | None = None):
        if name is None:
            name = "clock" if Clock._count == 0 else f"clock_{Clock._count}"
            Clock._count += 1
        self.name = name
        self.timestep = 0
        self._dt = 1e-4
        if dt is not None:
            self.dt = dt

    @property
    def dt(self) -> Quantity:
        return Quantity.with_dimensions(self._dt, get_dimensions(second))

    @dt.setter
    def dt(self, value) -> None:
        dt = seconds_of(value, f"the time step of clock {self.name!r}")
        if not dt > 0:
            raise ClockError(f"the time step of clock {self.name!r} must be positive, not {value}")
        # Keep the current time when dt changes between runs.
        time = self.timestep * self._dt
        self._dt = dt
        self.timestep = int(round(time / dt))

    @property
    def dt_(self) -> float:
        return self._dt

    @property
    def t_(self) -> float:
        return self.timestep * self._dt

    @property
    def t(self) -> Quantity:
        return Quantity.with_dimensions(self.t_, get_dimensions(second))

    def steps_until(self, end_time: float) -> int:
        """How many steps of this clock start before ``end_time`` (seconds)."""
        # A step starting within a thousandth of a step of the end does not run.
        return max(0, int(np.ceil(end_time / self._dt - 1e-3)) - self.timestep)

    def __repr__(self) -> str:
        return f"Clock(dt={self.dt!r}, name={self.name!r})"


defaultclock = Clock(name="defaultclock")
