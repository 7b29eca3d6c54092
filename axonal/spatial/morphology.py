"""Neuron morphologies: a tree of sections (Soma, Cylinder, Section) divided into compartments.

A morphology is built by attribute (``soma.dend = Cylinder(...)``) or read from an SWC file.
Every section keeps its geometry in SI units as plain arrays (one value per compartment, or per
point between compartments); the properties the user reads (``area``, ``length``, ...) carry
units. The whole tree is flattened in depth-first order (a section's compartments, then its
children's in the order they were added), which is the order of a SpatialNeuron's compartments.
"""

from __future__ import annotations

import numbers

import numpy as np

from axonal.units import Quantity, get_dimensions, meter

__all__ = ["Morphology", "Soma", "Cylinder", "Section"]

_METER = get_dimensions(meter)
_AREA = _METER**2
_VOLUME = _METER**3
# The axial "conductance times Ri" of a soma's halves: a very high value, so a soma is
# isopotential (the convention Brian 2 uses too, so that traces compare).
_SOMA_R_LENGTH = 1.0


class MorphologyError(ValueError):
    """A morphology cannot be built or indexed as asked; the message says which part and why."""


def _meters(value, what: str, owner: str) -> np.ndarray:
    """``value`` (a length, or lengths) as raw metres, checking its unit."""
    if get_dimensions(value) is not _METER:
        raise MorphologyError(f"{owner}: {what} must be a length (e.g. 10*um), got {value!r}")
    return np.atleast_1d(np.asarray(value, dtype=float)).copy()


def _with_unit(values, dim) -> Quantity:
    return Quantity.with_dimensions(np.asarray(values, dtype=float), dim)


