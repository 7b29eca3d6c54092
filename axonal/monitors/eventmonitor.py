"""SpikeMonitor and EventMonitor: the times and indices of a group's events."""

from __future__ import annotations

import numpy as np

from axonal.monitors.export import MonitorExport
from axonal.network.base import RunContext, SimulationObject, schedule_key
from axonal.network.network import spike_digest
from axonal.network.run_state import RunShare
from axonal.units import Quantity, get_dimensions, second


class MonitorError(ValueError):
    """A monitor was asked for something its source does not have."""


class EventMonitor(MonitorExport, SimulationObject):
    r"""Records every ``event`` of ``source``: who, when, and optionally variables at that time.

    :param source: the group.
    :param event: the event's name (``'spike'``, or one given in ``NeuronGroup(events=...)``).
    :param variables: names of variables to record at each event.
    :param record: ``False`` keeps only the counts.
    :param name: a unique name.

    Example:

    >>> G = NeuronGroup(2, 'dv/dt = (1 + i)/(10*ms) : 1\ndone : boolean',
    ...                 events={'half': 'v > 0.5 and not done'}, method='euler')
    >>> G.run_on_event('half', 'done = True')
    >>> half = EventMonitor(G, 'half', variables='v')
    >>> run(10*ms)
    >>> print(half.i[:], half.t[:])
    [1 0] [2.4 4.9] ms
    """

    default_when = "thresholds"

    def __init__(
        self,
        source,
        event: str,
        variables=None,
        record: bool = True,
        when=None,
        order: int = 1,
        name: str | None = None,
    ):
        super().__init__(name=name, clock=source.clock, when=when, order=order)
        self.source, self.event, self.record = source, event, bool(record)
        conditions = getattr(source.storage_root, "event_conditions", None)
        if conditions is not None and event not in conditions:
            known = ", ".join(sorted(conditions)) or "none"
            raise MonitorError(
                f"{self.name}: {source.name} has no event {event!r} (it has: {known})"
            )
        if variables is None:
            variables = []
        elif isinstance(variables, str):
            variables = [variables]
        for variable in variables:
            if variable not in source.variables:
                raise MonitorError(f"{self.name}: {source.name} has no variable {variable!r}")
        self.record_variables = list(variables)
        # The recording's buffers in the run state (read where the run left them), and the
        # counts of events no longer held there (record=False keeps only counts).
        columns = ["n", "t", "i", *(f"_{v}" for v in self.record_variables)]
        self._share = RunShare(f"{self.name}.{column}" for column in columns)
        self._count = np.zeros(source.N, dtype=np.int64)

    # -- running -----------------------------------------------------------------------
    def scheduled_items(self, context: RunContext) -> list[tuple[tuple, object]]:
        """A SpikeRecording of the source's (or its parent's) events and of the recorded
        variables at them; a variable that is not stored is first computed at the events by
        a kernel of its own."""
        from axonal.codegen.schedule import OnEvents, SpikeRecording
        from axonal.network.fused import event_root, kernel_item, recording_item

        self._namespace = context.namespace
        self._share.join(context.state)
        root, _ = event_root(self.source)
        key = schedule_key(self, self.when, self.order)
        items, recorded = [], []
        for name in self.record_variables:
            variable = self.source.variables[name]
            if variable.kind == "array":
                context.state[variable.key] = variable.values
                recorded.append((f"_{name}", variable.key))  # '_n': 'n' is the entries used
                continue
            kernel, functions, stored = self._value_kernel(name, variable, root, context)
            at_events = OnEvents(root.name, self.event)
            items.append((key, kernel_item(context, kernel, functions, at_events, self.clock)))
            recorded.append((f"_{name}", stored))
        recording = SpikeRecording(self.name, root.name, self.event, tuple(recorded))
        return [*items, (key, recording_item(context, recording, self.clock))]

    def _value_kernel(self, name: str, variable, root, context: RunContext):
        """A kernel storing the values of ``name`` (a subexpression, a linked, shared or
        index variable) at the storage positions it runs on, and the key of that array."""
        from axonal.monitors.computed import value_kernel

        kernel, functions, key = value_kernel(self, name, variable, context, root.N)
        return self.source.storage_kernel(kernel, context), functions, key

    def after_run(self) -> None:
        """Without ``record``, only the counts are kept: the run's events are counted and
        their buffers emptied."""
        self._share.settle_rows(f"{self.name}.n", self._settle)  # with this run's dt
        if not self.record:
            self._count += self._counted()
            count = self._share.state.get(f"{self.name}.n")
            if count is not None:
                count[0] = 0
        self._share.settle()

    def _column(self, column: str) -> np.ndarray:
        """A recorded column (``'i'``, ``'t'``, ``'_<variable>'``) of the source's events, as
        read from the run state (a subgroup's, out of its parent's events)."""
        used = self._share.settle_rows(f"{self.name}.n", self._settle)
        values = self._share.view(f"{self.name}.{column}", used)
        if values is None:
            dtype = {"i": np.int64, "t": np.float64}.get(column)
            return np.zeros(0, dtype or self.source.variables[column[1:]].dtype)
        root, offset = self.source.storage_root, self.source.storage_offset
        if root is not self.source or column == "i":
            indices = self._share.view(f"{self.name}.i", used) - offset
            if root is not self.source:
                values = values[(indices >= 0) & (indices < self.source.N)]
            if column == "i":
                return values - offset
        return values.copy()

    def _settle(self, first: int, used: int) -> None:
        """Times as the monitor's clock gives them (``timestep * dt``, bit for bit)."""
        from axonal.network.fused import clock_times

        times = self._share.state[f"{self.name}.t"]
        times[first:used] = clock_times(times[first:used], self.clock)

    def _counted(self) -> np.ndarray:
        return np.bincount(self._column("i"), minlength=self.source.N)

    # -- results ----------------------------------------------------------------------------
    @property
    def i(self) -> np.ndarray:
        return self._column("i") if self.record else np.zeros(0, np.int64)

    @property
    def t_(self) -> np.ndarray:
        return self._column("t") if self.record else np.zeros(0)

    @property
    def t(self) -> Quantity:
        return Quantity.with_dimensions(self.t_, get_dimensions(second))

    @property
    def it(self) -> tuple[np.ndarray, Quantity]:
        """``(i, t)``, as in ``i, t = spikes.it``."""
        return self.i, self.t

    @property
    def it_(self) -> tuple[np.ndarray, np.ndarray]:
        """``(i, t_)``: the times as plain seconds."""
        return self.i, self.t_

    @property
    def count(self) -> np.ndarray:
        return self._count + self._counted()

    @property
    def num_events(self) -> int:
        return int(self._count.sum()) + len(self._column("i"))

    def __len__(self) -> int:
        return self.num_events

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        raw = name.endswith("_")
        base = name[:-1] if raw else name
        if base in self.__dict__.get("record_variables", ()):
            values = self._recorded_values(base)
            return values if raw else self.source.variables[base].with_units(values)
        raise AttributeError(
            f"{type(self).__name__} {self.__dict__.get('name')!r} has no attribute {name!r}"
        )

    def _recorded_values(self, name: str) -> np.ndarray:
        if not self.record:
            return np.zeros(0, self.source.variables[name].dtype)
        return self._column(f"_{name}")

    def _trains(self, values: np.ndarray, variable=None) -> dict[int, object]:
        indices = self.i
        order = np.argsort(indices, kind="stable")
        sorted_indices = indices[order]
        bounds = np.searchsorted(sorted_indices, np.arange(self.source.N + 1))
        trains = {}
        for index in range(self.source.N):
            chunk = values[order[bounds[index] : bounds[index + 1]]]
            trains[index] = chunk if variable is None else variable(chunk)
        return trains

    def event_trains(self) -> dict[int, Quantity]:
        """For each index, the times of its events (a quantity in seconds)."""
        dims = get_dimensions(second)
        return self._trains(self.t_, lambda raw: Quantity.with_dimensions(raw, dims))

    def values(self, name: str) -> dict[int, object]:
        """For each index, the recorded values of ``name`` at its events."""
        variable = self.source.variables[name]
        return self._trains(self._recorded_values(name), variable.with_units)

    def all_values(self) -> dict[str, dict[int, object]]:
        return {"t": self.event_trains(), **{n: self.values(n) for n in self.record_variables}}

    def export_columns(self) -> dict[str, object]:
        columns = {"i": self.i, "t": self.t}
        for name in self.record_variables:
            columns[name] = getattr(self, name)
        return columns

    # -- store, restore, records ------------------------------------------------------------------
    def state_arrays(self) -> dict[str, object]:
        """The counts kept and the recording's buffers as they stand (views: a copy is a
        store's job)."""
        used = self._share.settle_rows(f"{self.name}.n", self._settle)
        buffers = {k: self._share.view(k, used) for k in self._share.keys[1:]}
        recorded = {k: v for k, v in buffers.items() if v is not None}
        return {"count": self._count, "recorded": recorded}

    def restore_arrays(self, state) -> None:
        self._count[:] = state["count"]
        recorded = state["recorded"]
        used = len(recorded.get(f"{self.name}.i", ()))
        self._share.replace(recorded, f"{self.name}.n", used)

    def summary(self) -> dict:
        return {
            **super().summary(),
            "source": self.source.name,
            "event": self.event,
            "events": self.num_events,
            "spike_digest": spike_digest(self.i, self.t_),
        }


