"""SpikeGeneratorGroup: neurons that emit given spikes (indices and times), once or periodically."""

from __future__ import annotations

import warnings

import numpy as np

from axonal.codegen.schedule import spikes_of_step
from axonal.groups.group import Group, GroupError
from axonal.groups.neurongroup import NeuronGroup
from axonal.network.base import RunContext, schedule_key
from axonal.network.clock import seconds_of
from axonal.units import Quantity, get_dimensions, second

# A periodic generator's spikes are unrolled for a fused run only up to this many.
_MOST_UNROLLED_SPIKES = 10_000_000


class SpikeGeneratorError(GroupError):
    """Spikes a SpikeGeneratorGroup cannot emit as given; the message says which and why."""


class IgnoredSpikesWarning(UserWarning):
    """Spikes set for times before the current time are not emitted."""


def time_bins(times: np.ndarray, dt: float) -> np.ndarray:
    """The step in which each spike time (seconds) falls, as Brian counts them.

    A time a rounding error below a multiple of ``dt`` belongs to that step, not the one
    before: times are shifted by a thousandth of a step before they are cut.
    """
    return np.asarray((times + 1e-3 * dt) / dt, dtype=np.int64)


class SpikeGeneratorGroup(Group):
    """``N`` neurons spiking at the given ``times`` (with ``indices``), repeated every ``period``.

    The spikes are kept as arrays sorted by time step, with a pointer to the next spike to emit:
    each step emits the spikes of its time bin. ``set_spikes`` replaces them between runs.

    Example:

    >>> G = SpikeGeneratorGroup(2, [0, 1, 0], [1, 2, 4]*ms)
    >>> spikes = SpikeMonitor(G)
    >>> run(5*ms)
    >>> print(spikes.i[:], spikes.t[:])
    [0 1 0] [1. 2. 4.] ms
    """

    def __init__(
        self,
        N,
        indices,
        times,
        dt=None,
        clock=None,
        period=0 * second,
        when: str = "thresholds",
        order: int = 0,
        sorted: bool = False,
        name: str | None = None,
    ):
        if not isinstance(N, int | np.integer) or isinstance(N, bool) or N < 1:
            raise SpikeGeneratorError(
                f"a SpikeGeneratorGroup needs a whole number of neurons N >= 1, not {N!r}"
            )
        super().__init__(int(N), name=name, clock=clock, dt=dt, when=when, order=order)
        self.add_variable("i", kind="index", dtype="int64", read_only=True)
        self.variables["i"].values[:] = np.arange(self.N)
        self._last_events.declare(["spike"])
        # The emission pointer: position in the bin-sorted arrays of the next spike to emit.
        self._next_spike = np.zeros(1, dtype=np.int64)
        self._prepared_for: float | None = None
        self.set_spikes(indices, times, period=period, sorted=sorted)

    # -- user API ----------------------------------------------------------------------------
    def set_spikes(self, indices, times, period=0 * second, sorted: bool = False) -> None:
        """Replace the spikes to emit (for the next run): ``indices``, ``times``, ``period``.

        ``sorted=True`` says the spikes are already ordered by time (then index), which skips
        a sort for very long spike lists.
        """
        indices, times_s, period_s = self._checked_spikes(indices, times, period)
        if not sorted:
            order = np.lexsort((indices, times_s))
            indices, times_s = indices[order], times_s[order]
        elif len(times_s) > 1 and np.any(np.diff(times_s) < 0):
            raise SpikeGeneratorError(
                f"{self.name}: sorted=True was given, but the spike times are not in increasing "
                "order; leave sorted=False to have them sorted"
            )
        self._neuron_index, self._spike_time, self._period = indices, times_s, period_s
        self._spikes_changed = True
        self._prepared_for = None

    @property
    def neuron_index(self) -> np.ndarray:
        """The indices of the spikes, ordered by time."""
        return self._neuron_index.copy()

    @property
    def spike_time(self) -> Quantity:
        """The times of the spikes, in increasing order."""
        return Quantity.with_dimensions(self._spike_time.copy(), get_dimensions(second))

    @property
    def spikes(self) -> np.ndarray:
        """The indices that spiked in the most recent step."""
        return self.events["spike"].copy()

    @property
    def period(self) -> Quantity:
        """The period with which the spikes repeat (0 second: they do not)."""
        return Quantity.with_dimensions(self._period, get_dimensions(second))

    __getitem__ = NeuronGroup.__getitem__  # subgroups by slicing, as for neurons

    def _checked_spikes(self, indices, times, period) -> tuple[np.ndarray, np.ndarray, float]:
        period_s = seconds_of(period, f"the period of {self.name}")
        if get_dimensions(times) is not get_dimensions(second):
            seconds_of(times, f"the spike times of {self.name}")  # raises the dimension error
        times_s = np.asarray(Quantity(times), dtype=np.float64).ravel()
        raw_indices = np.asarray(indices).ravel()
        if raw_indices.size and raw_indices.dtype.kind not in "iu":
            if raw_indices.dtype.kind != "f" or np.any(raw_indices != np.round(raw_indices)):
                raise SpikeGeneratorError(
                    f"{self.name}: spike indices must be whole numbers, not {raw_indices[:5]!r}"
                )
        indices = raw_indices.astype(np.int64)
        if len(indices) != len(times_s):
            raise SpikeGeneratorError(
                f"{self.name}: there must be one index per spike time, but {len(indices)} "
                f"indices and {len(times_s)} times were given"
            )
        if period_s < 0:
            raise SpikeGeneratorError(f"{self.name}: the period cannot be negative ({period})")
        if len(times_s) and not np.all(np.isfinite(times_s)):
            raise SpikeGeneratorError(f"{self.name}: spike times must be finite numbers")
        if len(times_s) and times_s.min() < 0:
            first = int(np.argmin(times_s))
            raise SpikeGeneratorError(
                f"{self.name}: spike times cannot be negative, but spike {first} (index "
                f"{indices[first]}) is at {times[first] if np.ndim(times) else times}"
            )
        if len(indices) and (indices.min() < 0 or indices.max() >= self.N):
            bad = int(np.flatnonzero((indices < 0) | (indices >= self.N))[0])
            raise SpikeGeneratorError(
                f"{self.name}: spike {bad} has index {indices[bad]}, outside the group; indices "
                f"must lie in 0..{self.N - 1}"
            )
        self._check_period_against_step(period_s, self.clock.dt_)
        if len(times_s) and period_s > 0:
            dt = self.clock.dt_
            if time_bins(times_s.max(), dt) >= np.round(period_s / dt):
                raise SpikeGeneratorError(
                    f"{self.name}: the period ({period}) must be longer than the last spike time "
                    f"({Quantity.with_dimensions(times_s.max(), get_dimensions(second))})"
                )
        return indices, times_s, period_s

    def _check_period_against_step(self, period_s: float, dt: float) -> None:
        if 0 < period_s < dt:
            raise SpikeGeneratorError(
                f"{self.name}: the period ({period_s * 1e3:g} ms) is shorter than the time step "
                f"({self.clock.dt})"
            )

    # -- running -----------------------------------------------------------------------------
    def _prepare(self, dt: float) -> None:
        """Bin the spikes for time step ``dt``, check them, and order them by bin then index."""
        period_s = self._period
        self._check_period_against_step(period_s, dt)
        period_bins = int(np.round(period_s / dt))
        if period_s > 0 and abs(period_bins * dt - period_s) > period_s * np.finfo(float).eps:
            raise SpikeGeneratorError(
                f"{self.name}: the period ({self.period}) is not a whole number of time steps "
                f"({self.clock.dt})"
            )
        bins = time_bins(self._spike_time, dt)
        order = np.lexsort((self._neuron_index, bins))
        bins, indices = bins[order], self._neuron_index[order]
        twice = np.flatnonzero((np.diff(bins) == 0) & (np.diff(indices) == 0))
        if len(twice):
            first, again = self._spike_time[order[twice[0] : twice[0] + 2]]
            raise SpikeGeneratorError(
                f"{self.name}: neuron {indices[twice[0]]} would spike twice in one time step "
                f"(at {first * 1e3:g} ms and {again * 1e3:g} ms, with dt = "
                f"{self.clock.dt}); a neuron can spike at most once per time step"
            )
        self._bins, self._bin_indices, self._period_bins = bins, indices, period_bins
        self._prepared_for = dt

    def _start_emission(self) -> None:
        """Bin the spikes for the clock's dt; after new spikes, start at the current step."""
        dt = self.clock.dt_
        rebinned = self._prepared_for != dt
        if rebinned:
            self._prepare(dt)
        if self._spikes_changed or rebinned:
            # Emission starts at the current time: spikes of earlier steps are not emitted.
            step = self.clock.timestep
            periodic = self._period_bins > 0
            phase = step % self._period_bins if periodic else step
            first = int(np.searchsorted(self._bins, phase, side="left"))
            if self._spikes_changed and first and not periodic:
                warnings.warn(
                    f"{self.name}: {first} spike(s) are set for times before the start of this "
                    f"run (t = {self.clock.t}); they are ignored",
                    IgnoredSpikesWarning,
                    stacklevel=2,
                )
            self._next_spike[0] = first
            self._spikes_changed = False

    def emission_arrays(self) -> dict[str, object]:
        """What a compiled loop needs to emit the spikes (valid after a run was planned).

        ``bins`` (time step of each spike, sorted) and ``indices`` (its neuron), ``period_bins``
        (0: no repeat) and ``pointer`` (a 1-element array, updated in place): each step, the
        spikes ``indices[start:stop]`` with ``(start, stop) = spikes_of_step(bins,
        period_bins, pointer, timestep)`` are the group's events.
        """
        return {
            "bins": self._bins,
            "indices": self._bin_indices,
            "period_bins": self._period_bins,
            "pointer": self._next_spike,
        }

    def emit(self, timestep: int) -> np.ndarray:
        """The indices that spike in step ``timestep``; moves the pointer past them."""
        start, stop = spikes_of_step(self._bins, self._period_bins, self._next_spike, timestep)
        return self._bin_indices[start:stop]

    def scheduled_items(self, context: RunContext) -> list[tuple[tuple, object]] | None:
        """The spikes as a SpikeGeneration item. The compiled loop is given periodic spikes
        unrolled over the run (None when there would be too many: not fused); a stepped run
        their period."""
        from axonal.codegen.schedule import SpikeGeneration
        from axonal.network.fused import load_events, recording_item, steps_per_tick

        self._start_emission()
        state = context.state
        steps_key, indices_key = f"{self.name}._generator_steps", f"{self.name}._generator_indices"
        every = steps_per_tick(context, self.clock)
        period = None
        if self._period_bins > 0 and context.loop_dt is None:  # a stepped run
            period = f"{self.name}._period_steps"
            state[period] = self._period_bins
            bins, indices, self._fused_next = self._bins, self._bin_indices, self._next_spike
        elif self._period_bins > 0:
            bins, indices = self._unrolled(self.clock.steps_until(context.end))
            if bins is None:
                return None
            self._fused_next = np.zeros(1, np.int64)
        else:
            bins, indices, self._fused_next = self._bins, self._bin_indices, self._next_spike
        state[steps_key], state[indices_key] = bins * every, indices
        state[f"{self.name}._generator_next"] = self._fused_next  # moved on in place
        state[f"{self.name}.N"] = self.N
        load_events(state, self, ["spike"])
        generation = SpikeGeneration(self.name, steps_key, indices_key, period=period)
        item = recording_item(context, generation, self.clock)
        return [(schedule_key(self, self.when, self.order), item)]

    def _unrolled(self, steps: int) -> tuple[np.ndarray | None, np.ndarray | None]:
        """The periodic spikes of the next ``steps`` steps as absolute steps, or (None, None)
        when there would be too many to hold."""
        period, first = self._period_bins, self.clock.timestep
        periods = np.arange(first // period, (first + steps) // period + 1)
        if len(periods) * len(self._bins) > _MOST_UNROLLED_SPIKES:
            return None, None
        bins = (periods[:, None] * period + self._bins[None, :]).ravel()
        indices = np.tile(self._bin_indices, len(periods))
        due = (bins >= first) & (bins < first + steps)
        return bins[due], indices[due]

    def at_step_boundary(self, state: dict) -> None:
        if self._period_bins > 0:
            # Where a stepped run's pointer would be: past the spikes of the last step.
            phase = (self.clock.timestep - 1) % self._period_bins
            self._next_spike[0] = np.searchsorted(self._bins, phase, side="right")

    # -- store and restore -------------------------------------------------------------------
    def state_arrays(self) -> dict[str, object]:
        return {
            **super().state_arrays(),
            "_next_spike": self._next_spike,
            "_spikes": (
                self._neuron_index,
                self._spike_time,
                self._period,
                self._spikes_changed,
            ),
        }

    def restore_arrays(self, state) -> None:
        state = dict(state)
        indices, times, period, changed = state.pop("_spikes")
        if not (
            np.array_equal(indices, self._neuron_index)
            and np.array_equal(times, self._spike_time)
            and period == self._period
        ):
            self._neuron_index, self._spike_time, self._period = indices, times, period
            self._prepared_for = None
        self._spikes_changed = changed
        super().restore_arrays(state)

    def summary(self) -> dict:
        return {**super().summary(), "spikes": len(self._spike_time), "period": self._period}

    def __repr__(self) -> str:
        return (
            f"<SpikeGeneratorGroup {self.name!r}: {self.N} neurons, {len(self._spike_time)} spikes>"
        )


__all__ = ["SpikeGeneratorGroup"]