class Morphology:
    """A section of a neuron (and, through its children, the tree below it).

    ``n`` compartments; children are added by attribute or by name (``morpho.dend = ...``,
    ``morpho['dend'] = ...``) and read the same way, or by a path of names as in Brian 2
    (``morpho['LRL']``). Indexing with an integer, a distance or a slice of either selects
    compartments of this section (``morpho.dend[10*um:50*um]``).

    Example:

    >>> morpho = Soma(diameter=30*um)
    >>> morpho.dend = Cylinder(diameter=1*um, length=100*um, n=10)
    >>> morpho.total_compartments
    11
    >>> morpho.dend[10*um:50*um].indices
    array([2, 3, 4, 5])
    >>> print(morpho.topology())
    ( )  [root] (1)
       ----------|  .dend (10)
    """

    _kind = "section"

    def __init__(self, n: int, type: str | None = None):
        if isinstance(n, str):
            raise MorphologyError(
                f"a {self._kind} needs a number of compartments, not the string {n!r}; "
                "load a file with Morphology.from_file"
            )
        if not isinstance(n, numbers.Integral) and not float(n).is_integer():
            raise MorphologyError(f"a {self._kind}'s number of compartments must be whole: {n!r}")
        if int(n) < 1:
            raise MorphologyError(f"a {self._kind} needs at least 1 compartment, not n={n}")
        object.__setattr__(self, "_children", {})
        self._n = int(n)
        self.type = type
        self._parent: Morphology | None = None
        self._points: np.ndarray | None = None  # (n + 1, 3) relative coordinates, metres

    # -- geometry kept by subclasses ------------------------------------------------------
    def _check_diameters(self, diameters: np.ndarray) -> None:
        bad = np.flatnonzero(~(diameters > 0))
        if len(bad):
            raise MorphologyError(
                f"{self!r}: diameters must be positive; point {bad[0]} has "
                f"{diameters[bad[0]] * 1e6:g} um"
            )

    # -- tree -----------------------------------------------------------------------------
    @property
    def n(self) -> int:
        """The number of compartments of this section."""
        return self._n

    @property
    def parent(self) -> Morphology | None:
        return self._parent

    @property
    def children(self) -> list[Morphology]:
        """The child sections, in the order they were added (each once)."""
        unique: list[Morphology] = []
        for child in self._children.values():
            if not any(child is known for known in unique):
                unique.append(child)
        return unique

    def child_name(self, child: Morphology) -> str:
        """The first name ``child`` was added under."""
        for name, known in self._children.items():
            if known is child:
                return name
        raise MorphologyError(f"{child!r} is not a child of {self!r}")

    def add(self, name: str, child: Morphology, automatic_name: bool = False) -> str:
        """Attach ``child`` under ``name`` (``dend2``, ``dend3``... with ``automatic_name``)."""
        if not isinstance(child, Morphology):
            raise MorphologyError(f"{name!r}: only a Soma, Cylinder or Section can be a child")
        if name in self._children and self._children[name] is not child:
            if not automatic_name:
                raise MorphologyError(f"{self!r} already has a child named {name!r}")
            base, counter = name, 2
            while f"{base}{counter}" in self._children:
                counter += 1
            name = f"{base}{counter}"
        if child._parent is not None and child._parent is not self:
            raise MorphologyError(f"{name!r} is already a child of another section")
        if isinstance(child, Soma):
            raise MorphologyError(f"{name!r}: a Soma can only be the root of a morphology")
        self._children[name] = child
        child._parent = self
        return name

    def __getattr__(self, name: str):
        children = self.__dict__.get("_children", {})
        if name in children:
            return children[name]
        raise AttributeError(f"{type(self).__name__} has no attribute or child {name!r}")

    def __setattr__(self, name: str, value) -> None:
        if isinstance(value, Morphology) and not name.startswith("_"):
            self.add(name, value)
        else:
            object.__setattr__(self, name, value)

    def __setitem__(self, name, child) -> None:
        name = str(name)
        if len(name) > 1 and all(c in "LR123456789" for c in name):
            self[name[0]][name[1:]] = child
        else:
            self.add(name, child)

    def __getitem__(self, item):
        if isinstance(item, str):
            if item in self._children:
                return self._children[item]
            if len(item) > 1 and all(c in "LR123456789" for c in item):
                return self[item[0]][item[1:]]
            raise MorphologyError(f"{self!r} has no child {item!r}")
        i, j = self._compartment_range(item)
        return SubMorphology(self, i, j)

    def _compartment_range(self, item) -> tuple[int, int]:
        """The compartments [i, j) of this section that ``item`` selects."""
        ends = np.cumsum(self._lengths())
        if isinstance(item, slice):
            if item.step is not None:
                raise MorphologyError(f"{self!r}: a slice of compartments takes no step")
            bounds = [b for b in (item.start, item.stop) if b is not None]
            if all(get_dimensions(b) is _METER for b in bounds) and any(
                isinstance(b, Quantity) for b in bounds
            ):
                return self._distance_range(item.start, item.stop, ends)
            if not all(isinstance(b, numbers.Integral) for b in bounds):
                raise MorphologyError(
                    f"{self!r}: slice with compartment numbers or with lengths, not {item!r}"
                )
            i, j, _ = item.indices(self.n)
            if j <= i:
                raise MorphologyError(f"{self!r}: the slice {item!r} selects no compartment")
            return i, j
        if isinstance(item, Quantity):
            if get_dimensions(item) is not _METER:
                raise MorphologyError(f"{self!r}: index with a length, not {item!r}")
            position, total = float(item), ends[-1]
            if position < 0 or position > total * (1 + 1e-12):
                raise MorphologyError(
                    f"{self!r}: the distance {position * 1e6:g} um is outside the section "
                    f"(0 to {total * 1e6:g} um)"
                )
            # A point on a border between compartments belongs to the next one (Brian 2's).
            near = np.abs(ends - position) < 1e-12 * total
            k = int(np.argmax(near)) + 1 if near.any() else int(np.searchsorted(ends, position))
            i = min(k, self.n - 1)
            return i, i + 1
        if isinstance(item, numbers.Integral) and not isinstance(item, bool):
            index = int(item) + self.n if item < 0 else int(item)
            if not 0 <= index < self.n:
                raise MorphologyError(
                    f"{self!r}: no compartment {item} in a section of {self.n} compartments"
                )
            return index, index + 1
        raise MorphologyError(f"{self!r}: cannot index a section with {item!r}")

    def _distance_range(self, start, stop, ends) -> tuple[int, int]:
        total = ends[-1]
        tolerance = 1e-12 * total
        i = 0
        if start is not None:
            start = float(start)
            near = np.abs(ends - start) < tolerance
            i = int(np.argmax(near)) + 1 if near.any() else int(np.searchsorted(ends, start))
        j = self.n
        if stop is not None:
            stop = float(stop)
            near = np.abs(ends - stop) < tolerance
            j = int(np.argmax(near)) + 1 if near.any() else int(np.searchsorted(ends, stop)) + 1
        j = min(j, self.n)
        if j <= i:
            raise MorphologyError(f"{self!r}: the range {start}:{stop} m selects no compartment")
        return i, j

    # -- flattening -----------------------------------------------------------------------
    def sections(self) -> list[Morphology]:
        """This section and all below it, depth first (the order of the compartments)."""
        found = [self]
        for child in self.children:
            found += child.sections()
        return found

    @property
    def root(self) -> Morphology:
        node = self
        while node._parent is not None:
            node = node._parent
        return node

    @property
    def start_index(self) -> int:
        """The index of this section's first compartment in its whole tree."""
        index = 0
        for section in self.root.sections():
            if section is self:
                return index
            index += section.n
        raise AssertionError("a section is always in its root's tree")

    @property
    def total_compartments(self) -> int:
        return sum(section.n for section in self.sections())

    @property
    def total_sections(self) -> int:
        return len(self.sections())

    def __len__(self) -> int:
        return self.total_compartments

    @property
    def indices(self) -> _Indices:
        """``morpho.dend.indices[10*um:30*um]``: indices of compartments in the whole tree."""
        return _Indices(self)

    def _indices(self):
        """Brian 2's indexing interface (``mon[morpho]``, ``record=morpho.dend``): this
        section's own compartments, one index for a single compartment."""
        return self[:]._indices()

    # -- per-compartment geometry (raw) ---------------------------------------------------
    def _lengths(self) -> np.ndarray:
        raise NotImplementedError

    def _diameters(self) -> tuple[np.ndarray, np.ndarray]:
        """Diameters at the start and at the end of each compartment."""
        raise NotImplementedError

    def _areas(self) -> np.ndarray:
        d1, d2 = self._diameters()
        length = self._lengths()
        # The lateral surface of a truncated cone.
        return np.pi / 2 * (d1 + d2) * np.sqrt(length**2 + (d1 - d2) ** 2 / 4)

    def _volumes(self) -> np.ndarray:
        d1, d2 = self._diameters()
        r1, r2 = d1 / 2, d2 / 2
        return np.pi * self._lengths() * (r1**2 + r1 * r2 + r2**2) / 3

    def _r_lengths(self) -> tuple[np.ndarray, np.ndarray]:
        """Axial conductance times Ri of each compartment's first and second half (metres):
        a truncated cone of length l/2 between diameters da, db conducts pi*da*db / (2*l*Ri)."""
        d1, d2 = self._diameters()
        middle = (d1 + d2) / 2
        length = self._lengths()
        return np.pi / 2 * d1 * middle / length, np.pi / 2 * middle * d2 / length

    def _distances(self) -> np.ndarray:
        """Path distance from the root to each compartment's midpoint."""
        start = 0.0 if self._parent is None else self._parent._end_distance()
        length = self._lengths()
        return start + np.cumsum(length) - length / 2

    def _end_distance(self) -> float:
        return float(self._distances()[-1] + self._lengths()[-1] / 2)

    # -- with units -----------------------------------------------------------------------
    @property
    def length(self) -> Quantity:
        return _with_unit(self._lengths(), _METER)

    @property
    def area(self) -> Quantity:
        return _with_unit(self._areas(), _AREA)

    @property
    def volume(self) -> Quantity:
        return _with_unit(self._volumes(), _VOLUME)

    @property
    def diameter(self) -> Quantity:
        """The diameter at each compartment's midpoint."""
        d1, d2 = self._diameters()
        return _with_unit((d1 + d2) / 2, _METER)

    @property
    def start_diameter(self) -> Quantity:
        return _with_unit(self._diameters()[0], _METER)

    @property
    def end_diameter(self) -> Quantity:
        return _with_unit(self._diameters()[1], _METER)

    @property
    def distance(self) -> Quantity:
        return _with_unit(self._distances(), _METER)

    @property
    def end_distance(self) -> Quantity:
        return _with_unit(self._end_distance(), _METER)

    @property
    def r_length_1(self) -> Quantity:
        return _with_unit(self._r_lengths()[0], _METER)

    @property
    def r_length_2(self) -> Quantity:
        return _with_unit(self._r_lengths()[1], _METER)

    # -- coordinates ----------------------------------------------------------------------
    def _absolute_points(self) -> np.ndarray | None:
        """(n + 1, 3) coordinates of the points between compartments, or None."""
        if self._points is None:
            return None
        origin = np.zeros(3)
        if self._parent is not None:
            parent_points = self._parent._absolute_points()
            if parent_points is not None:
                origin = parent_points[-1]
        return self._points + origin

    def _coordinate(self, axis: int, where: str) -> Quantity | None:
        points = self._absolute_points()
        if points is None:
            return None
        values = {
            "start": points[:-1, axis],
            "end": points[1:, axis],
            "mid": (points[:-1, axis] + points[1:, axis]) / 2,
        }[where]
        return _with_unit(values, _METER)

    x = property(lambda self: self._coordinate(0, "mid"), doc="Midpoints' x (None if unknown).")
    y = property(lambda self: self._coordinate(1, "mid"))
    z = property(lambda self: self._coordinate(2, "mid"))
    start_x = property(lambda self: self._coordinate(0, "start"))
    start_y = property(lambda self: self._coordinate(1, "start"))
    start_z = property(lambda self: self._coordinate(2, "start"))
    end_x = property(lambda self: self._coordinate(0, "end"))
    end_y = property(lambda self: self._coordinate(1, "end"))
    end_z = property(lambda self: self._coordinate(2, "end"))

    def generate_coordinates(
        self, section_randomness=0.0, compartment_randomness=0.0, overwrite_existing=False
    ) -> Morphology:
        """A copy of this tree with coordinates for every section that has none.

        A section continues its parent's direction, turned by a deterministic angle spread
        over its siblings; ``section_randomness`` (per section) and
        ``compartment_randomness`` (per compartment) add random turns (degrees, from NumPy's
        generator, so ``seed()`` makes them reproducible).
        """
        from axonal.spatial.coordinates import with_coordinates

        return with_coordinates(
            self, section_randomness, compartment_randomness, overwrite_existing
        )

    # -- reading --------------------------------------------------------------------------
    def topology(self) -> str:
        """The tree as indented text: one line per section, its name and compartment count."""
        lines: list[str] = []

        def walk(section: Morphology, path: str, depth: int) -> None:
            shape = "( )" if isinstance(section, Soma) else "-" * min(section.n, 10) + "|"
            lines.append(f"{'   ' * depth}{shape}  {path or '[root]'} ({section.n})")
            for child in section.children:
                walk(child, f"{path}.{section.child_name(child)}", depth + 1)

        walk(self, "", 0)
        return "\n".join(lines)

    def copy_section(self) -> Morphology:
        """This section alone (no parent, no children)."""
        raise NotImplementedError

    @staticmethod
    def from_file(filename, spherical_soma: bool = True) -> Morphology:
        """A morphology from a file (SWC, the format of NeuroMorpho.org)."""
        from axonal.spatial.swc import read_swc

        if not str(filename).lower().endswith(".swc"):
            raise MorphologyError(f"{filename}: only SWC files (.swc) can be read")
        return read_swc(filename, spherical_soma)

    @staticmethod
    def from_swc_file(filename, spherical_soma: bool = True) -> Morphology:
        """A morphology from an SWC file."""
        from axonal.spatial.swc import read_swc

        return read_swc(filename, spherical_soma)

    from_swc = from_swc_file

    @staticmethod
    def from_points(points, spherical_soma: bool = True) -> Morphology:
        """A morphology from points ``(index, type, x, y, z, diameter, parent)`` in um, as
        Brian 2's: the type a name (``'soma'``, ``'dend'``) or an SWC number, the diameter
        (not the radius); a three-point soma becomes one Soma as in SWC files."""
        from axonal.spatial.swc import morphology_from_rows

        points = [tuple(point) for point in points]
        for number, point in enumerate(points):
            if len(point) != 7:
                raise MorphologyError(
                    f"Morphology.from_points: point {number} has {len(point)} values; expected "
                    "7 (index, type, x, y, z, diameter, parent)"
                )
        return morphology_from_rows(points, spherical_soma, "points")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(n={self.n})"


