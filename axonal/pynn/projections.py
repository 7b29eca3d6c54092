"""Projection: the connections between two cell groups as one axonal Synapses per pair of groups.

PyNN's connectors hand over the connections one target cell at a time; they are collected and
made in one vectorised ``connect(i=..., j=...)`` per pair of groups, with their weights and
delays set as arrays, so that the build costs no Python work per synapse.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from pyNN import common, errors
from pyNN.core import is_listlike
from pyNN.parameters import ParameterSpace
from pyNN.space import Space

from axonal.pynn import simulator
from axonal.pynn.gap_junctions import GapJunctions
from axonal.pynn.neuron_models import UNITS
from axonal.pynn.synapses import StaticSynapse
from axonal.synapses import Synapses


def _members(cells) -> list:
    """The Populations/views that make up ``cells``, in order."""
    return list(cells.populations) if isinstance(cells, common.Assembly) else [cells]


def _group_positions(cells) -> tuple[np.ndarray, np.ndarray]:
    """For each cell of ``cells`` (in order): its root Population's number and group index."""
    roots, positions = [], []
    for member in _members(cells):
        root = member.grandparent if isinstance(member, common.PopulationView) else member
        roots.append(np.full(member.size, simulator.state.populations.index(root)))
        positions.append(member.group_indices)
    return np.concatenate(roots), np.concatenate(positions)


class Connection(common.Connection):
    """One connection of a Projection, read and written through its Synapses arrays."""

    def __init__(self, projection, index: int):
        self.projection = projection
        self.index = index
        self.presynaptic_index = int(projection._pre_index[index])
        self.postsynaptic_index = int(projection._post_index[index])

    def _get(self, name):
        return float(self.projection._attribute_values(name)[self.index])

    def _set(self, name, value):
        self.projection._write_attribute(name, np.array([self.index]), np.array([value]))

    weight = property(lambda self: self._get("weight"), lambda self, v: self._set("weight", v))
    delay = property(lambda self: self._get("delay"), lambda self, v: self._set("delay", v))

    def as_tuple(self, *attribute_names):
        return tuple(getattr(self, name) for name in attribute_names)


