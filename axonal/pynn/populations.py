"""Population, PopulationView and Assembly: a Population is one axonal group, a view indexes it."""

from __future__ import annotations

import numpy as np
from pyNN import common, errors
from pyNN.parameters import ArrayParameter, LazyArray, ParameterSpace, Sequence, simplify
from pyNN.standardmodels import StandardCellType

from axonal.groups import NeuronGroup, SpikeGeneratorGroup
from axonal.pynn import inh_gamma, multicompartment, simulator
from axonal.pynn.neuron_models import GAMMA_EVENTS
from axonal.pynn.recording import Recorder
from axonal.units import second


class Assembly(common.Assembly):
    _simulator = simulator


def _as_float_array(value, size: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(value, dtype=float), (size,))


class _GroupAccess:
    """Reading and writing native values of the cells a Population or view stands for."""

    @property
    def root(self) -> Population:
        return self.grandparent if isinstance(self, PopulationView) else self

    @property
    def group_indices(self) -> np.ndarray:
        """Positions of this object's cells in the root Population's group."""
        if isinstance(self, PopulationView):
            return np.asarray(self.index_in_grandparent(np.arange(self.size)), dtype=np.int64)
        return np.arange(self.size)

    def _get_native_parameters(self, *names):
        root, where = self.root, self.group_indices
        values = {}
        for name in names:
            if name == "spike_times":
                trains = np.empty(len(where), dtype=object)
                trains[:] = [Sequence(root._spike_times[k]) for k in where]
                values[name] = trains
            elif name in root._array_widths():
                width = root._array_widths()[name]
                rows = np.stack(
                    [root._native_array(f"{name}_{k}")[where] for k in range(width)], axis=1
                )
                arrays = np.empty(len(where), dtype=object)
                arrays[:] = [ArrayParameter(row) for row in rows]
                values[name] = arrays
            elif name in inh_gamma.SEQUENCES:
                sequences = np.empty(len(where), dtype=object)
                sequences[:] = [Sequence(root._inh_gamma.sequences[name][k]) for k in where]
                values[name] = sequences
            else:
                values[name] = simplify(np.array(root._native_array(name)[where]))
        return ParameterSpace(values, shape=(self.size,))

    def _get_parameters(self, *names):
        celltype = self.celltype
        if self.root._layout is not None:  # the values given to the cell type, for all cells
            given = celltype.parameter_space
            return ParameterSpace({name: given[name] for name in names}, shape=(self.size,))
        if not isinstance(celltype, StandardCellType):
            return self._get_native_parameters(*names)
        if celltype.computed_parameters_include(names):
            native_names = celltype.get_native_names()
        else:
            native_names = celltype.get_native_names(*names)
        return celltype.reverse_translate(self._get_native_parameters(*native_names))

    def _set_parameters(self, parameter_space):
        """``parameter_space`` holds native (SI) values for this object's cells."""
        root, where = self.root, self.group_indices
        if root._layout is not None:
            raise errors.InvalidParameterValueError(
                f"{root.label}: the parameters of multicompartment cells are fixed when the "
                "Population is made (give them to the cell type)"
            )
        parameter_space.evaluate(simplify=False)
        for name, value in parameter_space.items():
            if name == "spike_times":
                root._set_spike_times(where, value)
                continue
            if name in inh_gamma.SEQUENCES:
                root._set_inh_gamma_sequences(name, where, value)
                continue
            if name in root._array_widths():
                root._set_array_parameter(name, where, value)
                continue
            try:
                values = np.asarray(value, dtype=float)
            except (TypeError, ValueError) as err:
                raise errors.InvalidParameterValueError(
                    f"{root.label}: parameter {name!r} needs numbers, not {value!r}"
                ) from err
            root._write_native(name, where, values)

    def _set_initial_value_array(self, variable, value):
        root, where = self.root, self.group_indices
        if root._layout is not None:
            root._set_compartment_initial_values(variable, value, where)
            return
        model = root.celltype.axonal_model
        try:
            native, scale = model.state_translation(variable)
        except (KeyError, AttributeError):
            raise errors.NonExistentParameterError(
                variable,
                root.celltype.__class__.__name__,
                [name for name, _, _ in (model.state if model else [])],
            ) from None
        values = value.evaluate(simplify=False) if isinstance(value, LazyArray) else value
        values = np.asarray(values, dtype=float)
        if values.ndim and values.size == len(where):
            values = values.reshape(len(where))
        variable_object = root._group.variables[native]
        if variable_object.kind == "subexpression":  # computed from other state (beta gsyn)
            if np.any(values != 0):
                raise errors.InvalidParameterValueError(
                    f"{root.label}: {variable} is computed from other variables and can only "
                    "start at 0"
                )
            return
        variable_object.values[where] = values * scale