class Soma(Morphology):
    """A spherical soma: one compartment of ``diameter``, with the area of a sphere.

    Example:

    >>> Soma(diameter=20*um).area / um**2
    array([1256.63706144])
    """

    _kind = "soma"

    def __init__(self, diameter, x=None, y=None, z=None, type: str = "soma"):
        super().__init__(1, type=type)
        self._diameter = _meters(diameter, "diameter", "Soma")
        if self._diameter.size != 1:
            raise MorphologyError(f"Soma: one diameter expected, got {self._diameter.size}")
        self._check_diameters(self._diameter)
        if any(c is not None for c in (x, y, z)):
            centre = [
                0.0 if c is None else float(_meters(c, "a coordinate", "Soma")[0])
                for c in (x, y, z)
            ]
            self._points = np.array([centre, centre])

    def _lengths(self) -> np.ndarray:
        return self._diameter.copy()

    def _diameters(self):
        return self._diameter.copy(), self._diameter.copy()

    def _areas(self) -> np.ndarray:
        return np.pi * self._diameter**2

    def _volumes(self) -> np.ndarray:
        return np.pi * self._diameter**3 / 6

    def _r_lengths(self):
        return np.array([_SOMA_R_LENGTH]), np.array([_SOMA_R_LENGTH])

    def _distances(self) -> np.ndarray:
        if self._parent is None:
            return np.zeros(1)
        return np.array([self._parent._end_distance()])

    def _end_distance(self) -> float:
        return float(self._distances()[0])

    def copy_section(self) -> Soma:
        soma = Soma(self._diameter[0] * meter, type=self.type)
        soma._points = None if self._points is None else self._points.copy()
        return soma

    def __repr__(self) -> str:
        return f"Soma(diameter={self._diameter[0] * 1e6:g}*um)"


