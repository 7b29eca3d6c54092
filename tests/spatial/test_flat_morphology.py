"""``SpatialNeuron.flat_morphology`` against Brian 2.9.0's (tests/spatial/reference/
flat_morphology.json, made by make_flat_reference.py from the trees of models.py)."""

import json
from pathlib import Path

import numpy as np
import pytest

import axonal
from tests.spatial.models import FLAT_FIELDS, flat_morphologies

REFERENCE = json.loads((Path(__file__).parent / "reference" / "flat_morphology.json").read_text())
OURS = flat_morphologies(axonal)


@pytest.mark.parametrize("tree", ["soma", "branched", "swc"])
def test_flat_morphology_as_brian2(tree):
    ours, theirs = OURS[tree], REFERENCE[tree]
    for field in FLAT_FIELDS:
        if theirs[field] is None or isinstance(theirs[field], bool | int):
            assert ours[field] == theirs[field], field
        else:
            np.testing.assert_allclose(ours[field], theirs[field], rtol=1e-12, err_msg=field)
    assert ours["dtypes"] == theirs["dtypes"]


def test_flat_morphology_is_the_neurons_own_numbering():
    """The flat arrays are the neuron's compartments: its variables, section by section."""
    morpho = axonal.Morphology.from_file(
        str(Path(__file__).parent / "data" / "ball_and_branches.swc")
    )
    neuron = axonal.SpatialNeuron(morpho, "Im = 0*amp/meter**2 : amp/meter**2")
    flat = neuron.flat_morphology
    for name in ("length", "distance", "area", "volume", "diameter", "r_length_1", "x"):
        np.testing.assert_array_equal(getattr(flat, name), getattr(neuron, name + "_"))
    section = morpho.dend.dend2
    s = morpho.sections().index(section)
    assert (flat.starts[s], flat.ends[s]) == (section.start_index, section.start_index + section.n)
    assert flat.morph_parent_i[s] - 1 == morpho.sections().index(morpho.dend)
