"""Current sources computed inside the run: each Population's injected current is model code.

Every Population that receives current gets one "electrode" NeuronGroup with a row per
(source, cell) pair, whose current ``I`` is an equation of time (DC and AC sources) plus a
``level`` that events set (the steps of a StepCurrentSource; each new sample of a
NoisyCurrentSource, drawn with ``randn()`` in the loop). A summed variable adds the rows of each
cell into its ``i_inj``. Events come from a SpikeGeneratorGroup, so nothing runs in Python
during a run; the objects are rebuilt only when sources are added, and their events are
refreshed before each run (a source's parameters may change between runs).

Timing follows PyNN's convention (that of pyNN.nest): a current switched on at time T acts on
the cell from the step starting at T.
"""

from __future__ import annotations

import numpy as np
from pyNN import errors
from pyNN.parameters import ParameterSpace, Sequence
from pyNN.standardmodels import StandardCurrentSource, build_translations, electrodes

from axonal.groups import NeuronGroup, SpikeGeneratorGroup
from axonal.monitors import StateMonitor
from axonal.pynn import simulator
from axonal.synapses import Synapses
from axonal.units import second

ELECTRODE = """
on = 1.0*((t >= t_on) and (t < t_off)) : 1
I = on*(dc + ac_amp*sin(2*pi*ac_freq*(t - t_on) + ac_phase) + level) : amp
dc : amp
ac_amp : amp
ac_freq : hertz
ac_phase : 1
t_on : second
t_off : second
level : amp
"""
ROW_FIELDS = ("dc", "ac_amp", "ac_freq", "ac_phase", "t_on", "t_off")
NA, MS = 1e-9, 1e-3


class AxonalCurrentSource(StandardCurrentSource):
    """A current source: its parameters (PyNN units) and the cells it injects into."""

    def __init__(self, **parameters):
        object.__setattr__(self, "_values", {})
        super().__init__(**parameters)
        self.cell_list = []
        self._locations = []  # of each cell in cell_list (None: the soma / the cell)
        self._recorded = False
        self._history = []  # (times ms, currents nA) of monitors of earlier electrode groups
        self.parameter_space.shape = (1,)
        self.parameter_space.evaluate(simplify=True)
        self._values.update(self.parameter_space.as_dict())
        self._check()
        simulator.state.current_sources.append(self)

    # -- PyNN's interface ------------------------------------------------------------------
    def inject_into(self, cells, location=None):
        """Inject into ``cells``; into a multicompartment cell at ``location`` (a section's
        label; its soma by default)."""
        for cell in cells:
            if not cell.celltype.injectable:
                raise TypeError(f"Can't inject current into a spike source ({cell.celltype}).")
            root = getattr(cell.parent, "root", cell.parent)
            root._elements_of([0], location)  # an unknown location is refused here
        self.cell_list.extend(cells)
        self._locations.extend([location] * len(cells))
        _Electrodes.changed()

    def get_native_parameters(self):
        return ParameterSpace(dict(self._values), self.get_schema(), shape=(1,))

    def set_native_parameters(self, parameters):
        parameters.shape = (1,)
        parameters.evaluate(simplify=True)
        self._values.update(parameters.as_dict())
        self._check()
        _Electrodes.changed()

    def _check(self) -> None:
        pass

    def record(self):
        self._recorded = True
        _Electrodes.changed()

    def _get_data(self):
        times, currents = [], []
        for t, i in self._history + _Electrodes.monitored(self):
            times.append(t)
            currents.append(i)
        if not times:
            return np.zeros(0), np.zeros(0)
        t_arr, i_arr = np.concatenate(times), np.concatenate(currents)
        now = simulator.state.t
        if t_arr.size == 0 or t_arr[-1] < now - simulator.state.dt / 2:
            t_arr = np.append(t_arr, now)
            i_arr = np.append(i_arr, self._value_at(now))
        return t_arr, i_arr

    def _value_at(self, t_ms: float) -> float:
        rows = self.rows()
        row = rows[0]
        on = row["t_on"] <= t_ms * MS < row["t_off"]
        value = on * (
            row["dc"]
            + row["ac_amp"]
            * np.sin(2 * np.pi * row["ac_freq"] * (t_ms * MS - row["t_on"]) + row["ac_phase"])
            + self.level_at(t_ms)
        )
        return value / NA

    # -- what the electrode group needs --------------------------------------------------
    def rows(self) -> list[dict]:
        """The row values (SI) of this source, the same for each cell it injects into."""
        row = {
            "dc": 0.0,
            "ac_amp": 0.0,
            "ac_freq": 0.0,
            "ac_phase": 0.0,
            "t_on": 0.0,
            "t_off": np.inf,
        }
        row.update(self.row_values())
        return [row]

    def row_values(self) -> dict:
        return {}

    def level_at(self, t_ms: float) -> float:
        """The event-set part of the current (A) in force at ``t_ms``."""
        return 0.0

    def events(self, after_ms: float, until_ms: float) -> tuple[np.ndarray, np.ndarray, str]:
        """Times (ms) > after_ms and <= until_ms at which ``level`` changes, the values (A)
        and, for random values, "noise" (values are then mean and stdev pairs)."""
        return np.zeros(0), np.zeros(0), "set"