class Section(Morphology):
    """An unbranched section of ``n`` compartments whose diameter changes from point to point.

    ``diameter``: n + 1 values (the start and end of each compartment); ``length``: n values,
    or coordinates ``x``, ``y``, ``z`` of the n + 1 points (relative to the parent's end).

    Example:

    >>> cone = Section(diameter=[3, 2, 1]*um, length=[10, 10]*um, n=2)
    >>> cone.diameter
    array([2.5, 1.5]) * umetre
    """

    _kind = "section"

    def __init__(self, diameter, n: int = 1, length=None, x=None, y=None, z=None, type=None):
        super().__init__(n, type=type)
        owner = type_name(self)
        self._point_diameters = _meters(diameter, "diameter", owner)
        if self._point_diameters.size != self.n + 1:
            raise MorphologyError(
                f"{owner}: {self.n + 1} diameters expected (one per point between "
                f"compartments, n + 1), got {self._point_diameters.size}"
            )
        self._check_diameters(self._point_diameters)
        self._set_geometry(owner, length, x, y, z, points=self.n + 1)

    def _set_geometry(self, owner: str, length, x, y, z, points: int) -> None:
        if all(c is None for c in (x, y, z)):
            if length is None:
                raise MorphologyError(f"{owner}: give either length or coordinates x, y, z")
            lengths = _meters(length, "length", owner)
            self._length_values(owner, lengths)
            return
        if length is not None:
            raise MorphologyError(f"{owner}: give either length or coordinates, not both")
        columns = []
        for coordinate in (x, y, z):
            if coordinate is None:
                columns.append(np.zeros(points))
                continue
            values = _meters(coordinate, "a coordinate", owner)
            if values.size != points:
                raise MorphologyError(
                    f"{owner}: {points} values expected for each coordinate, got {values.size}"
                )
            columns.append(values)
        self._points = np.stack(columns, axis=1)
        self._points_to_lengths(owner)

    def _length_values(self, owner: str, lengths: np.ndarray) -> None:
        if lengths.size != self.n:
            raise MorphologyError(f"{owner}: {self.n} lengths expected, got {lengths.size}")
        self._check_lengths(owner, lengths)
        self._compartment_lengths = lengths

    def _points_to_lengths(self, owner: str) -> None:
        lengths = np.linalg.norm(np.diff(self._points, axis=0), axis=1)
        self._check_lengths(owner, lengths)
        self._compartment_lengths = lengths

    @staticmethod
    def _check_lengths(owner: str, lengths: np.ndarray) -> None:
        bad = np.flatnonzero(~(lengths > 0))
        if len(bad):
            raise MorphologyError(
                f"{owner}: lengths must be positive; compartment {bad[0]} has "
                f"{lengths[bad[0]] * 1e6:g} um"
            )

    def _lengths(self) -> np.ndarray:
        return self._compartment_lengths.copy()

    def _diameters(self):
        return self._point_diameters[:-1].copy(), self._point_diameters[1:].copy()

    def copy_section(self) -> Section:
        copy = object.__new__(type(self))
        copy.__dict__.update({k: v for k, v in self.__dict__.items() if k != "_children"})
        copy.__dict__["_children"] = {}
        copy._parent = None
        return copy