class PopulationView(_GroupAccess, common.PopulationView):
    _assembly_class = Assembly
    _simulator = simulator

    def _get_view(self, selector, label=None):
        return PopulationView(self, selector, label)

    def initialize(self, **initial_values):
        """Initial values of this view's cells; the parent keeps them for reset()."""
        root, where = self.root, self.group_indices
        for variable, value in initial_values.items():
            lazy = LazyArray(value, shape=(self.size,), dtype=float)
            self._set_initial_value_array(variable, lazy)
            whole = root.initial_values.get(variable)
            full = (
                np.array(whole.evaluate(simplify=False), dtype=float)
                if whole is not None
                else np.zeros(root.size)
            )
            full[where] = lazy.evaluate(simplify=False)
            root.initial_values[variable] = LazyArray(full, shape=(root.size,), dtype=float)


class Population(_GroupAccess, common.Population):
    __doc__ = common.Population.__doc__
    _simulator = simulator
    _recorder_class = Recorder
    _assembly_class = Assembly

    def _create_cells(self):
        state = simulator.state
        if not isinstance(self.celltype, StandardCellType) and not hasattr(
            self.celltype, "axonal_model"
        ):
            raise errors.InvalidModelError(
                f"{self.celltype!r} is not a cell type axonal.pynn can simulate"
            )
        self.all_cells = simulator.ids(state.id_counter, self.size)
        self._mask_local = np.ones((self.size,), bool)
        for cell in self.all_cells:
            cell.parent = self
        state.id_counter += self.size
        name = simulator.unique_name("population")
        kind = self.celltype.axonal_group_kind
        if kind == "multicompartment":
            self._group, self._layout = multicompartment.build_population(
                self.celltype, self.size, name, self.label
            )
            state.add(self._group)
            state.populations.append(self)
            return
        parameters = self.celltype.native_parameters
        parameters.shape = (self.size,)
        parameters.evaluate(simplify=False)
        if kind == "array":
            self._spike_times = [np.array([]) for _ in range(self.size)]
            self._group = SpikeGeneratorGroup(
                self.size, np.array([], dtype=int), np.array([]) * second, name=name
            )
            self._set_spike_times(np.arange(self.size), parameters["spike_times"])
        elif kind == "inh_gamma":
            self._inh_gamma = inh_gamma.InhGammaTrains(self.size)
            self._group = SpikeGeneratorGroup(
                self.size, np.array([], dtype=int), np.array([]) * second, name=name
            )
            for native, value in parameters.items():
                if native in inh_gamma.SEQUENCES:
                    self._set_inh_gamma_sequences(native, np.arange(self.size), value)
                else:
                    self._native_array(native)[:] = _as_float_array(value, self.size)
            state.before_run_hooks.append(self._draw_inh_gamma_spikes)
            state.reset_hooks.append(self._inh_gamma.forget)
        else:
            self._group = self.celltype.axonal_model.build(self.size, name)
            if kind == "gamma":
                self._group.run_regularly(GAMMA_EVENTS, when="before_thresholds")
            for native, value in parameters.items():
                if native in self._array_widths():
                    self._set_array_parameter(native, np.arange(self.size), value)
                else:
                    self._write_native(native, slice(None), _as_float_array(value, self.size))
        state.add(self._group)
        state.populations.append(self)

    # -- cells and group elements (a multicompartment cell is many elements) -------------
    _layout = None  # one cell's compartments (multicompartment.CellLayout), if it has several

    def _elements_of(self, cells, location=None) -> np.ndarray:
        """The group element of each cell index (a multicompartment cell's at ``location``,
        its soma by default)."""
        cells = np.asarray(cells, dtype=np.int64)
        if self._layout is None:
            if location is not None:
                raise errors.InvalidParameterValueError(
                    f"{self.label}: location={location!r} needs a multicompartment cell type"
                )
            return cells
        return cells * self._layout.n + self._layout.location(location, self.label)

    def _cells_of(self, elements) -> np.ndarray:
        elements = np.asarray(elements, dtype=np.int64)
        return elements if self._layout is None else elements // self._layout.n

    def _state_target(self, variable: str) -> tuple[str, float]:
        """(native name, factor from PyNN's unit to SI) of a recordable state variable."""
        if self._layout is not None:
            names = self.celltype.state_names()
            if variable not in names:
                raise errors.NonExistentParameterError(
                    variable, self.celltype.__class__.__name__, list(names)
                )
            return names[variable], 1e-3 if variable == "v" else 1.0
        return self.celltype.axonal_model.state_translation(variable)

    def _set_compartment_initial_values(self, variable, value, where) -> None:
        native, scale = self._state_target(variable)
        values = value.evaluate(simplify=False) if isinstance(value, LazyArray) else value
        values = np.broadcast_to(np.asarray(values, dtype=float), (len(where),))
        if variable == "v":  # and the gating variables not given, at steady state
            given = set(self.initial_values) - {"v"}
            multicompartment.initialise_states(
                self._group, self.celltype, self._layout, where, values, given
            )
            return
        n = self._layout.n
        elements = (np.asarray(where)[:, None] * n + np.arange(n)[None, :]).ravel()
        self._group.variables[native].values[elements] = np.repeat(values, n) * scale

    # -- native values ---------------------------------------------------------------
    def _native_array(self, name: str) -> np.ndarray:
        if hasattr(self, "_inh_gamma") and name in inh_gamma.SCALARS:
            return self._inh_gamma.scalars[name]
        return self._group.variables[name].values

    def _write_native(self, name: str, where, values) -> None:
        """Set a native parameter of the cells ``where`` (and 1/value where the equations
        divide by it: NeuronModel.reciprocals)."""
        self._native_array(name)[where] = values
        model = getattr(self.celltype, "axonal_model", None)
        if model is not None and name in model.reciprocals():
            with np.errstate(divide="ignore"):
                inverse = 1.0 / np.asarray(self._native_array(name)[where], dtype=float)
            self._group.variables[f"inv_{name}"].values[where] = inverse

    def _parameter_names(self) -> list[str]:
        model = self.celltype.axonal_model
        if model is None:
            return []
        names = []
        for _, native, _ in model.parameters:
            width = model.arrays.get(native)
            names += [native] if width is None else [f"{native}_{k}" for k in range(width)]
        return names

    # -- array parameters (one value per element, e.g. GIF's tau_eta) --------------------------
    def _array_widths(self) -> dict[str, int]:
        model = getattr(self.celltype, "axonal_model", None)
        return model.arrays if model is not None else {}

    def _set_array_parameter(self, name: str, where: np.ndarray, value) -> None:
        width = self._array_widths()[name]
        items = [value] if isinstance(value, ArrayParameter) else list(np.atleast_1d(value))
        if items and not isinstance(items[0], ArrayParameter | list | tuple | np.ndarray):
            items = [np.asarray(value, float)]  # one list of values for every cell
        rows = [np.asarray(getattr(item, "value", item), float).ravel() for item in items]
        if len(rows) == 1:
            rows = rows * len(where)
        for row in rows:
            if row.size != width:
                raise errors.InvalidParameterValueError(
                    f"{self.label}: {name} needs {width} values per cell (the number the cell "
                    f"type was created with), got {row.size}"
                )
        table = np.array(rows).reshape(len(where), width)
        for k in range(width):
            self._write_native(f"{name}_{k}", where, table[:, k])

    def _parameter_arrays(self) -> dict:
        """Copies of the parameters (and spike lists), kept across reset()."""
        arrays = {name: self._native_array(name).copy() for name in self._parameter_names()}
        if hasattr(self, "_spike_times"):
            arrays["spike_times"] = list(self._spike_times)
        return arrays

    def _restore_parameter_arrays(self, arrays: dict) -> None:
        for name, values in arrays.items():
            if name == "spike_times":
                self._spike_times = values
                self._send_spike_times()
            else:
                self._write_native(name, slice(None), values)

    def _reapply_initial_values(self) -> None:
        for variable, value in self.initial_values.items():
            self._set_initial_value_array(variable, value)
        if hasattr(self, "_spike_times"):
            self._send_spike_times()

    # -- spike sources given as spike times -----------------------------------------------
    def _set_spike_times(self, where: np.ndarray, values) -> None:
        trains = [values] if isinstance(values, Sequence) else list(np.atleast_1d(values))
        if len(trains) == 1 and len(where) > 1:
            trains = trains * len(where)
        for index, train in zip(where, trains, strict=True):
            times = np.asarray(train.value if isinstance(train, Sequence) else train, float)
            if times.size > 1 and np.any(np.diff(times) < 0):
                raise errors.InvalidParameterValueError(
                    f"{self.label}: spike_times of cell {index} must be in increasing order"
                )
            self._spike_times[index] = times
        self._send_spike_times()

    def _send_spike_times(self) -> None:
        """Give the group the spikes from now on (spikes in the past are not emitted).

        A spike at time T is emitted in the step that ends at T (it is stamped T when
        recorded), so that it reaches its targets after exactly its delay, as in NEST.
        """
        now_step = int(round(simulator.state.t / simulator.state.dt))
        dt = simulator.state.dt
        indices, steps = [], []
        for index, train in enumerate(self._spike_times):
            # spikes on the grid: PyNN's times are rounded to the nearest step
            emitted = np.maximum(np.round(np.asarray(train) / dt).astype(np.int64) - 1, 0)
            kept = emitted >= now_step
            indices.append(np.full(int(kept.sum()), index))
            steps.append(emitted[kept])
        indices = np.concatenate(indices).astype(np.int64) if indices else np.array([], int)
        steps = np.concatenate(steps) if steps else np.array([], np.int64)
        order = np.lexsort((indices, steps))
        times = steps[order] * dt * simulator.MS
        self._group.set_spikes(indices[order], times * second)

    # -- inhomogeneous gamma sources (inh_gamma.py) ------------------------------------------
    def _set_inh_gamma_sequences(self, name: str, where: np.ndarray, values) -> None:
        sequences = [values] if isinstance(values, Sequence) else list(np.atleast_1d(values))
        if len(sequences) == 1 and len(where) > 1:
            sequences = sequences * len(where)
        for index, sequence in zip(where, sequences, strict=True):
            value = sequence.value if isinstance(sequence, Sequence) else sequence
            self._inh_gamma.sequences[name][index] = np.atleast_1d(np.asarray(value, float))

    def _draw_inh_gamma_spikes(self) -> None:
        """Before a run: this run's spikes (a spike of step k is stamped at the end of k)."""
        try:
            self._inh_gamma.check(self.label)
        except ValueError as err:
            raise errors.InvalidParameterValueError(str(err)) from None
        state = simulator.state
        first = int(round(state.t / state.dt))
        last = int(round(state.run_end / state.dt))
        cells, steps = self._inh_gamma.draw(first, last, state.dt)
        order = np.lexsort((cells, steps))
        times = steps[order] * state.dt * simulator.MS
        self._group.set_spikes(cells[order], times * second)

    def _get_view(self, selector, label=None):
        return PopulationView(self, selector, label)

    @property
    def axonal_group(self) -> NeuronGroup:
        """The axonal group simulating this Population (for users who want to look inside)."""
        return self._group
