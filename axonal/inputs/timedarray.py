"""TimedArray: samples every ``dt``, called in equations as ``stim(t)`` or ``stim(t, i)``."""

from __future__ import annotations

import math
import textwrap

import numpy as np

from axonal.inputs.generated import function_with_data
from axonal.model.functions import Function
from axonal.network.clock import defaultclock, seconds_of
from axonal.units import DIMENSIONLESS, Quantity, get_dimensions, get_unit, second

__all__ = ["TimedArray"]


class TimedArrayError(ValueError):
    """A TimedArray built from values it cannot hold, or read at a column it does not have."""


def upsampling_factor(group_dt: float, dt: float) -> int:
    """Brian's factor K: time is rounded to ``dt / K`` before the step index is taken.

    Rounding to a grid finer than the simulation's time step keeps a time that lies a rounding
    error below a multiple of ``dt`` in the bin it belongs to, for the midpoints of multi-step
    integrators too.
    """
    return max(int(2 ** math.ceil(math.log2(8 * dt / group_dt))), 1)


class TimedArray(Function):
    """A function of time (and of a column index for 2-D values) from an array of samples.

    ``TimedArray(values, dt)``: row ``k`` of ``values`` holds the value for times in
    ``[k*dt, (k+1)*dt)``; before 0 the first and after the end the last row is used. Values
    keep their units; in model code a 1-D array is called as ``stim(t)``, a 2-D one (time along
    the first axis) as ``stim(t, i)``.

    Example:

    >>> current = TimedArray([0, 1, 0.5] * nA, dt=10*ms)
    >>> print(current(15*ms), current(25*ms), current(100*ms))
    1. nA 500. pA 500. pA
    >>> G = NeuronGroup(1, 'I = current(t) : amp')
    >>> M = StateMonitor(G, 'I', record=0, dt=10*ms)
    >>> run(30*ms)
    >>> print(M.I[0])
    [0.  1.  0.5] nA
    """

    def __init__(self, values, dt, name: str | None = None) -> None:
        name = name or "timedarray"
        dimensions = get_dimensions(values)
        plain = values if dimensions is DIMENSIONLESS else Quantity(values)
        raw = np.array(np.asarray(plain), copy=True)
        if raw.dtype == object or raw.dtype.kind not in "biuf":
            raise TimedArrayError(
                f"TimedArray {name!r}: values must be numbers (with or without units), "
                f"not an array of {raw.dtype}"
            )
        if raw.ndim not in (1, 2):
            raise TimedArrayError(
                f"TimedArray {name!r}: values must be a 1-D array (one value per time step) or "
                f"a 2-D array (time steps x indices), not a {raw.ndim}-D array of shape "
                f"{raw.shape}"
            )
        if raw.size == 0:
            raise TimedArrayError(f"TimedArray {name!r}: values must not be empty")
        self.dt_ = seconds_of(dt, f"the dt of TimedArray {name!r}")
        if not self.dt_ > 0:
            raise TimedArrayError(f"TimedArray {name!r}: dt must be positive, not {dt}")
        raw.flags.writeable = False  # kernels compiled from it would not see later changes
        self.values_ = raw
        self.dimensions = dimensions
        arg_units = [get_dimensions(second)] + ([DIMENSIONLESS] if raw.ndim == 2 else [])
        return_type = {"b": "bool", "i": "int", "u": "int"}.get(raw.dtype.kind, "float")
        super().__init__(
            self._call_with_units,
            arg_units=arg_units,
            return_unit=dimensions,
            name=name,
            return_type=return_type,
            unit_aware=False,
        )

    # -- what users see -------------------------------------------------------------------
    @property
    def values(self):
        """The samples with their units (rows are time steps)."""
        return self._with_units(self.values_)

    @property
    def dt(self) -> Quantity:
        return Quantity.with_dimensions(self.dt_, get_dimensions(second))

    def _with_units(self, raw):
        if self.dimensions is DIMENSIONLESS:
            return raw
        return Quantity.with_dimensions(raw, self.dimensions)

    def _call_with_units(self, t, i=None):
        # Called from Python: ``stim(0.3*ms)`` or ``stim(t, [0, 1])``.
        if get_dimensions(t) is not get_dimensions(second):
            seconds_of(t, f"the time given to {self.name}()")  # raises the dimension error
        t_raw = np.asarray(t, dtype=float)
        if (i is None) != (self.values_.ndim == 1):
            needed = "t" if self.values_.ndim == 1 else "t, i"
            raise TypeError(f"{self.name}() takes ({needed}) for its {self.values_.ndim}-D values")
        raw = self.numpy_function()(t_raw) if i is None else self.numpy_function()(t_raw, i)
        return self._with_units(raw)

    def is_locally_constant(self, dt: float) -> bool:
        """Whether the values stay constant within every step of ``dt`` (seconds).

        True when ``dt`` divides the array's own step: exact integration may then treat a call
        as a constant over one step.
        """
        ratio = self.dt_ / dt
        return dt <= self.dt_ and abs(ratio - round(ratio)) < 1e-9 * ratio

    def __repr__(self) -> str:
        return (
            f"TimedArray({self.name!r}, shape={self.values_.shape}, "
            f"dt={self.dt_!r} s, unit={get_unit(self.dimensions)})"
        )

    # -- implementations for the targets -----------------------------------------------------
    def _rounding(self) -> tuple[float, int]:
        """``(epsilon, K)``: times are rounded to multiples of ``epsilon = dt / K``."""
        factor = upsampling_factor(defaultclock.dt_, self.dt_)
        return self.dt_ / factor, factor

    def numpy_function(self):
        """Raw seconds (and indices) to raw values, vectorised; row ``int(round(t/eps)/K)``."""
        values, name = self.values_, self.name
        last_row, columns = len(values) - 1, (values.shape[1] if values.ndim == 2 else 0)
        epsilon, factor = self._rounding()

        def rows_of(t):
            steps = np.floor(np.asarray(t, dtype=float) / epsilon + 0.5) // factor
            return np.clip(steps, 0, last_row).astype(np.int64)

        if values.ndim == 1:

            def timed_array(t):
                return values[rows_of(t)]
        else:

            def timed_array(t, i):
                columns_wanted = np.asarray(i)
                index = columns_wanted.astype(np.int64)
                if index.size and (index.min() < 0 or index.max() >= columns):
                    bad = columns_wanted[(index < 0) | (index >= columns)].flat[0]
                    raise TimedArrayError(
                        f"{name}(t, i) was called with i = {bad}, but its values have "
                        f"{columns} columns (i must lie in 0..{columns - 1})"
                    )
                return values[rows_of(t), index]

        timed_array.__name__ = name
        return timed_array

    def numba_function(self):
        """A scalar function of raw floats that ``numba.njit`` compiles (values are frozen in)."""
        epsilon, factor = self._rounding()
        data = {"values": self.values_, "last_row": len(self.values_) - 1}
        data.update(epsilon=epsilon, factor=factor)
        # int() truncates where floor() would round down: both clip to row 0 below zero.
        row = textwrap.dedent("""
            row = int(t / epsilon + 0.5) // factor
            row = min(max(row, 0), last_row)
        """)
        if self.values_.ndim == 1:
            return function_with_data("timed_array", "t", row + "return values[row]", data)
        data["columns"] = self.values_.shape[1]
        check = """
            column = int(i)
            if column < 0 or column >= columns:
                raise IndexError("TimedArray called with a column index i out of range")
        """
        body = textwrap.dedent(check) + row + "return values[row, column]"
        return function_with_data("timed_array", "t, i", body, data)