class Cylinder(Section):
    """A section of ``n`` compartments of one ``diameter``: ``length`` is the whole section's,
    or ``x``, ``y``, ``z`` give its start and end points (two values each).

    Example:

    >>> Cylinder(diameter=1*um, length=100*um, n=4).length
    array([25., 25., 25., 25.]) * umetre
    """

    _kind = "cylinder"

    def __init__(self, diameter, n: int = 1, length=None, x=None, y=None, z=None, type=None):
        Morphology.__init__(self, n, type=type)
        owner = type_name(self)
        d = _meters(diameter, "diameter", owner)
        if d.size != 1:
            raise MorphologyError(f"{owner}: one diameter expected, got {d.size}")
        self._check_diameters(d)
        self._point_diameters = np.full(self.n + 1, d[0])
        if all(c is None for c in (x, y, z)) and length is not None:
            total = _meters(length, "length", owner)
            if total.size != 1:
                raise MorphologyError(f"{owner}: one (total) length expected, got {total.size}")
            self._check_lengths(owner, total)
            self._compartment_lengths = np.full(self.n, total[0] / self.n)
            return
        self._set_geometry(owner, length, x, y, z, points=2)
        if self._points is not None:  # start and end given: divide the line evenly
            fractions = np.linspace(0, 1, self.n + 1)[:, None]
            self._points = self._points[0] + fractions * (self._points[1] - self._points[0])
            self._points_to_lengths(owner)