class DCSource(AxonalCurrentSource, electrodes.DCSource):
    __doc__ = electrodes.DCSource.__doc__
    translations = build_translations(
        ("amplitude", "amplitude"), ("start", "start"), ("stop", "stop")
    )

    def row_values(self):
        v = self._values
        return {"dc": v["amplitude"] * NA, "t_on": v["start"] * MS, "t_off": v["stop"] * MS}


class ACSource(AxonalCurrentSource, electrodes.ACSource):
    __doc__ = electrodes.ACSource.__doc__
    translations = build_translations(
        ("amplitude", "amplitude"),
        ("start", "start"),
        ("stop", "stop"),
        ("frequency", "frequency"),
        ("offset", "offset"),
        ("phase", "phase"),
    )

    def row_values(self):
        v = self._values
        return {
            "dc": v["offset"] * NA,
            "ac_amp": v["amplitude"] * NA,
            "ac_freq": v["frequency"],
            "ac_phase": np.deg2rad(v["phase"]),
            "t_on": v["start"] * MS,
            "t_off": v["stop"] * MS,
        }


class StepCurrentSource(AxonalCurrentSource, electrodes.StepCurrentSource):
    __doc__ = electrodes.StepCurrentSource.__doc__
    translations = build_translations(("amplitudes", "amplitudes"), ("times", "times"))

    def _arrays(self):
        times = self._values["times"]
        amplitudes = self._values["amplitudes"]
        times = np.asarray(times.value if isinstance(times, Sequence) else times, float)
        amplitudes = np.asarray(
            amplitudes.value if isinstance(amplitudes, Sequence) else amplitudes, float
        )
        return times.ravel(), amplitudes.ravel()

    def _check(self):
        """Times must be >= 0 and increasing; they are put on the grid (nearest step), and of
        steps that fall on the same grid point the last one is kept (as in pyNN.nest)."""
        times, amplitudes = self._arrays()
        if times.size != amplitudes.size:
            raise errors.InvalidParameterValueError(
                f"StepCurrentSource: {times.size} times but {amplitudes.size} amplitudes"
            )
        if np.any(times < 0):
            raise errors.InvalidParameterValueError(
                f"StepCurrentSource: times must not be negative (got {times.tolist()})"
            )
        if times.size > 1 and np.any(np.diff(times) <= 0):
            raise errors.InvalidParameterValueError(
                f"StepCurrentSource: times must be strictly increasing (got {times.tolist()})"
            )
        dt = simulator.state.dt
        steps = np.round(times / dt).astype(np.int64)
        last = np.append(steps[1:] != steps[:-1], True) if steps.size else np.zeros(0, bool)
        self._values["times"] = steps[last] * dt
        self._values["amplitudes"] = amplitudes[last]

    def get_parameters(self):
        return {name: np.array(self._values[name], float) for name in ("times", "amplitudes")}

    def _on_grid(self):
        times, amplitudes = self._arrays()
        return times, amplitudes * NA

    def level_at(self, t_ms):
        times, amplitudes = self._on_grid()
        before = np.flatnonzero(times <= t_ms + 1e-9)
        return float(amplitudes[before[-1]]) if before.size else 0.0

    def events(self, after_ms, until_ms):
        times, amplitudes = self._on_grid()
        chosen = (times > after_ms + 1e-9) & (times <= until_ms + 1e-9)
        return times[chosen], amplitudes[chosen], "set"


