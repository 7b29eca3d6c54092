"""StateMonitor: the values of chosen variables of chosen elements, step by step."""

from __future__ import annotations

import dataclasses
from functools import partial

import numpy as np

from axonal.groups.variables import Variable
from axonal.model.ir import Expression, VariableKind
from axonal.monitors.eventmonitor import MonitorError
from axonal.monitors.export import MonitorExport
from axonal.network.base import RunContext, SimulationObject, schedule_key
from axonal.network.run_state import RunShare
from axonal.units import Quantity, get_dimensions, second

# Recorded variables a kernel computes into a buffer of the monitor's before each recording.
_COMPUTED = ("subexpression", "linked", "shared")


class StateMonitor(MonitorExport, SimulationObject):
    """Records ``variables`` of the elements in ``record`` on every step of its clock.

    ``M.t`` holds the times; ``M.v`` is a 2-D array (recorded element x time), so ``M.v[0]`` is
    the trace of the first recorded element; ``M[5].v`` is the trace of element 5.
    ``M.get_states()`` and ``M.to_dataframe()`` export the recordings.

    :param source: the group (or synapses) to record from.
    :param variables: a name, a list of names, or ``True`` for all variables.
    :param record: the indices to record, ``True`` for all, or ``False``/``None`` for none.
    :param dt: a coarser recording step (default: the source's clock); or ``clock=``.
    :param when: the schedule slot (default ``'start'``, before the state update).
    :param name: a unique name.

    Example:

    >>> G = NeuronGroup(2, 'dv/dt = -v/(10*ms) : 1', method='exact')
    >>> G.v = [1, 2]
    >>> M = StateMonitor(G, 'v', record=True, dt=1*ms)
    >>> run(3*ms)
    >>> M.t[:]
    array([0., 1., 2.]) * msecond
    >>> print(M.v.shape, round(float(M[1].v[-1]), 6), round(2 * exp(-0.2), 6))
    (2, 3) 1.637462 1.637462
    """

    default_when = "start"

    def __init__(
        self,
        source,
        variables,
        record,
        dt=None,
        clock=None,
        when="start",
        order: int = 0,
        name: str | None = None,
    ):
        if clock is None and dt is None:
            clock = source.clock
        super().__init__(name=name, clock=clock, dt=dt, when=when, order=order)
        self.source = source
        if variables is True:
            variables = [n for n, v in source.variables.items() if v.kind != "index"]
        elif isinstance(variables, str):
            variables = [variables]
        self._recorded = {}
        for variable in variables:
            self._recorded[variable] = _recordable(source, variable)
            if self._recorded[variable] is None:
                known = ", ".join(sorted(source.variables))
                raise MonitorError(
                    f"{self.name}: {source.name} has no variable {variable!r} (it has: {known})"
                )
        self.record_variables = list(variables)
        if hasattr(record, "_indices"):  # a morphology's compartments: indices in the tree
            record = record._indices() - source.storage_offset
        if record is True:
            record = np.arange(source.N)
        elif record is False or record is None:
            record = np.zeros(0, dtype=np.int64)
        self.record = np.atleast_1d(np.asarray(record, dtype=np.int64))
        if self.record.size and (self.record.min() < 0 or self.record.max() >= source.N):
            raise MonitorError(
                f"{self.name}: record={record!r} is out of range for {source.N} "
                f"elements of {source.name}"
            )
        self._positions = self.record + source.storage_offset
        # The recording's buffers, read in the run state where the run left them.
        columns = ["n", "t", *(f"_{name}" for name in self.record_variables)]
        self._share = RunShare(f"{self.name}.{column}" for column in columns)

    def scheduled_items(self, context: RunContext) -> list[tuple[tuple, object]] | None:
        """A StateRecording of the recorded variables, each computed first by a kernel
        unless it is stored."""
        from axonal.codegen.schedule import StateRecording
        from axonal.network.fused import recording_item

        self._namespace = context.namespace
        self._share.join(context.state)
        key = schedule_key(self, self.when, self.order)
        items, recorded = [], []
        for name in self.record_variables:
            variable = self._recorded[name]
            if variable.kind in _COMPUTED:  # computed into a buffer first
                items.append((key, self._computed_subexpression(name, variable, context)))
            else:
                context.state[variable.key] = variable.values
            recorded.append((f"_{name}", self._stored_key(name)))  # '_n': 'n' is the rows used
        positions_key = f"{self.name}._positions"
        context.state[positions_key] = self._positions
        recording = StateRecording(self.name, tuple(recorded), positions_key)
        return [*items, (key, recording_item(context, recording, self.clock))]

    def _stored_key(self, name: str) -> str:
        variable = self._recorded[name]
        computed = variable.kind in _COMPUTED
        return f"{self.name}._value_of_{name}" if computed else variable.key

    def _computed_subexpression(self, name: str, variable, context: RunContext):
        """The kernel item storing the variable's values over the source, read by the
        recording right after it."""
        from axonal.network.fused import kernel_item

        kernel, functions = self._subexpression_kernel(name, variable, context)
        return kernel_item(context, kernel, functions, "all", self.clock)

    def _subexpression_kernel(self, name: str, variable, context: RunContext):
        """A kernel storing the values of ``name`` (a subexpression, a linked or a shared
        variable) in an array of this monitor's, at the storage positions of the recorded
        elements only (a subgroup's are its parent's)."""
        from axonal.monitors.computed import value_kernel

        storage_size = self.source.N + self.source.storage_offset
        kernel, functions, _ = value_kernel(self, name, variable, context, storage_size)
        return self._at_recorded(kernel, context), functions

    def _at_recorded(self, kernel, context: RunContext):
        """``kernel`` (made over the source) as a loop over the recorded elements: arrays
        read and written at their storage positions, ``i`` the recorded element's own."""
        state = context.state
        positions_key, size_key = f"{self.name}._positions", f"{self.name}.N"
        state[positions_key], state[size_key] = self._positions, len(self.record)
        subgroup = self.source.storage_root is not self.source
        variables = dict(kernel.variables)
        for name, ref in kernel.variables.items():
            if ref.kind is not VariableKind.ARRAY or ref.array is None:
                continue
            if subgroup and name == "i":  # (the parent's index, read by the subgroup's i)
                local_key = f"{self.name}._record"
                state[local_key] = self.record
                variables[name] = dataclasses.replace(ref, array=local_key)
            elif ref.index is None:
                variables[name] = dataclasses.replace(ref, index=positions_key)
            else:  # read through an index of its own (a linked variable): compose the two
                composed = f"{ref.index}._at_{self.name}"
                state[composed] = state[ref.index][self._positions]
                variables[name] = dataclasses.replace(ref, index=composed)
        return dataclasses.replace(kernel, owner=self.name, variables=variables)

    def after_run(self) -> None:
        self._rows("t")  # settled with the dt of this run
        self._share.settle()

    def _rows(self, column: str) -> np.ndarray:
        """The rows recorded so far of a column (``'t'``, ``'_<variable>'``): a view of the
        run state's buffer."""
        used = self._share.settle_rows(f"{self.name}.n", partial(_settle_times, self))
        rows = self._share.view(f"{self.name}.{column}", used)
        if rows is not None:
            return rows
        if column == "t":
            return np.zeros(0)
        return np.zeros((0, len(self.record)), self._recorded[column[1:]].dtype)

    # -- results ----------------------------------------------------------------------------
    @property
    def t_(self) -> np.ndarray:
        return self._rows("t").copy()

    @property
    def t(self) -> Quantity:
        return Quantity.with_dimensions(self.t_, get_dimensions(second))

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        raw = name.endswith("_")
        base = name[:-1] if raw else name
        if base in self.__dict__.get("record_variables", ()):
            values = self._rows(f"_{base}").T.copy()
            return values if raw else self._recorded[base].with_units(values)
        raise AttributeError(
            f"StateMonitor {self.__dict__.get('name')!r} has no attribute {name!r}"
        )

    def recorded_variable(self, variable: str | None = None, asker: str = "") -> str:
        """The name of a variable this monitor records: ``variable`` if it does, the only one
        it records when ``variable`` is None; otherwise a MonitorError that ``asker`` (the
        function asking, e.g. ``"plot_state"``) begins.

        Example:

        >>> G = NeuronGroup(1, 'v : 1')
        >>> StateMonitor(G, 'v', record=True).recorded_variable()
        'v'
        """
        prefix = f"{asker}: " if asker else ""
        if variable is None:
            if len(self.record_variables) != 1:
                raise MonitorError(
                    f"{prefix}{self.name} records {self.record_variables}; say which variable "
                    "(variable=...)"
                )
            return self.record_variables[0]
        if variable not in self.record_variables:
            raise MonitorError(
                f"{prefix}{self.name} does not record {variable!r} (it records "
                f"{self.record_variables})"
            )
        return variable

    def __getitem__(self, index: int) -> _RecordedElement:
        if hasattr(index, "_indices"):  # a morphology's compartment (index in the tree)
            index = int(index._indices()) - self.source.storage_offset
        matches = np.flatnonzero(self.record == index)
        if not len(matches):
            raise IndexError(f"{self.name} does not record element {index} of {self.source.name}")
        return _RecordedElement(self, int(matches[0]))

    def export_columns(self) -> dict[str, object]:
        steps, elements = len(self._rows("t")), len(self.record)
        columns = {"t": np.repeat(self.t, elements), "i": np.tile(self.record, steps)}
        for name in self.record_variables:
            values = self._rows(f"_{name}").reshape(-1)
            columns[name] = self._recorded[name].with_units(values)
        return columns

    def state_arrays(self) -> dict[str, object]:
        self._rows("t")  # (settled first)
        return {"recorded": _recorded_buffers(self._share, self.name)}

    def restore_arrays(self, state) -> None:
        recorded = state["recorded"]
        used = len(recorded.get(f"{self.name}.t", ()))
        self._share.replace(recorded, f"{self.name}.n", used)

    def summary(self) -> dict:
        return {
            **super().summary(),
            "source": self.source.name,
            "variables": self.record_variables,
            "recorded": len(self.record),
            "samples": len(self._rows("t")),
        }


