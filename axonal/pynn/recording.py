"""Recording for PyNN: axonal SpikeMonitor and StateMonitor under PyNN's Recorder (Neo output).

Times follow NEST's convention, which PyNN's scenarios and users expect: a spike is stamped at
the end of the step in which the threshold was crossed (axonal stamps the start, so one step
is added), and a signal sampled at time t holds the state at t. The value at the current time,
which the next step's monitor would record, is appended when data is read.
"""

from __future__ import annotations

import numpy as np
from pyNN import recording

from axonal.monitors import SpikeMonitor, StateMonitor
from axonal.pynn import simulator
from axonal.units import second


class Recorder(recording.Recorder):
    """One SpikeMonitor and one StateMonitor per recorded variable of a Population."""

    _simulator = simulator

    def __init__(self, population=None, file=None):
        recording.Recorder.__init__(self, population, file)
        self._monitors = {}  # variable name -> monitor
        self._offsets = {}  # variable name -> entries read no more (cleared or earlier segment)
        self._recorded_rows = {}  # variable name -> group indices of the monitor's rows
        simulator.state.before_run_hooks.append(self._finalize)
        simulator.state.reset_hooks.append(self._start_segment)

    # -- what to record ---------------------------------------------------------------
    def _record(self, variable, new_ids, sampling_interval=None):
        if sampling_interval is not None:
            steps = sampling_interval / simulator.state.dt
            if abs(steps - round(steps)) > 1e-9 or round(steps) < 1:
                raise ValueError(
                    f"{self.population.label}: the sampling interval ({sampling_interval} ms) "
                    f"must be a whole number of time steps ({simulator.state.dt} ms)"
                )
            self.sampling_interval = sampling_interval

    def _rows_wanted(self, variable) -> np.ndarray:
        return np.sort(self.population.id_to_index(np.array(sorted(self.recorded[variable]))))

    def _finalize(self) -> None:
        """Before a run: a monitor for every recorded variable (new ones if the cells grew)."""
        group = self.population._group
        for variable in list(self.recorded):
            name = variable.name
            if name == "spikes":
                if name not in self._monitors:
                    self._add(name, SpikeMonitor(group, name=simulator.unique_name("spikes")))
                continue
            rows = self._rows_wanted(variable)
            if name in self._monitors and np.array_equal(rows, self._recorded_rows[name]):
                continue
            if name in self._monitors:
                simulator.state.remove(self._monitors[name])
            native, _ = self.population._state_target(name)
            monitor = StateMonitor(
                group,
                native,
                record=self.population._elements_of(rows),
                dt=self.sampling_interval * simulator.MS * second,
                name=simulator.unique_name("state"),
            )
            self._recorded_rows[name] = rows
            self._add(name, monitor)

    def _add(self, name, monitor) -> None:
        self._monitors[name] = monitor
        self._offsets[name] = 0
        simulator.state.add(monitor)

    def _start_segment(self) -> None:
        """After reset(): what the monitors hold belongs to the previous segment."""
        for name, monitor in self._monitors.items():
            self._offsets[name] = self._length(name, monitor)

    @staticmethod
    def _length(name, monitor) -> int:
        return len(monitor.t_) if name != "spikes" else len(monitor.t_)

    # -- reading ------------------------------------------------------------------------
    def _get_spiketimes(self, ids, clear=False):
        if simulator.state.spike_precision == "off_grid" and hasattr(
            self.population, "_spike_times"
        ):
            return self._given_spike_times(ids)
        monitor = self._monitors.get("spikes")
        if monitor is None or len(ids) == 0:
            return np.array([], dtype=int), np.array([])
        start = self._offsets["spikes"]
        indices = self.population._cells_of(np.asarray(monitor.i)[start:])
        times = (monitor.t_[start:] + simulator.state.dt_seconds) / simulator.MS
        wanted = self.population.id_to_index(np.asarray(ids, dtype=int))
        keep = np.isin(indices, wanted)
        id_array = np.asarray(self.population.all_cells, dtype=int)[indices[keep]]
        return id_array, times[keep]

    def _given_spike_times(self, ids):
        """With spike_precision="off_grid", the times a SpikeSourceArray was given (NEST's
        precise spikes): those after the start of the recording, up to now."""
        start = float(self._recording_start_time.rescale("ms").magnitude)
        now = simulator.state.t
        id_parts, time_parts = [], []
        for id_ in ids:
            times = np.asarray(self.population._spike_times[self.population.id_to_index(id_)])
            later = (times > start) if start > 0 else (times >= 0)
            times = times[later & (times <= now + 1e-9)]
            id_parts.append(np.full(times.size, int(id_)))
            time_parts.append(times)
        if not id_parts:
            return np.array([], dtype=int), np.array([])
        return np.concatenate(id_parts), np.concatenate(time_parts)

    def _get_all_signals(self, variable, ids, clear=False):
        name = variable.name
        monitor = self._monitors.get(name)
        if monitor is None or len(ids) == 0:
            return np.zeros((0, len(ids))), None
        native, scale = self.population._state_target(name)
        rows = self._recorded_rows[name]
        wanted = self.population.id_to_index(np.asarray(ids, dtype=int))
        positions = np.searchsorted(rows, wanted)
        start = self._offsets[name]
        values = np.asarray(getattr(monitor, native + "_"))[positions, start:].T
        times = monitor.t_[start:]
        # the state at the current time, if it falls on a sample (the next run records it)
        interval = self.sampling_interval * simulator.MS
        now = simulator.state.network.t_
        steps = now / interval
        if abs(steps - round(steps)) < 1e-6 and (times.size == 0 or times[-1] < now - interval / 2):
            group = self.population._group
            stored = group.variables[native]
            elements = self.population._elements_of(rows[positions])
            if stored.kind == "subexpression":
                current = np.broadcast_to(
                    group.evaluate(stored.expression, elements, namespace={}),
                    positions.shape,
                )
            else:
                current = stored.values[elements]
            values = np.vstack([values, current[np.newaxis, :]])
        return values / scale, None

    def _local_count(self, variable, filter_ids=None):
        monitor = self._monitors.get("spikes")
        ids = self.filter_recorded(variable, filter_ids)
        counts = {int(id_): 0 for id_ in ids}
        if monitor is not None:
            start = self._offsets["spikes"]
            indices = self.population._cells_of(np.asarray(monitor.i)[start:])
            per_cell = np.bincount(indices, minlength=self.population.size)
            for id_ in ids:
                counts[int(id_)] = int(per_cell[self.population.id_to_index(id_)])
        return counts

    def _clear_simulator(self) -> None:
        """Recorded data is dropped; recording goes on."""
        for name, monitor in self._monitors.items():
            self._offsets[name] = self._length(name, monitor)

    def _reset(self) -> None:
        """Nothing is recorded any more."""
        for monitor in self._monitors.values():
            simulator.state.remove(monitor)
        self._monitors, self._offsets, self._recorded_rows = {}, {}, {}