class NoisyCurrentSource(AxonalCurrentSource, electrodes.NoisyCurrentSource):
    __doc__ = electrodes.NoisyCurrentSource.__doc__
    translations = build_translations(
        ("mean", "mean"), ("stdev", "stdev"), ("start", "start"), ("stop", "stop"), ("dt", "dt")
    )

    def _check(self):
        dt = self._values["dt"]
        steps = dt / simulator.state.dt
        if abs(steps - round(steps)) > 1e-9 or round(steps) < 1:
            raise errors.InvalidParameterValueError(
                f"NoisyCurrentSource: dt ({dt} ms) must be a whole number of time steps "
                f"({simulator.state.dt} ms)"
            )

    def _grid(self, until_ms):
        v = self._values
        stop = min(v["stop"], until_ms + v["dt"])
        return np.arange(v["start"], stop - 1e-9, v["dt"])

    def row_values(self):
        v = self._values
        return {"t_on": v["start"] * MS, "t_off": v["stop"] * MS}

    def level_at(self, t_ms):
        v = self._values
        if v["start"] <= t_ms < v["stop"]:
            return (v["mean"] + v["stdev"] * np.random.randn()) * NA
        return 0.0

    def events(self, after_ms, until_ms):
        v = self._values
        times = self._grid(until_ms)
        times = times[(times > after_ms + 1e-9) & (times <= until_ms + 1e-9)]
        return times, np.full(times.size, v["mean"] * NA), "noise"


class _Electrodes:
    """The electrode groups of the network, rebuilt when sources change."""

    @staticmethod
    def changed() -> None:
        state = simulator.state
        state.electrodes_changed = True
        if _Electrodes.prepare not in state.before_run_hooks:
            state.before_run_hooks.append(_Electrodes.prepare)

    @staticmethod
    def monitored(source) -> list:
        found = []
        for built in getattr(simulator.state, "electrode_groups", []):
            found.extend(built.recorded(source))
        return found

    @staticmethod
    def prepare() -> None:
        state = simulator.state
        if getattr(state, "electrodes_changed", True):
            for built in getattr(state, "electrode_groups", []):
                built.remove()
            by_population = {}
            for source in state.current_sources:
                for cell, location in zip(source.cell_list, source._locations, strict=True):
                    population = cell.parent
                    root = getattr(population, "root", population)
                    element = root._elements_of([root.id_to_index(cell)], location)[0]
                    by_population.setdefault(id(root), (root, []))[1].append((source, element))
            state.electrode_groups = [
                _ElectrodeGroup(root, rows) for root, rows in by_population.values()
            ]
            state.electrodes_changed = False
        for built in state.electrode_groups:
            built.refresh(state.t, state.run_end)