def type_name(section: Morphology) -> str:
    return type(section).__name__


class SubMorphology:
    """Compartments [i, j) of one section: ``morpho.dend[10*um:50*um]``."""

    def __init__(self, section: Morphology, i: int, j: int):
        self.section, self._i, self._j = section, i, j

    @property
    def n(self) -> int:
        return self._j - self._i

    def __len__(self) -> int:
        return self.n

    @property
    def indices(self) -> np.ndarray:
        """The compartments' indices in the whole tree."""
        start = self.section.start_index
        return np.arange(start + self._i, start + self._j)

    def _indices(self):
        """Brian 2's indexing interface: the compartments' indices in the whole tree (one
        index for a single compartment)."""
        indices = self.indices
        return int(indices[0]) if self.n == 1 else indices

    def __array__(self, dtype=None, copy=None):
        return self.indices if dtype is None else self.indices.astype(dtype)

    def __index__(self) -> int:
        if self.n != 1:
            raise TypeError(f"{self!r} is {self.n} compartments, not one")
        return int(self.indices[0])

    __int__ = __index__

    def __iter__(self):
        return iter(self.indices)

    def _slice(self, name: str):
        values = getattr(self.section, name)
        return None if values is None else values[self._i : self._j]

    def __getattr__(self, name: str):
        if name in {
            "length",
            "area",
            "volume",
            "diameter",
            "start_diameter",
            "end_diameter",
            "distance",
            "r_length_1",
            "r_length_2",
            "x",
            "y",
            "z",
            "start_x",
            "start_y",
            "start_z",
            "end_x",
            "end_y",
            "end_z",
        }:
            return self._slice(name)
        raise AttributeError(f"a part of a section has no attribute {name!r}")

    def __repr__(self) -> str:
        return f"<compartments {self._i}:{self._j} of {self.section!r}>"


class _Indices:
    def __init__(self, section: Morphology):
        self.section = section

    def __getitem__(self, item) -> np.ndarray | int:
        """Indices in the whole tree: an array for a slice, one index for one compartment."""
        if isinstance(item, slice) and item == slice(None):
            start = self.section.start_index
            return np.arange(start, start + self.section.n)
        indices = self.section[item].indices
        return int(indices[0]) if not isinstance(item, slice) else indices
