"""PyNN's MultiCompartmentNeuron on axonal: a Population is one SpatialNeuron of all its cells.

The cell type's morphology (a NeuroML morphology through pyNN.morphology.NeuroMLMorphology,
or an axonal ``Morphology``) becomes an axonal morphology, each NeuroML segment a section of
as many compartments as NEURON's d_lambda rule gives it (0.1 of the length constant at
100 Hz, an odd number; the discretisation pyNN.neuron uses). A Population of n cells is one
SpatialNeuron holding n copies of the compartments, cell k's after cell k-1's; the cable
solve sees n separate trees (one node above their roots, joined to each by a conductance of
1e-30 S: far below rounding, so no current passes between cells). Ion channels
(ion_channels.py) give ``Im``; conductance densities and ``cm`` may be numbers or PyNN's
distributions (``uniform(selector, value)``, ``by_distance``, ``by_diameter``) over sections
chosen by label (a segment's name or group, ``"all"``) or by type (``dendrites()``,
``axon()``...). Current sources inject at a labelled location (the middle compartment of the
section of that name; the soma if none is given), and the cell spikes when v crosses 0 mV
upwards in its soma (between NEURON's default detector, +10 mV, and Arbor's, -10 mV, as
PyNN's scenario averages the two).
"""

from __future__ import annotations

import math
from copy import deepcopy

import numpy as np
from pyNN import errors
from pyNN import morphology as pynn_morphology
from pyNN.standardmodels import cells

from axonal.pynn.ion_channels import steady_state
from axonal.spatial import Morphology, Section, SpatialNeuron
from axonal.spatial.cable import CableTree, cable_tree
from axonal.units import cm, ohm, uF, um

__all__ = ["MultiCompartmentNeuron"]

SPIKE_THRESHOLD_MV = 0.0
# a conductance (S, as Ri times the tree's r_length) that joins the cells' trees to one root
_NO_COUPLING = 1e-30


class MultiCompartmentNeuron(cells.MultiCompartmentNeuron):
    """A neuron with a morphology and ion channels (PyNN's multicompartment API).

    Set ``ion_channels`` on the class (name -> channel class) and give each channel's
    parameters under its name, e.g. ``pas={"conductance_density": uniform("all", 3e-4),
    "e_rev": -54.3}`` (S/cm2, mV); ``cm`` in uF/cm2, ``Ra`` in ohm.cm, ``ionic_species``
    with the reversal potentials of "na" and "k".
    """

    ion_channels: dict = {}
    post_synaptic_entities: dict = {}
    default_initial_values = {"v": -65.0}
    axonal_group_kind = "multicompartment"
    axonal_model = None

    def __init__(self, **parameters):
        # the class's channels are classes; this cell type holds instances with their values
        self.ion_channels = {}
        for name, channel in type(self).ion_channels.items():
            given = parameters.pop(name, {})
            self.ion_channels[name] = channel(**given) if isinstance(channel, type) else channel
        if self.post_synaptic_entities:
            raise errors.InvalidModelError(
                "axonal.pynn: post-synaptic responses on a MultiCompartmentNeuron (synapses "
                "placed on the morphology) are not supported yet"
            )
        super(cells.MultiCompartmentNeuron, self).__init__(**parameters)
        self.spike_source = None

    # PyNN's defaults (cm uF/cm2, Ra ohm.cm)
    default_parameters = {"morphology": None, "cm": 1.0, "Ra": 35.4, "ionic_species": None}

    def get_schema(self):
        return {
            "morphology": pynn_morphology.Morphology,
            "cm": float,
            "Ra": float,
            "ionic_species": dict,
        }

    def translate(self, parameters, copy=True):
        """Native values are PyNN's (read by build_population)."""
        return deepcopy(parameters) if copy else parameters

    def reverse_translate(self, native_parameters):
        return native_parameters

    def has_parameter(self, name):
        return name in ("morphology", "cm", "Ra", "ionic_species") or name in self.ion_channels

    def get_parameter_names(self):
        return ["morphology", "cm", "Ra", "ionic_species", *self.ion_channels]

    @property
    def recordable(self):
        gates = [g for name, ch in self.ion_channels.items() for g in ch.state_names(name)]
        return ["spikes", "v", *gates]

    @property
    def units(self):
        return {name: "mV" if name == "v" else "dimensionless" for name in self.state_names()}

    def can_record(self, variable, location=None):
        return variable in self.recordable

    @property
    def receptor_types(self):
        return ()

    def state_names(self) -> dict[str, str]:
        """PyNN name -> native name of every state variable."""
        names = {"v": "v"}
        for name, channel in self.ion_channels.items():
            names.update(channel.state_names(name))
        return names

    def equations(self) -> str:
        currents = " + ".join(ch.current(name) for name, ch in self.ion_channels.items())
        lines = [f"Im = {currents or '0*amp/meter**2'} : amp/meter**2"]
        lines += [ch.equations(name) for name, ch in self.ion_channels.items()]
        lines += ["i_inj : amp (point current)", "e_na : volt", "e_k : volt",
                  "spike_source : 1 (constant)"]  # fmt: skip
        return "\n".join(lines)


