"""PyNN's MultiCompartmentNeuron on axonal.pynn against cable theory and PyNN's semantics.

PyNN's own scenario (NEURON's and Arbor's spike times) runs in test_conformance.py; here: the
steady state of a passive ball-and-stick under a current step against the closed form of a
sealed-end cable, cells of one Population that do not touch each other, gating variables
starting at their steady state, distributions over labelled sections, and bad input.
"""

import numpy as np
import pytest

sim = pytest.importorskip("axonal.pynn")
neuroml = pytest.importorskip("neuroml")
pytest.importorskip("morphio")
from neuroml import Morphology, Segment  # noqa: E402
from neuroml import Point3DWithDiam as P  # noqa: E402
from pyNN import errors  # noqa: E402
from pyNN.parameters import IonicSpecies  # noqa: E402

from axonal.pynn.ion_channels import steady_state  # noqa: E402

SOMA_D, DEND_D, DEND_L = 18.8, 2.0, 500.0  # um
G_PAS, E_PAS, RA, CM = 3e-4, -65.0, 100.0, 1.0  # S/cm2, mV, ohm.cm, uF/cm2


def ball_and_stick():
    soma = Segment(proximal=P(x=SOMA_D, y=0, z=0, diameter=SOMA_D),
                   distal=P(x=0, y=0, z=0, diameter=SOMA_D), name="soma", id=0)  # fmt: skip
    dend = Segment(proximal=P(x=0, y=0, z=0, diameter=DEND_D),
                   distal=P(x=-DEND_L, y=0, z=0, diameter=DEND_D), name="dendrite",
                   parent=soma, id=1)  # fmt: skip
    return sim.morphology.NeuroMLMorphology(Morphology(segments=(soma, dend)))


def cell_class(channels):
    class Cell(sim.MultiCompartmentNeuron):
        ion_channels = channels

    return Cell


def passive_cell(**extra):
    return cell_class({"pas": sim.PassiveLeak})(
        morphology=ball_and_stick(),
        cm=CM,
        Ra=RA,
        ionic_species={},
        pas={"conductance_density": sim.morphology.uniform("all", G_PAS), "e_rev": E_PAS},
        **extra,
    )


def hh_cell():
    return cell_class({"pas": sim.PassiveLeak, "na": sim.NaChannel, "kdr": sim.KdrChannel})(
        morphology=ball_and_stick(),
        cm=1.0,
        Ra=500.0,
        ionic_species={
            "na": IonicSpecies("na", reversal_potential=50.0),
            "k": IonicSpecies("k", reversal_potential=-77.0),
        },  # fmt: skip
        pas={"conductance_density": sim.morphology.uniform("all", 3e-4), "e_rev": -54.3},
        na={"conductance_density": sim.morphology.uniform("soma", 0.12)},
        kdr={"conductance_density": sim.morphology.uniform("soma", 0.036)},
    )


def sealed_cable_conductance(diameter_um, length_um):
    """Input conductance (uS) of a passive cylinder with a sealed far end."""
    d, length = diameter_um * 1e-4, length_um * 1e-4  # cm
    rm, ri = 1 / G_PAS, RA  # ohm.cm2, ohm.cm
    space_constant = np.sqrt(d * rm / (4 * ri))
    g_infinite = np.pi * d**2 / (4 * ri * space_constant)
    return g_infinite * np.tanh(length / space_constant) * 1e6


def test_passive_ball_and_stick_settles_where_cable_theory_says_and_cells_do_not_touch():
    sim.setup(timestep=0.025)
    cells = sim.Population(3, passive_cell(), initial_values={"v": E_PAS})
    step = sim.DCSource(start=0.0, stop=1e9, amplitude=0.05)  # nA
    cells[1].inject(step, location="soma")
    cells.record("v")
    sim.run(100.0)  # 30 membrane time constants (cm/g_pas = 3.3 ms)
    v = cells.get_data().segments[0].analogsignals[0]
    final = np.asarray(v)[-1]
    soma_g = G_PAS * np.pi * SOMA_D * SOMA_D * 1e-8 * 1e6  # the soma cylinder's side, uS
    expected = E_PAS + 0.05 / (soma_g + sealed_cable_conductance(DEND_D, DEND_L))
    # d_lambda discretisation (29 compartments) and the soma's own axial resistance: < 0.5 %
    assert final[1] - E_PAS == pytest.approx(expected - E_PAS, rel=5e-3)
    assert final[1] - E_PAS > 1.0
    # the other two cells of the Population hold their potential: up to rounding (the 1e-30 S
    # joins of the cells' trees would pass ~1e-21 mV; a coupling would pass millivolts)
    assert np.abs(np.asarray(v)[:, [0, 2]] - E_PAS).max() < 1e-9
    sim.end()


