"""StateMonitor: the values of chosen variables of chosen elements, step by step."""

from __future__ import annotations

import numpy as np

from axonal.groups.variables import Variable
from axonal.model.ir import Expression
from axonal.monitors.buffer import GrowingArray
from axonal.monitors.eventmonitor import MonitorError
from axonal.monitors.export import MonitorExport
from axonal.network.base import RunContext, SimulationObject, schedule_key
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
    results_during_step = True  # user code may read it during a run (see network/stepped.py)

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
        self._times = GrowingArray(np.float64)
        self._values = {
            name: GrowingArray(self._recorded[name].dtype, (len(self.record),))
            for name in self.record_variables
        }

    def scheduled_items(self, context: RunContext) -> list[tuple[tuple, object]] | None:
        """A StateRecording of the recorded variables, each computed first by a kernel
        unless it is stored."""
        from axonal.codegen.schedule import StateRecording
        from axonal.network.fused import recording_item

        self._namespace = context.namespace
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
        variable) in an array of this monitor's, at the storage positions of the source's
        elements it runs on (a subgroup's are its parent's)."""
        from axonal.monitors.computed import value_kernel

        storage_size = self.source.N + self.source.storage_offset
        kernel, functions, _ = value_kernel(self, name, variable, context, storage_size)
        return self.source.local_kernel(kernel, context), functions

    def fused_results(self, state: dict) -> None:
        from axonal.network.fused import clock_times, take_recorded

        names = [f"_{name}" for name in self.record_variables]
        used, taken = take_recorded(state, self.name, ["t", *names])
        if not used:
            return
        self._times.extend(clock_times(taken["t"], self.clock))
        for name, buffer in self._values.items():
            buffer.extend(taken[f"_{name}"])

    # -- results ----------------------------------------------------------------------------
    @property
    def t_(self) -> np.ndarray:
        return self._times.data.copy()

    @property
    def t(self) -> Quantity:
        return Quantity.with_dimensions(self.t_, get_dimensions(second))

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        raw = name.endswith("_")
        base = name[:-1] if raw else name
        if base in self.__dict__.get("record_variables", ()):
            values = self._values[base].data.T.copy()
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
        steps, elements = len(self._times), len(self.record)
        columns = {"t": np.repeat(self.t, elements), "i": np.tile(self.record, steps)}
        for name in self.record_variables:
            values = self._values[name].data.reshape(-1)
            columns[name] = self._recorded[name].with_units(values)
        return columns

    def state_arrays(self) -> dict[str, object]:
        return {"_times": self._times, **{f"_values.{n}": b for n, b in self._values.items()}}

    def restore_arrays(self, state) -> None:
        self._times.replace(state["_times"].data)
        for name, buffer in self._values.items():
            buffer.replace(state[f"_values.{name}"].data)

    def summary(self) -> dict:
        return {
            **super().summary(),
            "source": self.source.name,
            "variables": self.record_variables,
            "recorded": len(self.record),
            "samples": len(self._times),
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
        self._times = GrowingArray(np.float64)
        self._rates = GrowingArray(np.float64)

    @property
    def results_during_step(self) -> bool:
        """Whether user code may read it during a run: a subgroup's rates are counted from
        its parent's spikes up to the current step, so only at step boundaries."""
        return self.source.storage_root is self.source

    def scheduled_items(self, context: RunContext) -> list[tuple[tuple, object]] | None:
        """A RateRecording of the source's spikes; for a subgroup, a SpikeRecording of its
        parent's, counted per step afterwards."""
        from axonal.codegen.schedule import RateRecording, SpikeRecording
        from axonal.network.fused import event_root, recording_item

        root, _ = event_root(self.source)
        if root is self.source:
            recording = RateRecording(self.name, self.source.name)
        else:
            recording = SpikeRecording(self.name, root.name)
            self._counted_from = self.clock.timestep
        item = recording_item(context, recording, self.clock)
        return [(schedule_key(self, self.when, self.order), item)]

    def fused_results(self, state: dict) -> None:
        from axonal.network.fused import clock_times, event_root, take_recorded

        if event_root(self.source)[0] is not self.source:
            self._subgroup_results(state)
            return
        used, taken = take_recorded(state, self.name, ["t", "fraction"])
        if not used:
            return
        # The count back from the fraction, so that the rate is computed as in Python.
        counts = np.round(taken["fraction"] * self.source.N)
        self._times.extend(clock_times(taken["t"], self.clock))
        self._rates.extend(counts / (self.source.N * self.clock.dt_))

    def _subgroup_results(self, state: dict) -> None:
        """Rates of the steps since the last call, from the parent's recorded spikes."""
        from axonal.network.fused import event_root, take_recorded

        _, taken = take_recorded(state, self.name, ["i", "t"])
        first, now, dt = self._counted_from, self.clock.timestep, self.clock.dt_
        _, start = event_root(self.source)
        if not taken or now <= first:
            return
        inside = (taken["i"] >= start) & (taken["i"] < start + self.source.N)
        ticks = np.round(taken["t"][inside] / dt).astype(np.int64) - first
        counts = np.bincount(ticks, minlength=now - first)
        self._times.extend(np.arange(first, now) * dt)
        self._rates.extend(counts / (self.source.N * dt))
        self._counted_from = now

    @property
    def t(self) -> Quantity:
        return Quantity.with_dimensions(self._times.data.copy(), get_dimensions(second))

    @property
    def t_(self) -> np.ndarray:
        return self._times.data.copy()

    @property
    def rate(self) -> Quantity:
        return Quantity.with_dimensions(self._rates.data.copy(), get_dimensions(second) ** -1)

    @property
    def rate_(self) -> np.ndarray:
        return self._rates.data.copy()

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
        smoothed = np.convolve(self._rates.data, kernel, mode="same")
        return Quantity.with_dimensions(smoothed, get_dimensions(second) ** -1)

    def export_columns(self) -> dict[str, object]:
        return {"t": self.t, "rate": self.rate}

    def state_arrays(self) -> dict[str, object]:
        return {"_times": self._times, "_rates": self._rates}

    def restore_arrays(self, state) -> None:
        self._times.replace(state["_times"].data)
        self._rates.replace(state["_rates"].data)


__all__ = ["StateMonitor", "PopulationRateMonitor"]
