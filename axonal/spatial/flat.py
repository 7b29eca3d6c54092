"""A morphology as flat arrays (Brian 2's ``SpatialNeuron.flat_morphology``).

Compartments are numbered as the neuron numbers them (the tree depth first), sections in the
same order. Values are plain NumPy arrays in base units (metres, square metres, cubic
metres). The tree is given with Brian 2's conventions: sections counted from 1 in
``morph_parent_i`` and ``morph_children``, 0 standing for the (virtual) parent of the root,
whose one child is the root.
"""

from __future__ import annotations

import numpy as np

from axonal.spatial.morphology import Morphology

__all__: list[str] = []  # reached as SpatialNeuron.flat_morphology


class FlatMorphology:
    """The flattened morphology of a SpatialNeuron (see the module).

    Per compartment: ``length``, ``distance``, ``area``, ``volume``, ``diameter``,
    ``r_length_1``, ``r_length_2`` (axial conductance times Ri of each half, metres),
    ``depth`` (the section's depth in the tree, the root 0), and with coordinates
    (``has_coordinates``) ``x``, ``y``, ``z`` (midpoints), ``start_x`` ... ``end_z``
    (None without). Per section: ``starts`` and ``ends`` (its compartments are
    ``starts[s]:ends[s]``), ``end_distance``, ``morph_parent_i`` (its parent, counted from 1;
    0 for the root), ``morph_idxchild`` (its position among its parent's children). Per section
    and one more for the virtual parent of the root at 0: ``morph_children_num`` and
    ``morph_children`` (a (sections + 1) x most children table, flattened, of the children
    counted from 1, 0 where there is none). ``n`` compartments, ``sections`` sections.
    """

    def __init__(self, morphology: Morphology):
        tree = _walk(morphology)
        sections = [section for section, *_ in tree]
        self.n = sum(section.n for section in sections)
        self.sections = len(sections)

        def joined(attribute: str) -> np.ndarray:
            return np.concatenate([getattr(s, attribute)() for s in sections]).astype(float)

        self.length = joined("_lengths")
        self.distance = joined("_distances")
        self.area = joined("_areas")
        self.volume = joined("_volumes")
        self.diameter = np.concatenate([sum(s._diameters()) / 2 for s in sections])
        halves = [s._r_lengths() for s in sections]
        self.r_length_1 = np.concatenate([h[0] for h in halves]).astype(float)
        self.r_length_2 = np.concatenate([h[1] for h in halves]).astype(float)
        depths = [depth for *_, depth in tree]
        self.depth = np.repeat(np.array(depths, np.int32), [s.n for s in sections])
        counts = np.array([s.n for s in sections], np.int32)
        self.ends = np.cumsum(counts, dtype=np.int32)
        self.starts = (self.ends - counts).astype(np.int32)
        self.end_distance = np.array([s._end_distance() for s in sections], float)
        self._tree(tree)
        self._coordinates(sections)

    def _tree(self, tree: list[tuple[Morphology, int, int, int]]) -> None:
        self.morph_parent_i = np.array([parent + 1 for _, parent, _, _ in tree], np.int32)
        self.morph_idxchild = np.array([position for _, _, position, _ in tree], np.int32)
        children: list[list[int]] = [[] for _ in range(len(tree) + 1)]
        for number, (_, parent, _, _) in enumerate(tree):
            children[parent + 1].append(number + 1)
        self.morph_children_num = np.array([len(c) for c in children], np.int64)
        table = np.zeros((len(children), max(map(len, children))), np.int32)
        for row, found in enumerate(children):
            table[row, : len(found)] = found
        self.morph_children = table.ravel()

    def _coordinates(self, sections: list[Morphology]) -> None:
        names = [f"{where}{axis}" for where in ("", "start_", "end_") for axis in "xyz"]
        points = [s._absolute_points() for s in sections]
        self.has_coordinates = all(p is not None for p in points)
        for name in names:
            setattr(self, name, None)
        if not self.has_coordinates:
            return
        for axis, letter in enumerate("xyz"):
            starts = np.concatenate([p[:-1, axis] for p in points])
            ends = np.concatenate([p[1:, axis] for p in points])
            setattr(self, f"start_{letter}", starts)
            setattr(self, f"end_{letter}", ends)
            setattr(self, letter, (starts + ends) / 2)

    def __repr__(self) -> str:
        return f"<FlatMorphology: {self.n} compartments in {self.sections} sections>"


def _walk(root: Morphology) -> list[tuple[Morphology, int, int, int]]:
    """(section, its parent's number or -1, its position among its siblings, its depth) of
    every section, depth first from ``root`` (the order of ``Morphology.sections``). Walked
    down from the root: a section object may hang in several trees, its ``parent`` is
    the last one."""
    found: list[tuple[Morphology, int, int, int]] = []

    def visit(section: Morphology, parent: int, position: int, depth: int) -> None:
        number = len(found)
        found.append((section, parent, position, depth))
        for k, child in enumerate(section.children):
            visit(child, number, k, depth + 1)

    visit(root, -1, 0, 0)
    return found
