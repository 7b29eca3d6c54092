"""Morphologies: geometry with units, trees by attribute and by name, indexing by compartment
and by distance, coordinates, SWC files, and clear errors for bad input."""

import numpy as np
import pytest

from axonal import Cylinder, Morphology, Section, Soma, cm, meter, mV, um
from axonal.spatial.morphology import MorphologyError
from tests.spatial.models import SWC_FILE


def test_cylinder_and_section_geometry():
    cylinder = Cylinder(diameter=2 * um, length=100 * um, n=4)
    np.testing.assert_allclose(cylinder.length / um, [25] * 4)
    np.testing.assert_allclose(cylinder.area / um**2, [np.pi * 2 * 25] * 4)
    np.testing.assert_allclose(cylinder.volume / um**3, [np.pi * 25] * 4)
    # A cone from 3 um to 1 um: frustum areas, the diameter at each midpoint.
    cone = Section(diameter=[3, 2, 1] * um, length=[10, 10] * um, n=2)
    np.testing.assert_allclose(cone.diameter / um, [2.5, 1.5])
    slant = np.sqrt(10**2 + 0.5**2)
    np.testing.assert_allclose(cone.area / um**2, [np.pi * 2.5 * slant, np.pi * 1.5 * slant])
    soma = Soma(diameter=20 * um)
    np.testing.assert_allclose(soma.area / um**2, [np.pi * 400])
    assert soma.length[0] == 20 * um


def test_tree_by_attribute_name_and_path():
    soma = Soma(30 * um)
    soma.dend = Cylinder(diameter=1 * um, length=100 * um, n=10)
    soma.dend.L = Cylinder(diameter=1 * um, length=50 * um, n=5)
    soma.dend.R = Cylinder(diameter=1 * um, length=50 * um, n=5)
    soma["axon"] = Cylinder(diameter=1 * um, length=200 * um, n=20)
    assert soma.total_compartments == 41
    assert soma.total_sections == 5
    assert soma["dend"] is soma.dend and soma.dend["L"] is soma.dend.L
    assert soma.dend["R"] is soma.dend.R
    # depth first: soma, dend, dend.L, dend.R, axon
    assert soma.dend.L.start_index == 11 and soma.axon.start_index == 21
    np.testing.assert_allclose(soma.dend.L.distance / um, [105, 115, 125, 135, 145])
    topology = soma.topology()
    assert ".dend.L (5)" in topology and ".axon (20)" in topology


def test_indexing_by_compartment_and_distance():
    soma = Soma(30 * um)
    soma.dend = Cylinder(diameter=1 * um, length=100 * um, n=10)
    assert list(soma.dend[10 * um : 50 * um].indices) == [2, 3, 4, 5]
    assert list(soma.dend[55 * um].indices) == [6]
    assert list(soma.dend[30 * um].indices) == [4]  # on a border: the next compartment
    assert list(soma.dend[-1].indices) == [10]
    assert list(soma.dend[2:4].indices) == [3, 4]
    assert soma.dend.indices[55 * um] == 6
    # distances from the soma's centre (where its children start)
    np.testing.assert_allclose(soma.dend[10 * um : 50 * um].distance / um, [15, 25, 35, 45])


def test_coordinates_and_generated_coordinates():
    section = Cylinder(diameter=1 * um, n=4, x=[0, 40] * um, y=[0, 30] * um)
    np.testing.assert_allclose(section.length / um, [12.5] * 4)
    np.testing.assert_allclose(section.x / um, [5, 15, 25, 35])
    soma = Soma(10 * um)
    soma.dend = Cylinder(diameter=1 * um, length=100 * um, n=10)
    soma.dend.L = Cylinder(diameter=1 * um, length=50 * um, n=5)
    soma.dend.R = Cylinder(diameter=1 * um, length=50 * um, n=5)
    assert soma.dend.x is None
    placed = soma.generate_coordinates()
    for original, new in zip(soma.sections(), placed.sections(), strict=True):
        np.testing.assert_allclose(new.length / um, original.length / um)
    # Children start where their parent ends, and the two daughters go different ways.
    daughter, parent = placed.dend.L, placed.dend
    np.testing.assert_allclose(daughter.start_x[0] / um, parent.end_x[-1] / um)
    np.testing.assert_allclose(daughter.start_y[0] / um, parent.end_y[-1] / um)
    directions = []
    for daughter in (placed.dend.L, placed.dend.R):
        ends = [np.asarray(getattr(daughter, f"end_{a}")[-1] - getattr(daughter, f"start_{a}")[0])
                for a in "xyz"]  # fmt: skip
        directions.append(np.array(ends) / np.linalg.norm(ends))
    # Two daughters fan out 90 degrees apart.
    assert np.degrees(np.arccos(directions[0] @ directions[1])) == pytest.approx(90)
    np.random.seed(1)
    wiggly = soma.generate_coordinates(section_randomness=20, compartment_randomness=10)
    np.testing.assert_allclose(wiggly.dend.length / um, [10] * 10)