# -- the morphology -------------------------------------------------------------------------
class CellLayout:
    """One cell's compartments: the axonal morphology, labels and section types per
    compartment, the soma's compartment."""

    def __init__(self, morphology: Morphology, labels: list[set[str]], soma: int):
        self.morphology = morphology
        self.n = morphology.total_compartments
        self.labels = labels  # per compartment: names and groups of its section
        self.soma = soma
        self.distance_um = np.asarray(_flat(morphology, "distance")) * 1e6
        self.diameter_um = np.asarray(_flat(morphology, "diameter")) * 1e6

    def location(self, label: str | None, owner: str) -> int:
        """The compartment of a labelled location: the middle one of the section(s) named."""
        if label is None or label == "soma":
            return self.soma
        found = [k for k, names in enumerate(self.labels) if label in names]
        if not found:
            known = sorted(set().union(*self.labels))
            raise errors.InvalidParameterValueError(
                f"{owner}: no section labelled {label!r} (labels: {known})"
            )
        return found[len(found) // 2]

    def selected(self, selector, owner: str) -> np.ndarray:
        """Which compartments a PyNN selector (a label or a MorphologyFilter) chooses."""
        if isinstance(selector, str):
            if selector == "all":
                return np.ones(self.n, bool)
            chosen = np.array([selector in names for names in self.labels])
            if not chosen.any():
                known = sorted(set().union(*self.labels))
                raise errors.InvalidParameterValueError(
                    f"{owner}: no section labelled {selector!r} (labels: {known})"
                )
            return chosen
        if isinstance(selector, pynn_morphology.with_label):
            return np.logical_or.reduce([self.selected(x, owner) for x in selector.labels])
        kinds = {
            pynn_morphology.dendrites: ("dendrite", "basal_dendrite", "apical_dendrite"),
            pynn_morphology.apical_dendrites: ("apical_dendrite",),
            pynn_morphology.basal_dendrites: ("basal_dendrite",),
            pynn_morphology.axon: ("axon",),
        }
        for kind, types in kinds.items():
            if isinstance(selector, kind):
                return np.array([bool(names & set(types)) for names in self.labels])
        raise errors.InvalidParameterValueError(
            f"{owner}: cannot select sections with {selector!r} (a label, 'all', with_label, "
            "dendrites(), apical_dendrites(), basal_dendrites() or axon())"
        )

    def values(self, distribution, owner: str) -> np.ndarray:
        """Per-compartment values of a number or a PyNN distribution."""
        if isinstance(distribution, int | float | np.floating):
            return np.full(self.n, float(distribution))
        if isinstance(distribution, pynn_morphology.any):
            result = np.full(self.n, np.nan)
            for part in distribution.distributions:
                part_values = self.values(part, owner)
                result = np.where(np.isnan(result) & (part_values != part.absence),
                                  part_values, result)  # fmt: skip
            absent = 0.0 if distribution.absence is None else distribution.absence
            return np.where(np.isnan(result), absent, result)
        if not isinstance(distribution, pynn_morphology.NeuriteDistribution):
            raise errors.InvalidParameterValueError(
                f"{owner}: expected a number or a distribution (uniform, by_distance, "
                f"by_diameter), not {distribution!r}"
            )
        chosen = self.selected(distribution.selector, owner)
        provider = distribution.value_provider
        if isinstance(distribution, pynn_morphology.by_distance):
            inside = np.array([provider(d) for d in self.distance_um], float)
        elif isinstance(distribution, pynn_morphology.by_diameter):
            inside = np.array([provider(d) for d in self.diameter_um], float)
        else:
            inside = np.full(self.n, float(provider))
        return np.where(chosen, inside, distribution.absence)


def _flat(morphology: Morphology, attribute: str) -> np.ndarray:
    return np.concatenate([np.asarray(getattr(s, attribute)) for s in morphology.sections()])


def _compartments(length_um: float, diameter_um: float, ra: float, cm_value: float) -> int:
    """NEURON's d_lambda rule (d_lambda 0.1 at 100 Hz), as pyNN.neuron sets nseg."""
    lambda_f = 1e5 * math.sqrt(diameter_um / (4 * math.pi * 100 * ra * cm_value))
    return 1 + 2 * int((0.999 + length_um / (0.1 * lambda_f)) / 2)


def _point(p) -> np.ndarray:
    return np.array([p.x, p.y, p.z], float)


def cell_layout(morphology, ra: float, cm_value: float, owner: str) -> CellLayout:
    """The axonal morphology of one cell from PyNN's morphology argument."""
    if isinstance(morphology, Morphology):  # axonal's own
        labels = []
        for section in morphology.sections():
            names = {section.type} if section.type else set()
            parent = section.parent
            if parent is not None:
                names.add(parent.child_name(section))
            labels += [names] * section.n
        soma = next((k for k, names in enumerate(labels) if "soma" in names), 0)
        return CellLayout(morphology, labels, soma)
    inner = getattr(morphology, "_morphology", None)
    if not hasattr(inner, "segments"):
        raise errors.InvalidParameterValueError(
            f"{owner}: the morphology must be a NeuroMLMorphology of neuroml segments or an "
            f"axonal Morphology, not {morphology!r}"
        )
    groups = {}
    for group in getattr(inner, "segment_groups", []) or []:
        for member in group.members:
            groups.setdefault(member.segments, set()).add(group.id)
    by_id = {segment.id: segment for segment in inner.segments}
    sections, labels_of, order = {}, {}, []
    pending = list(inner.segments)
    while pending:  # parents first
        progressed = False
        for segment in list(pending):
            parent = _parent_id(segment)
            if parent is not None and parent not in sections:
                continue
            parent_segment = by_id.get(parent)
            proximal = segment.proximal or parent_segment.distal
            start, end = _point(proximal), _point(segment.distal)
            length = float(np.linalg.norm(end - start))
            d0, d1 = float(proximal.diameter), float(segment.distal.diameter)
            n = _compartments(length, (d0 + d1) / 2, ra, cm_value)
            origin = np.zeros(3) if parent is None else _point(parent_segment.distal)
            points = start + np.linspace(0, 1, n + 1)[:, None] * (end - start) - origin
            section = Section(
                diameter=np.linspace(d0, d1, n + 1) * um,
                n=n,
                x=points[:, 0] * um,
                y=points[:, 1] * um,
                z=points[:, 2] * um,
                type=_section_type(segment.name),
            )
            if parent is not None:
                sections[parent].add(segment.name or f"segment{segment.id}", section, True)
            sections[segment.id] = section
            labels_of[segment.id] = {segment.name} | groups.get(segment.id, set()) - {None}
            order.append(segment.id)
            pending.remove(segment)
            progressed = True
        if not progressed:
            raise errors.InvalidParameterValueError(f"{owner}: the morphology is not a tree")
    roots = [sid for sid in order if _parent_id(by_id[sid]) is None]
    if len(roots) != 1:
        raise errors.InvalidParameterValueError(
            f"{owner}: the morphology must have one root segment, it has {len(roots)}"
        )
    root = sections[roots[0]]
    section_ids = {id(section): sid for sid, section in sections.items()}
    labels = []
    for section in root.sections():
        labels += [labels_of[section_ids[id(section)]]] * section.n
    soma_id = next((sid for sid in order if by_id[sid].name == "soma"), roots[0])
    soma_section = sections[soma_id]
    soma = soma_section.start_index + soma_section.n // 2
    return CellLayout(root, labels, soma)


def _parent_id(segment):
    parent = segment.parent
    if parent is None:
        return None
    return getattr(parent, "segments", getattr(parent, "id", None))


def _section_type(name):
    if name and "soma" in name:
        return "soma"
    if name and "axon" in name:
        return "axon"
    if name and "dend" in name:
        return "dendrite"
    return None


class _Copies(Morphology):
    """``copies`` cells of one morphology side by side (for SpatialNeuron's geometry)."""

    def __init__(self, cell: Morphology, copies: int):
        Morphology.__init__(self, cell.total_compartments)
        object.__setattr__(self, "_cell", cell)
        object.__setattr__(self, "_copies", copies)

    def sections(self) -> list[Morphology]:
        return self._cell.sections() * self._copies


def separate_trees(tree: CableTree, compartments: int, copies: int) -> CableTree:
    """The cable solve's tree for ``copies`` uncoupled cells: a root node above each cell's."""
    nodes = len(tree.parent)
    parent, compartment, r_length = [np.array([-1])], [np.array([-1])], [np.array([0.0])]
    for k in range(copies):
        offset = 1 + k * nodes
        own_parent = np.where(tree.parent < 0, -offset, tree.parent) + offset
        parent.append(own_parent)
        compartment.append(np.where(tree.compartment < 0, -1, tree.compartment + k * compartments))
        r_length.append(np.where(tree.parent < 0, np.nan, tree.r_length))
    return CableTree(np.concatenate(parent), np.concatenate(compartment), np.concatenate(r_length))


def build_population(celltype, size: int, name: str, owner: str):
    """The SpatialNeuron of a Population of ``size`` cells, and one cell's layout."""
    values = _given(celltype.parameter_space)
    morphology = values["morphology"]
    if morphology is None:
        raise errors.InvalidParameterValueError(f"{owner}: the cell type needs a morphology")
    ra, cm_value = float(values["Ra"]), values["cm"]
    cm_scalar = cm_value if isinstance(cm_value, float | int) else 1.0
    layout = cell_layout(morphology, ra, float(cm_scalar), owner)
    group = SpatialNeuron(
        _Copies(layout.morphology, size),
        celltype.equations(),
        threshold=f"v > {SPIKE_THRESHOLD_MV}*mV and spike_source > 0.5",
        refractory=f"v > {SPIKE_THRESHOLD_MV}*mV",
        Cm=1 * uF / cm**2,
        Ri=ra * ohm * cm,
        method="exponential_euler",
        namespace={},
        name=name,
    )
    # r_length is Ri x conductance: the joins carry _NO_COUPLING siemens
    tree = separate_trees(cable_tree(layout.morphology), layout.n, size)
    r_length = np.where(np.isnan(tree.r_length), _NO_COUPLING * ra * 0.01, tree.r_length)
    group._tree = CableTree(tree.parent, tree.compartment, r_length)
    variables = group.variables
    variables["Cm"].values[:] = np.tile(layout.values(cm_value, f"{owner}: cm"), size) * 1e-2
    variables["spike_source"].values[:] = 0.0
    variables["spike_source"].values[layout.soma :: layout.n] = 1.0
    species = values["ionic_species"]
    for ion in ("na", "k"):
        reversal = getattr((species or {}).get(ion), "reversal_potential", None)
        if reversal is not None:
            variables[f"e_{ion}"].values[:] = float(reversal) * 1e-3
    for channel_name, channel in celltype.ion_channels.items():
        parameters = _given(channel.parameter_space)
        where = f"{owner}: {channel_name}"
        density = layout.values(parameters["conductance_density"], where)
        variables[f"g_{channel_name}"].values[:] = np.tile(density, size) * 1e4  # S/cm2
        if not channel.reversal:
            e_rev = layout.values(parameters["e_rev"], where)
            variables[f"e_{channel_name}"].values[:] = np.tile(e_rev, size) * 1e-3
        elif channel.reversal not in ("na", "k") or not (species or {}).get(channel.reversal):
            raise errors.InvalidParameterValueError(
                f"{owner}: the {channel_name} channel needs the reversal potential of "
                f"{channel.reversal!r} in ionic_species"
            )
    return group, layout


def _given(parameter_space) -> dict:
    """The values as given (one for all cells: a number, a distribution, a morphology)."""
    return {name: getattr(value, "base_value", value) for name, value in parameter_space.items()}


def initialise_states(group, celltype, layout, where: np.ndarray, v_mV, given: set[str]) -> None:
    """v of every compartment of cells ``where`` and the gating variables at steady state
    (those the user did not set)."""
    n = layout.n
    elements = (np.asarray(where)[:, None] * n + np.arange(n)[None, :]).ravel()
    v = np.repeat(np.broadcast_to(np.asarray(v_mV, float), (len(where),)), n)
    group.variables["v"].values[elements] = v * 1e-3
    for channel_name, channel in celltype.ion_channels.items():
        for gate in channel.gates:
            if f"{channel_name}.{gate}" not in given:
                values = steady_state(gate, v)
                group.variables[f"{channel_name}_{gate}"].values[elements] = values