def test_gates_start_at_steady_state_and_reset_replays_the_same_spikes():
    sim.setup(timestep=0.025)
    cells = sim.Population(2, hh_cell(), initial_values={"v": -60.0})
    sim.DCSource(start=20.0, stop=60.0, amplitude=0.15).inject_into(cells[1:2], location="soma")
    cells.record(["spikes", "v", "na.m", "kdr.n"])
    assert set(cells.celltype.recordable) >= {"spikes", "v", "na.m", "na.h", "kdr.n"}
    sim.run(80.0)
    first = cells.get_data().segments[0]
    m = first.filter(name="na.m")[0]
    assert np.asarray(m)[0] == pytest.approx(steady_state("m", np.array([-60.0, -60.0])))
    trains = first.spiketrains
    assert len(trains[0]) == 0 and len(trains[1]) >= 2
    sim.reset()
    sim.run(80.0)
    again = cells.get_data().segments[1].spiketrains
    assert np.array_equal(np.asarray(again[1]), np.asarray(trains[1]))
    sim.end()


def test_distributions_choose_sections_by_label_and_distance():
    sim.setup(timestep=0.025)
    cell = cell_class({"pas": sim.PassiveLeak})(
        morphology=ball_and_stick(),
        cm=CM,
        Ra=RA,
        ionic_species={},
        pas={
            "conductance_density": sim.morphology.by_distance("dendrite", lambda d: 1e-4 * d),
            "e_rev": sim.morphology.uniform("soma", -70.0, absence=-60.0),
        },
    )
    cells = sim.Population(1, cell)
    group = cells.axonal_group
    distance = np.asarray(group.distance) * 1e6  # um from the root's start
    g = np.asarray(group.g_pas) * 1e-4  # S/cm2
    e = np.asarray(group.e_pas) * 1e3
    assert g[0] == 0.0 and e[0] == -70.0  # the soma: not a dendrite, labelled soma
    assert np.allclose(g[1:], 1e-4 * distance[1:])
    assert np.all(e[1:] == -60.0)
    sim.end()


def test_bad_input_names_the_population_and_what_was_expected():
    sim.setup(timestep=0.025)
    cells = sim.Population(2, passive_cell(), label="balls")
    source = sim.DCSource(amplitude=0.1)
    with pytest.raises(errors.InvalidParameterValueError, match=r"balls: no section .*'apical'"):
        cells[0].inject(source, location="apical")
    points = sim.Population(1, sim.IF_cond_exp(), label="points")
    with pytest.raises(errors.InvalidParameterValueError, match="points: location='soma' needs"):
        points[0].inject(source, location="soma")
    with pytest.raises(errors.InvalidParameterValueError, match="na channel needs .*'na'"):
        sim.Population(
            1,
            cell_class({"na": sim.NaChannel})(
                morphology=ball_and_stick(), ionic_species={}, na={"conductance_density": 0.12}
            ),
        )
    assert cells.get("Ra") == RA
    with pytest.raises(errors.InvalidParameterValueError, match="balls: the parameters of mult"):
        cells.set(Ra=200.0)
    with pytest.raises(errors.NonExistentParameterError, match="Raa"):
        passive_cell(Raa=100.0)
    with pytest.raises(errors.InvalidParameterValueError, match="needs a morphology"):
        sim.Population(1, cell_class({})(), label="shapeless")
    with pytest.raises(errors.ConnectionError):
        sim.Projection(points, cells, sim.AllToAllConnector(), receptor_type="excitatory")
    sim.end()