def _recordable(source, name: str) -> Variable | None:
    """The variable ``name`` of ``source``; for Synapses also a neuron's variable read through
    them (``v_post``, ``x_pre``, or ``g`` of the target), recorded as a computed value."""
    if name in source.variables:
        return source.variables[name]
    found = getattr(source, "_neuron_variable", lambda _: None)(name)
    if found is None:
        return None
    group, variable_name, _ = found
    neuron_variable = group.variables[variable_name]
    return Variable(
        name=name,
        owner=source.name,
        dimensions=neuron_variable.dimensions,
        dtype=neuron_variable.dtype,
        kind="subexpression",
        read_only=True,
        expression=Expression(name),
    )


class _RecordedElement:
    """``M[5]``: the traces of one recorded element."""

    def __init__(self, monitor: StateMonitor, row: int):
        self._monitor, self._row = monitor, row

    def __getattr__(self, name: str):
        if name in ("t", "t_"):  # the times are the same for every element: all of them
            return getattr(self._monitor, name)
        return getattr(self._monitor, name)[self._row]


class PopulationRateMonitor(MonitorExport, SimulationObject):
    """The fraction of ``source`` that spikes in each step, as a rate: ``M.t``, ``M.rate``.

    ``M.smooth_rate('gaussian', width=5*ms)`` (or ``'flat'``) smooths it.

    :param source: the group whose spikes are counted.
    :param name: a unique name.

    Example:

    >>> G = NeuronGroup(10, 'v : 1', threshold='i < 4')
    >>> rate = PopulationRateMonitor(G)
    >>> run(0.3*ms)
    >>> print(rate.rate[:])
    [4. 4. 4.] kHz
    """

    default_when = "thresholds"

    def __init__(self, source, when=None, order: int = 1, name: str | None = None):
        super().__init__(name=name, clock=source.clock, when=when, order=order)
        self.source = source
        self._share = RunShare(f"{self.name}.{column}" for column in ("n", "t", "fraction"))

    def scheduled_items(self, context: RunContext) -> list[tuple[tuple, object]] | None:
        """A RateRecording of the source's spikes (a subgroup's: of its range of its
        parent's)."""
        from axonal.codegen.schedule import RateRecording
        from axonal.network.fused import event_root, recording_item

        self._share.join(context.state)
        root, offset = event_root(self.source)
        span = None
        if root is not self.source:
            span = (f"{self.name}._first", f"{self.name}._size")
            context.state[span[0]] = offset
            context.state[span[1]] = self.source.N
        recording = RateRecording(self.name, root.name, span=span)
        item = recording_item(context, recording, self.clock)
        return [(schedule_key(self, self.when, self.order), item)]

    def after_run(self) -> None:
        self._rows("t")  # settled with the dt of this run
        self._share.settle()

    def _rows(self, column: str) -> np.ndarray:
        """Recorded rows: times, and rates (rows settled while the dt is that of the run
        that recorded them)."""
        used = self._share.settle_rows(f"{self.name}.n", self._settle)
        rows = self._share.view(f"{self.name}.{column}", used)
        return np.zeros(0) if rows is None else rows

    def _settle(self, first: int, used: int) -> None:
        # The count back from the fraction, so that the rate is computed as in Python.
        _settle_times(self, first, used)
        size, fractions = self.source.N, self._share.state[f"{self.name}.fraction"]
        counts = np.round(fractions[first:used] * size)
        fractions[first:used] = counts / (size * self.clock.dt_)

    @property
    def t(self) -> Quantity:
        return Quantity.with_dimensions(self.t_, get_dimensions(second))

    @property
    def t_(self) -> np.ndarray:
        return self._rows("t").copy()

    @property
    def rate(self) -> Quantity:
        return Quantity.with_dimensions(self.rate_, get_dimensions(second) ** -1)

    @property
    def rate_(self) -> np.ndarray:
        return self._rows("fraction").copy()  # (settled into rates)

    def smooth_rate(self, window: str | np.ndarray = "gaussian", width=None) -> Quantity:
        """The rate convolved with a 'gaussian' (width = standard deviation) or 'flat' window."""
        dt = self.clock.dt_
        if isinstance(window, str):
            if width is None:
                raise ValueError(f"{self.name}.smooth_rate: give width= (a time) for {window!r}")
            width_s = float(np.asarray(width))
            if get_dimensions(width) is not get_dimensions(second):
                raise ValueError(f"{self.name}.smooth_rate: width must be a time, not {width!r}")
            if window == "gaussian":
                half = int(round(2 * width_s / dt))
                offsets = np.arange(-half, half + 1) * dt
                kernel = np.exp(-0.5 * (offsets / width_s) ** 2)
            elif window == "flat":
                half = int(round(width_s / (2 * dt)))
                kernel = np.ones(2 * half + 1)
            else:
                raise ValueError(
                    f"{self.name}.smooth_rate: window must be 'gaussian', 'flat' or "
                    f"an array, not {window!r}"
                )
        else:
            kernel = np.asarray(window, dtype=float)
            if kernel.ndim != 1 or len(kernel) % 2 == 0:
                raise ValueError(f"{self.name}.smooth_rate: a window array needs an odd length")
        kernel = kernel / kernel.sum()
        smoothed = np.convolve(self.rate_, kernel, mode="same")
        return Quantity.with_dimensions(smoothed, get_dimensions(second) ** -1)

    def export_columns(self) -> dict[str, object]:
        return {"t": self.t, "rate": self.rate}

    def state_arrays(self) -> dict[str, object]:
        self._rows("t")  # (settled first)
        return {"recorded": _recorded_buffers(self._share, self.name)}

    def restore_arrays(self, state) -> None:
        recorded = state["recorded"]
        used = len(recorded.get(f"{self.name}.t", ()))
        self._share.replace(recorded, f"{self.name}.n", used)


def _settle_times(monitor, first: int, used: int) -> None:
    """Recorded times as the monitor's clock gives them (``timestep * dt``, bit for bit)."""
    from axonal.network.fused import clock_times

    times = monitor._share.state[f"{monitor.name}.t"]
    times[first:used] = clock_times(times[first:used], monitor.clock)


def _recorded_buffers(share: RunShare, monitor: str) -> dict[str, np.ndarray]:
    """A recording's buffers up to the rows used (views; a store copies them)."""
    used = share.used(f"{monitor}.n")
    views = {key: share.view(key, used) for key in share.keys[1:]}
    return {key: view for key, view in views.items() if view is not None}


__all__ = ["StateMonitor", "PopulationRateMonitor"]