class Projection(common.Projection):
    __doc__ = common.Projection.__doc__
    _simulator = simulator
    _static_synapse_class = StaticSynapse

    def __init__(
        self,
        presynaptic_population,
        postsynaptic_population,
        connector,
        synapse_type=None,
        source=None,
        receptor_type=None,
        space=None,
        label=None,
    ):
        space = Space() if space is None else space
        electrical = getattr(synapse_type, "electrical", False)
        if electrical and receptor_type in ("gap", "source_section.gap"):
            receptor_type = None  # a junction joins membranes, not a receptor: any will do
        for member in _members(postsynaptic_population):
            if not getattr(member, "receptor_types", ()):
                raise errors.ConnectionError(
                    f"Projection to {member.label!r}: its cell type "
                    f"{member.celltype.__class__.__name__} receives no connections "
                    "(it is a spike source)"
                )
        common.Projection.__init__(
            self,
            presynaptic_population,
            postsynaptic_population,
            connector,
            synapse_type,
            source,
            receptor_type,
            space,
            label,
        )
        if not getattr(self.synapse_type, "axonal_code", None):
            raise errors.NoModelAvailableError(
                f"{type(self.synapse_type).__name__} is not available in axonal.pynn"
            )
        self._pre_roots, self._pre_positions = _group_positions(self.pre)
        self._post_roots, self._post_positions = _group_positions(self.post)
        self._pending = defaultdict(list)
        self._pending_pre, self._pending_post = [], []
        connector.connect(self)  # (PyNN checks weights as excitatory: conductances >= 0)
        if electrical:
            self.receptor_type = "gap"
        self._build()
        simulator.state.projections.append(self)

    # -- building ---------------------------------------------------------------------
    def _convergent_connect(
        self,
        presynaptic_indices,
        postsynaptic_index,
        location_selector=None,
        **connection_parameters,
    ):
        if location_selector is not None:
            raise NotImplementedError("axonal.pynn has no multicompartment neurons")
        presynaptic_indices = np.asarray(presynaptic_indices, dtype=np.int64)
        n = presynaptic_indices.size
        if n == 0:
            return
        self._pending_pre.append(presynaptic_indices)
        self._pending_post.append(np.full(n, postsynaptic_index, dtype=np.int64))
        for name, value in connection_parameters.items():
            if is_listlike(value):
                value = np.asarray(value, dtype=float)
            self._pending[name].append(np.broadcast_to(np.asarray(value, float), (n,)))

    def _build(self) -> None:
        """Make the collected connections: checked first, so a failure leaves nothing behind."""
        pre = np.concatenate(self._pending_pre) if self._pending_pre else np.zeros(0, np.int64)
        post = np.concatenate(self._pending_post) if self._pending_post else np.zeros(0, np.int64)
        values = {name: np.concatenate(parts) for name, parts in self._pending.items() if parts}
        self._pending = self._pending_pre = self._pending_post = None
        values.pop("dendritic_delay_fraction", None)
        delays = values.get("delay")
        if delays is not None and delays.size and simulator.state._min_delay != "auto":
            smallest = simulator.state.min_delay
            if delays.min() < smallest - 1e-9:
                raise errors.ConnectionError(
                    f"Projection {self.label!r}: delay {delays.min()} ms is below the minimum "
                    f"delay {smallest} ms given to setup()"
                )
        pre_roots, post_roots = self._pre_roots[pre], self._post_roots[post]
        pairs = sorted(set(zip(pre_roots.tolist(), post_roots.tolist(), strict=True)))
        self._parts = []  # (Synapses, connection numbers in it, weight scale)
        order = []
        objects = []
        for pre_root, post_root in pairs:
            chosen = np.flatnonzero((pre_roots == pre_root) & (post_roots == post_root))
            synapses, scale = self._make_synapses(pre_root, post_root)
            synapses.connect(
                i=self._pre_positions[pre[chosen]], j=self._post_positions[post[chosen]]
            )
            self._parts.append((synapses, scale))
            order.append(chosen)
            objects.append(synapses)
        if not pairs:
            self._parts.append((None, 1.0))
            order.append(np.zeros(0, np.int64))
        order = np.concatenate(order)
        self._pre_index, self._post_index = pre[order], post[order]
        self._bounds = np.cumsum([0] + [0 if s is None else s.N for s, _ in self._parts])
        for name, value in values.items():
            self._write_attribute(name, np.arange(order.size), value[order])
        for name, value in getattr(self.synapse_type, "initial_state", {}).items():
            for synapses, _ in self._parts:
                if synapses is not None:
                    synapses.variables[name].values[:] = value
        simulator.state.add(*objects)

    def _make_synapses(self, pre_root: int, post_root: int):
        pre = simulator.state.populations[pre_root]
        post = simulator.state.populations[post_root]
        model = post.celltype.axonal_model
        if getattr(self.synapse_type, "electrical", False):
            synapses = GapJunctions(
                pre._group,
                post._group,
                name=simulator.unique_name("gap_junctions"),
            )
            return synapses, UNITS["uS"][0]
        statement = model.receptors[self.receptor_type]
        weight_scale, weight_unit = UNITS[model.weight_unit]
        code, on_pre, on_post = self.synapse_type.axonal_code(statement, weight_unit)
        synapses = Synapses(
            pre._group,
            post._group,
            model=code,
            on_pre=on_pre,
            on_post=on_post or None,
            namespace={},
            name=simulator.unique_name("projection"),
        )
        return synapses, weight_scale

    # -- attributes -------------------------------------------------------------------------
    def _native(self, name: str) -> tuple[str, float | None]:
        """(axonal variable, factor to SI; None: the weight scale of each part)."""
        if name in ("weight", "w_min", "w_max"):
            return ("w" if name == "weight" else name), None
        if name == "delay":
            return "delay", simulator.MS
        entry = self.synapse_type.translations.get(name)
        return (entry["translated_name"] if entry else name), 1.0

    def _write_attribute(self, name: str, connections: np.ndarray, values: np.ndarray) -> None:
        variable, scale = self._native(name)
        for k, (synapses, weight_scale) in enumerate(self._parts):
            if synapses is None:
                continue
            lo, hi = self._bounds[k], self._bounds[k + 1]
            mine = (connections >= lo) & (connections < hi)
            factor = weight_scale if scale is None else scale
            # (write: a delay the same for all connections stays stored once)
            synapses.variables[variable].write(connections[mine] - lo, values[mine] * factor)
            if name == "delay" and hasattr(self.synapse_type, "pathway_delays"):
                for pathway, fraction in self.synapse_type.pathway_delays().items():
                    synapses.variables[pathway].write(
                        connections[mine] - lo, values[mine] * factor * fraction
                    )

    def _attribute_values(self, name: str) -> np.ndarray:
        variable, scale = self._native(name)
        parts = []
        for synapses, weight_scale in self._parts:
            if synapses is None:
                continue
            factor = weight_scale if scale is None else scale
            parts.append(np.asarray(synapses.variables[variable].values, float) / factor)
        values = np.concatenate(parts) if parts else np.zeros(0)
        if name in ("weight", "delay", "w_min", "w_max"):
            return values
        return self._reverse(name, values)

    def _reverse(self, pynn_name: str, values: np.ndarray) -> np.ndarray:
        """PyNN units of a synapse parameter held in SI (values are given by PyNN name)."""
        entry = self.synapse_type.translations.get(pynn_name)
        if entry is None or entry["type"] == "simple":
            return values
        ps = self.synapse_type.reverse_translate(
            ParameterSpace({entry["translated_name"]: values}, shape=values.shape)
        )
        ps.evaluate(simplify=False)
        return np.asarray(ps[pynn_name])

    def _smallest_delay(self) -> float | None:
        delays = self._attribute_values("delay")
        return float(delays.min()) if delays.size else None

    def __len__(self) -> int:
        return int(self._pre_index.size)

    @property
    def connections(self):
        return (Connection(self, k) for k in range(len(self)))

    def _get_attributes_as_list(self, attribute_names):
        columns = []
        for name in attribute_names:
            if name == "presynaptic_index":
                columns.append(self._pre_index.astype(float))
            elif name == "postsynaptic_index":
                columns.append(self._post_index.astype(float))
            else:
                columns.append(self._attribute_values(name))
        return [tuple(row) for row in np.array(columns).T.tolist()] if columns else []

    def _get_attributes_as_arrays(self, attribute_names, multiple_synapses="sum"):
        combine = {
            "sum": (np.add.at, 0.0),
            "min": (np.minimum.at, np.inf),
            "max": (np.maximum.at, -np.inf),
        }
        if multiple_synapses not in combine:
            raise NotImplementedError(f"multiple_synapses={multiple_synapses!r}")
        accumulate, start = combine[multiple_synapses]
        where = (self._pre_index, self._post_index)
        missing = np.ones((self.pre.size, self.post.size), bool)
        missing[where] = False
        arrays = []
        for name in attribute_names:
            array = np.full((self.pre.size, self.post.size), start)
            accumulate(array, where, self._attribute_values(name))
            array[missing] = np.nan
            arrays.append(array)
        return arrays

    def _set_attributes(self, parameter_space):
        parameter_space.evaluate(simplify=False)
        where = (self._pre_index, self._post_index)
        for name, value in parameter_space.items():
            value = np.asarray(value, dtype=float)
            per_connection = (
                value[where] if value.ndim == 2 else np.broadcast_to(value, (len(self),))
            )
            if (
                name == "delay"
                and per_connection.size
                and simulator.state._min_delay != "auto"
                and (per_connection.min() < simulator.state.min_delay - 1e-9)
            ):
                raise errors.ConnectionError(
                    f"Projection {self.label!r}: delay {per_connection.min()} ms is below the "
                    f"minimum delay {simulator.state.min_delay} ms"
                )
            self._write_attribute(name, np.arange(len(self)), per_connection)

    def _set_initial_value_array(self, variable, initial_value):
        raise NotImplementedError("initial values of synapse state are not settable yet")