class SpikeMonitor(EventMonitor):
    """Records the spikes of ``source``: ``M.t``, ``M.i``, ``M.count``, ``M.spike_trains()``.

    :param source: the group whose spikes are recorded.
    :param variables: names of variables to record at each spike (``M.v`` then holds them).
    :param record: ``False`` keeps only the counts.
    :param name: a unique name.

    ``M.num_spikes`` is the total; ``M.get_states()`` and ``M.to_dataframe()`` export them.

    Example:

    >>> G = NeuronGroup(1, 'dv/dt = (1 - v)/(10*ms) : 1', threshold='v > 0.8',
    ...                 reset='v = 0', method='exact')
    >>> spikes = SpikeMonitor(G)
    >>> run(50*ms)
    >>> print(spikes.t[:])
    [16.  32.1 48.2] ms
    >>> spikes.num_spikes, spikes.count
    (3, array([3]))
    """

    def __init__(
        self,
        source,
        variables=None,
        record: bool = True,
        when=None,
        order: int = 1,
        name: str | None = None,
    ):
        super().__init__(
            source, "spike", variables=variables, record=record, when=when, order=order, name=name
        )

    @property
    def num_spikes(self) -> int:
        return self.num_events

    def spike_trains(self) -> dict[int, Quantity]:
        return self.event_trains()


__all__ = ["EventMonitor", "SpikeMonitor"]
