"""Reading SWC files (NeuroMorpho.org's format) into a morphology of merged sections.

Each SWC row is a point: ``index type x y z radius parent`` (micrometres). Consecutive points
of one type without branches become one Section (one compartment per point); a single soma
point becomes a spherical Soma. Children get their type's name (``dend``, ``dend2``, ...) and,
as in Brian 2, ``L``/``R`` (one or two children) or ``1``, ``2``, ... (more).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from axonal.spatial.morphology import Morphology, MorphologyError, Section, Soma
from axonal.units import um

__all__: list[str] = []  # internal: Morphology.from_file is the public way in

TYPE_NAMES = {1: "soma", 2: "axon", 3: "dend", 4: "apic"}


@dataclass
class _Point:
    index: int
    type: int | str
    xyz: np.ndarray
    diameter: float  # um
    parent: int
    line: int
    children: list = field(default_factory=list)

    @property
    def type_name(self) -> str:
        if isinstance(self.type, str):
            return self.type
        return TYPE_NAMES.get(self.type, f"type{self.type}")


def read_swc(filename, spherical_soma: bool = True) -> Morphology:
    path = Path(filename)
    rows = []
    for number, text in enumerate(path.read_text().splitlines(), start=1):
        text = text.split("#", 1)[0].strip()
        if not text:
            continue
        fields = text.split()
        if len(fields) != 7:
            raise MorphologyError(
                f"{path.name}, line {number}: 7 values expected (index type x y z radius "
                f"parent), got {len(fields)}"
            )
        try:
            index, kind = int(fields[0]), int(fields[1])
            x, y, z, radius = (float(value) for value in fields[2:6])
            parent = int(fields[6])
        except ValueError:
            raise MorphologyError(
                f"{path.name}, line {number}: not an SWC row of numbers: {text!r}"
            ) from None
        rows.append((index, kind, x, y, z, 2 * radius, parent, number))
    return morphology_from_rows(rows, spherical_soma, path.name)


def morphology_from_rows(rows, spherical_soma: bool, source: str) -> Morphology:
    """A morphology from rows (index, type, x, y, z, diameter, parent[, line]), in um."""
    points: dict[int, _Point] = {}
    for number, row in enumerate(rows, start=1):
        index, kind, x, y, z, diameter, parent, *line = row
        line = line[0] if line else number
        if index in points:
            raise MorphologyError(f"{source}, line {line}: point {index} appears twice")
        if not diameter > 0:
            raise MorphologyError(
                f"{source}, line {line}: point {index} has a radius of {diameter / 2:g} um; "
                "radii must be positive"
            )
        points[index] = _Point(index, kind, np.array([x, y, z], float), diameter, parent, line)
    if not points:
        raise MorphologyError(f"{source}: no points")
    roots = [p for p in points.values() if p.parent == -1]
    for point in points.values():
        if point.parent == -1:
            continue
        if point.parent not in points:
            raise MorphologyError(
                f"{source}, line {point.line}: point {point.index} has parent {point.parent}, "
                "which is not in the file (a broken parent)"
            )
        points[point.parent].children.append(point)
    if len(roots) != 1:
        lines = ", ".join(str(p.line) for p in roots) or "none"
        raise MorphologyError(
            f"{source}: a morphology needs exactly one root point (parent -1); found "
            f"{len(roots)} (lines {lines})"
        )
    reached = _reachable(roots[0])
    if reached < len(points):
        stray = next(p for p in points.values() if not _leads_to(p, roots[0], points))
        raise MorphologyError(
            f"{source}, line {stray.line}: point {stray.index} is not connected to the root "
            "(its parents form a loop)"
        )
    if spherical_soma:
        _replace_three_point_soma(roots[0], source)
    return _build(roots[0], spherical_soma)


def _replace_three_point_soma(root: _Point, source: str) -> None:
    """NeuroMorpho's three-point soma (a soma point with two soma children one radius away,
    without children of their own) becomes the one spherical soma it stands for, as Brian 2
    reads it: the two extra points are dropped."""
    ends = [c for c in root.children if c.type_name == "soma"]
    if root.type_name != "soma" or len(ends) != 2 or any(c.children for c in ends):
        return
    lines = f"lines {root.line}, {ends[0].line}, {ends[1].line}"
    if any(abs(c.diameter - root.diameter) > 1e-15 for c in ends):
        raise MorphologyError(
            f"{source}, {lines}: a three-point soma needs one radius on its three points"
        )
    distances = [float(np.linalg.norm(c.xyz - root.xyz)) for c in ends]
    if any(abs(d - root.diameter / 2) > 0.1 for d in distances):
        raise MorphologyError(
            f"{source}, {lines}: a three-point soma's second and third points must lie one "
            f"radius ({root.diameter / 2:g} um) from the first; they lie "
            f"{distances[0]:.3f} and {distances[1]:.3f} um from it"
        )
    root.children = [c for c in root.children if c not in ends]


def _reachable(root: _Point) -> int:
    count, stack = 0, [root]
    while stack:
        point = stack.pop()
        count += 1
        stack.extend(point.children)
    return count


def _leads_to(point: _Point, root: _Point, points: dict) -> bool:
    seen = set()
    while point.parent != -1 and point.index not in seen:
        seen.add(point.index)
        point = points[point.parent]
    return point is root


def _chain(start: _Point) -> list[_Point]:
    """``start`` and the points after it of the same type, up to a branch or a leaf."""
    chain = [start]
    while len(chain[-1].children) == 1 and chain[-1].children[0].type == start.type:
        chain.append(chain[-1].children[0])
    return chain


def _build(root: _Point, spherical_soma: bool) -> Morphology:
    chain = _chain(root)
    if spherical_soma and root.type_name == "soma" and len(chain) == 1:
        section = Soma(root.diameter * um, x=root.xyz[0] * um, y=root.xyz[1] * um,
                       z=root.xyz[2] * um)  # fmt: skip
    else:
        if len(chain) < 2:
            raise MorphologyError(
                f"line {root.line}: the root section needs at least two points (or a soma)"
            )
        xyz = np.array([p.xyz for p in chain])
        section = Section(
            diameter=[p.diameter for p in chain] * um, n=len(chain) - 1,
            x=xyz[:, 0] * um, y=xyz[:, 1] * um, z=xyz[:, 2] * um, type=root.type_name,
        )  # fmt: skip
    _add_children(section, chain[-1])
    return section


def _add_children(section: Morphology, end: _Point) -> None:
    children = end.children
    for number, child in enumerate(children, start=1):
        chain = _chain(child)
        start_diameter = chain[0].diameter if end.type_name == "soma" else end.diameter
        xyz = np.array([end.xyz] + [p.xyz for p in chain]) - end.xyz
        sub = _section(start_diameter, chain, xyz, child.type_name)
        name = section.add(child.type_name, sub, automatic_name=True)
        alias = ("L" if number == 1 else "R") if len(children) <= 2 else str(number)
        if alias != name:
            section.add(alias, sub)
        _add_children(sub, chain[-1])


def _section(start_diameter: float, chain: list[_Point], xyz: np.ndarray, kind: str) -> Section:
    diameters = np.array([start_diameter] + [p.diameter for p in chain])
    return Section(
        diameter=diameters * um, n=len(chain),
        x=xyz[:, 0] * um, y=xyz[:, 1] * um, z=xyz[:, 2] * um, type=kind,
    )  # fmt: skip