def test_swc_file():
    morpho = Morphology.from_file(SWC_FILE)
    assert morpho.total_compartments == 13 and morpho.total_sections == 5
    assert isinstance(morpho, Soma) and morpho.diameter[0] == 20 * um
    assert morpho.axon.n == 4 and morpho.dend.n == 3
    # The dendrite branches: its children by type name and by Brian's L/R names.
    assert morpho.dend.L is morpho.dend["dend"] and morpho.dend.R is morpho.dend["dend2"]
    np.testing.assert_allclose(morpho.axon.diameter / um, [2, 2, 1.8, 1.3])
    np.testing.assert_allclose(morpho.dend.L.end_y / um, [10, 20, 30])
    np.testing.assert_allclose(morpho.axon.distance / um, [5, 20, 45, 80])
    assert Morphology.from_swc_file(SWC_FILE).total_compartments == 13


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Cylinder(diameter=0 * um, length=10 * um), "diameters must be positive"),
        (lambda: Cylinder(diameter=-1 * um, length=10 * um), "diameters must be positive"),
        (lambda: Section(diameter=[1, 0, 1] * um, length=[5, 5] * um, n=2), "point 1"),
        (lambda: Soma(diameter=0 * um), "diameters must be positive"),
        (lambda: Cylinder(diameter=1 * mV, length=10 * um), "must be a length"),
        (lambda: Cylinder(diameter=1 * um, length=10 * um, n=0), "at least 1 compartment"),
        (lambda: Section(diameter=[1, 1] * um, length=[5, 5] * um, n=2), "3 diameters"),
        (lambda: Cylinder(diameter=1 * um), "either length or coordinates"),
    ],
)
def test_bad_sections(make, message):
    with pytest.raises(MorphologyError, match=message):
        make()


def test_bad_indices():
    soma = Soma(30 * um)
    soma.dend = Cylinder(diameter=1 * um, length=100 * um, n=10)
    with pytest.raises(MorphologyError, match="no compartment 10 in a section of 10"):
        soma.dend[10]
    with pytest.raises(MorphologyError, match="outside the section"):
        soma.dend[150 * um]
    with pytest.raises(MorphologyError, match="has no child 'axon'"):
        soma["axon"]
    with pytest.raises(MorphologyError, match="already has a child named 'dend'"):
        soma.dend = Cylinder(diameter=1 * um, length=10 * um)
    with pytest.raises(MorphologyError, match="only be the root"):
        soma.other = Soma(10 * um)
    assert soma.dend[1 * cm / 1000].indices[0] == 1 + 1  # 10 um: the second compartment
    assert meter  # (units imported for the test's expressions)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("1 1 0 0 0 5 -1\n2 3 10 0 0 1 7\n", "line 2: point 2 has parent 7, which is not"),
        ("1 1 0 0 0 5 -1\n2 3 10 0 0 1 1\n3 3 20 0 0 1 -1\n", "exactly one root"),
        ("1 1 0 0 0 5 -1\n2 3 10 0 0 0 1\n", "line 2: point 2 has a radius of 0"),
        ("1 1 0 0 0 5 -1\n2 3 10 0 0 1\n", "line 2: 7 values expected"),
        ("1 1 0 0 0 5 -1\n2 3 ten 0 0 1 1\n", "line 2: not an SWC row"),
        ("1 1 0 0 0 5 -1\n2 3 10 0 0 1 3\n3 3 20 0 0 1 2\n", "not connected to the root"),
    ],
)
def test_broken_swc_files(tmp_path, rows, message):
    path = tmp_path / "broken.swc"
    path.write_text(rows)
    with pytest.raises(MorphologyError, match=message):
        Morphology.from_file(path)


THREE_POINT_SOMA = """# NeuroMorpho's three-point soma: a centre and two points one radius away
1 1 0 0 0 5 -1
2 1 0 -5 0 5 1
3 1 0 5 0 5 1
4 3 10 0 0 1 1
5 3 20 0 0 1 4
"""


def test_a_three_point_soma_is_one_spherical_soma(tmp_path):
    path = tmp_path / "three_point.swc"
    path.write_text(THREE_POINT_SOMA)
    morphology = Morphology.from_file(path)
    assert isinstance(morphology, Soma)
    assert morphology.total_compartments == 1 + 2  # the soma and the dendrite's two points
    assert float(morphology.area[0] / (np.pi * (10 * um) ** 2)) == pytest.approx(1, rel=1e-12)
    # Brian 2.9.0 reads this file as a Soma of 314.159 um^2 with a dendrite of two 10 um
    # compartments at distances 5 and 15 um, diameter 2 um.
    np.testing.assert_allclose(np.asarray(morphology.dend.distance / um), [5, 15], rtol=1e-12)
    np.testing.assert_allclose(np.asarray(morphology.dend.diameter / um), [2, 2], rtol=1e-12)
    path.write_text(THREE_POINT_SOMA.replace("2 1 0 -5 0 5 1", "2 1 0 -4 0 5 1"))
    with pytest.raises(MorphologyError, match="lines 2, 3, 4: .* lie 4.000 and 5.000 um"):
        Morphology.from_file(path)
    path.write_text(THREE_POINT_SOMA.replace("3 1 0 5 0 5 1", "3 1 0 5 0 4 1"))
    with pytest.raises(MorphologyError, match="one radius on its three points"):
        Morphology.from_file(path)


def test_from_points_takes_brians_points_with_type_names():
    points = [
        (1, "soma", 0, 0, 0, 10, -1), (2, "soma", 0, -5, 0, 10, 1), (3, "soma", 0, 5, 0, 10, 1),
        (4, "dend", 10, 0, 0, 2, 1), (5, "dend", 20, 0, 0, 2, 4),
    ]  # fmt: skip
    morphology = Morphology.from_points(points)
    from_file = Morphology.from_points(
        [(i, {"soma": 1, "dend": 3}[t], x, y, z, d, p) for i, t, x, y, z, d, p in points]
    )
    assert isinstance(morphology, Soma) and morphology.total_compartments == 3
    np.testing.assert_array_equal(morphology.dend.distance, from_file.dend.distance)
    with pytest.raises(MorphologyError, match="point 1 has 6 values; expected 7"):
        Morphology.from_points([points[0], points[1][:6]])