class _ElectrodeGroup:
    """The electrode rows of one Population and the objects that make their current."""

    def __init__(self, population, rows):
        self.rows = rows  # (source, cell index)
        n = len(rows)
        self.group = NeuronGroup(
            n, ELECTRODE, namespace={}, name=simulator.unique_name("electrodes")
        )
        self.inject = Synapses(
            self.group,
            population._group,
            "i_inj_post = I_pre : amp (summed)",
            namespace={},
            name=simulator.unique_name("injection"),
        )
        self.inject.connect(i=np.arange(n), j=np.array([cell for _, cell in rows]))
        # Event channels: one generator "neuron" and one synapse each. A step of a
        # StepCurrentSource is a channel firing once and setting its value; a noisy row is a
        # channel firing every dt of its source and drawing a new value in the loop.
        self.channels = []  # (row, source, step time ms or None for noise, value A)
        for k, (source, _) in enumerate(rows):
            if isinstance(source, NoisyCurrentSource):
                self.channels.append((k, source, None, 0.0))
            else:
                times, amounts, _ = source.events(-np.inf, np.inf)
                self.channels.extend(
                    (k, source, time, amount) for time, amount in zip(times, amounts, strict=True)
                )
        m = max(len(self.channels), 1)
        self.generator = SpikeGeneratorGroup(
            m,
            np.array([], int),
            np.array([]) * second,
            name=simulator.unique_name("electrode_events"),
        )
        self.setter = Synapses(
            self.generator,
            self.group,
            "value : amp\nmean : amp\nstdev : amp\nnoisy : 1",
            on_pre="level_post = noisy*(mean + stdev*randn()) + (1 - noisy)*value",
            namespace={},
            name=simulator.unique_name("electrode_set"),
        )
        if self.channels:
            self.setter.connect(
                i=np.arange(len(self.channels)), j=np.array([k for k, *_ in self.channels])
            )
            setter = self.setter.variables
            for c, (_, source, _time, amount) in enumerate(self.channels):
                if _time is None:
                    setter["noisy"].values[c] = 1.0
                    setter["mean"].values[c] = source._values["mean"] * NA
                    setter["stdev"].values[c] = source._values["stdev"] * NA
                else:
                    setter["value"].values[c] = amount
        self.monitors = {}
        objects = [self.group, self.inject, self.generator, self.setter]
        for k, (source, _) in enumerate(rows):
            if source._recorded and id(source) not in self.monitors:
                monitor = StateMonitor(
                    self.group, "I", record=[k], name=simulator.unique_name("electrode_monitor")
                )
                self.monitors[id(source)] = (source, monitor)
                objects.append(monitor)
        simulator.state.add(*objects)
        self.objects = objects

    def recorded(self, source) -> list:
        entry = self.monitors.get(id(source))
        if entry is None:
            return []
        monitor = entry[1]
        return [(monitor.t_ / MS, np.asarray(monitor.I_)[0] / NA)]

    def remove(self) -> None:
        for source, _monitor in self.monitors.values():
            source._history.extend(self.recorded(source))
        simulator.state.remove(*self.objects)

    def refresh(self, now_ms: float, until_ms: float) -> None:
        """Row values and levels at ``now_ms``, and the level changes up to ``until_ms``."""
        variables = self.group.variables
        for k, (source, _) in enumerate(self.rows):
            row = source.rows()[0]
            for name in ROW_FIELDS:
                variables[name].values[k] = row[name]
            variables["level"].values[k] = source.level_at(now_ms)
        channels, times = [], []
        for c, (_, source, time, _amount) in enumerate(self.channels):
            if time is None:
                noise_times, _, _ = source.events(now_ms, until_ms)
                channels.append(np.full(noise_times.size, c))
                times.append(noise_times)
            elif now_ms + 1e-9 < time:
                channels.append(np.array([c]))
                times.append(np.array([time]))
        channels = np.concatenate(channels).astype(np.int64) if channels else np.zeros(0, int)
        times = np.concatenate(times) if times else np.zeros(0)
        # an event at T acts from the step starting at T: it is emitted in the step before
        steps = np.round(times / simulator.state.dt).astype(np.int64) - 1
        order = np.lexsort((channels, steps))
        self.generator.set_spikes(
            channels[order], steps[order] * simulator.state.dt_seconds * second
        )
