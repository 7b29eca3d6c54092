"""Compartmental models written once with the Brian 2 API: run by axonal in the tests and by
Brian 2.9.0 in tests/spatial/make_trace_reference.py, whose results are stored in
tests/spatial/reference/traces.json, and by both in benchmarks/spatial_bench.py (``hh_axon``,
``ball_and_stick``). ``b`` is the simulator's namespace (``brian2`` or ``axonal``); the
trace models return what they recorded, as plain lists in SI units."""

from pathlib import Path

import numpy as np

SWC_FILE = Path(__file__).parent / "data" / "ball_and_branches.swc"
SAMPLE_EVERY = 4  # recorded steps kept (traces stay small)

HH_EQUATIONS = """
Im = gL*(EL - v) + gNa*m**3*h*(ENa - v) + gK*n**4*(EK - v) : amp/meter**2
I : amp (point current)
dm/dt = alpham*(1 - m) - betam*m : 1
dn/dt = alphan*(1 - n) - betan*n : 1
dh/dt = alphah*(1 - h) - betah*h : 1
alpham = (0.1/mV)*10*mV/exprel((-v + 25*mV + VT)/(10*mV))/ms : Hz
betam = 4*exp(-(v - VT)/(18*mV))/ms : Hz
alphah = 0.07*exp(-(v - VT)/(20*mV))/ms : Hz
betah = 1/(exp((-v + 30*mV + VT)/(10*mV)) + 1)/ms : Hz
alphan = (0.01/mV)*10*mV/exprel((-v + 10*mV + VT)/(10*mV))/ms : Hz
betan = 0.125*exp(-(v - VT)/(80*mV))/ms : Hz
gNa : siemens/meter**2
gK : siemens/meter**2
"""


def _hh_namespace(b) -> dict:
    return {
        "gL": 1e-4 * b.siemens / b.cm**2, "EL": -65 * b.mV, "ENa": 50 * b.mV,
        "EK": -77 * b.mV, "VT": -65 * b.mV,
    }  # fmt: skip


def _trace(b, monitor, name="v") -> list:
    values = np.asarray(getattr(monitor, name + "_"))[:, ::SAMPLE_EVERY]
    return values.tolist()


def ball_and_stick_hh(b) -> dict:
    """A soma with a passive dendrite and an HH axon; a pulse into the soma fires spikes that
    travel down the axon; the threshold is tested at the axon's far end."""
    b.start_scope()
    b.defaultclock.dt = 0.025 * b.ms
    morpho = b.Soma(diameter=20 * b.um)
    morpho.dend = b.Cylinder(diameter=2 * b.um, length=200 * b.um, n=20)
    morpho.axon = b.Cylinder(diameter=1 * b.um, length=600 * b.um, n=60)
    neuron = b.SpatialNeuron(
        morphology=morpho, model=HH_EQUATIONS, Cm=1 * b.uF / b.cm**2, Ri=100 * b.ohm * b.cm,
        method="exponential_euler", threshold="v > 0*mV", refractory="v > 0*mV",
        threshold_location=morpho.axon[-1], namespace=_hh_namespace(b),
    )  # fmt: skip
    neuron.v = -65 * b.mV
    neuron.h = 1
    neuron.m = 0
    neuron.n = 0.5
    neuron.gNa = 0 * b.siemens / b.cm**2
    neuron.gK = 0 * b.siemens / b.cm**2
    neuron.main.gNa = 120 * b.msiemens / b.cm**2
    neuron.main.gK = 36 * b.msiemens / b.cm**2
    neuron.axon.gNa = 120 * b.msiemens / b.cm**2
    neuron.axon.gK = 36 * b.msiemens / b.cm**2
    record = [0, int(morpho.dend.indices[-1]), int(morpho.axon.indices[30 * b.um]),
              int(morpho.axon.indices[-1])]  # fmt: skip
    monitor = b.StateMonitor(neuron, "v", record=record)
    spikes = b.SpikeMonitor(neuron)
    network = b.Network(neuron, monitor, spikes)
    network.run(2 * b.ms)
    neuron.I[0] = 0.5 * b.nA
    network.run(20 * b.ms)
    neuron.I[0] = 0 * b.nA
    network.run(8 * b.ms)
    return {
        "v": _trace(b, monitor), "spike_i": np.asarray(spikes.i).tolist(),
        "spike_t": np.asarray(spikes.t_).tolist(),
    }  # fmt: skip


def bipolar_synapses(b) -> dict:
    """A soma with two passive dendrites; synapses from spike generators onto the dendrites'
    tips open a conductance in one compartment each."""
    b.start_scope()
    b.defaultclock.dt = 0.05 * b.ms
    morpho = b.Soma(30 * b.um)
    morpho.L = b.Cylinder(diameter=1 * b.um, length=100 * b.um, n=10)
    morpho.R = b.Cylinder(diameter=1 * b.um, length=150 * b.um, n=15)
    equations = """
    Im = gL*(EL - v) : amp/meter**2
    Is = gs*(Es - v) : amp (point current)
    dgs/dt = -gs/taus : siemens
    """
    namespace = {
        "gL": 1e-4 * b.siemens / b.cm**2, "EL": -70 * b.mV, "Es": 0 * b.mV,
        "taus": 1 * b.ms,
    }  # fmt: skip
    neuron = b.SpatialNeuron(
        morphology=morpho, model=equations, Cm=1 * b.uF / b.cm**2, Ri=100 * b.ohm * b.cm,
        method="exact", namespace=namespace,
    )  # fmt: skip
    neuron.v = -70 * b.mV
    stimulus = b.SpikeGeneratorGroup(2, [0, 1, 0], [5, 15, 25] * b.ms)
    synapses = b.Synapses(stimulus, neuron, on_pre="gs += w", namespace={"w": 20 * b.nS})
    synapses.connect(i=0, j=morpho.L[-1])
    synapses.connect(i=1, j=morpho.R[-1])
    record = [0, 5, int(morpho.L.indices[-1]), 18, int(morpho.R.indices[-1])]
    monitor = b.StateMonitor(neuron, "v", record=record)
    b.Network(neuron, stimulus, synapses, monitor).run(40 * b.ms)
    return {"v": _trace(b, monitor)}


def swc_passive(b) -> dict:
    """The SWC test neuron, passive, a current step into the soma."""
    b.start_scope()
    b.defaultclock.dt = 0.05 * b.ms
    morpho = b.Morphology.from_file(str(SWC_FILE))
    equations = """
    Im = gL*(EL - v) : amp/meter**2
    I : amp (point current)
    """
    neuron = b.SpatialNeuron(
        morphology=morpho, model=equations, Cm=1 * b.uF / b.cm**2, Ri=150 * b.ohm * b.cm,
        namespace={"gL": 2e-4 * b.siemens / b.cm**2, "EL": -70 * b.mV},
    )  # fmt: skip
    neuron.v = -70 * b.mV
    monitor = b.StateMonitor(neuron, "v", record=[0, 4, 7, 10, 12])
    network = b.Network(neuron, monitor)
    neuron.I[0] = 0.1 * b.nA
    network.run(10 * b.ms)
    return {
        "v": _trace(b, monitor),
        "area": np.asarray(neuron.area_).tolist(),
        "distance": np.asarray(neuron.distance_).tolist(),
        "space_constant": np.asarray(neuron.space_constant[:]).tolist(),
    }


def hh_axon(b) -> tuple[list, list, int]:
    """An axon of 1,000 compartments (1 um, 10 mm) with HH channels, a 0.5 ms pulse into its
    first compartment every 20 ms, spikes counted at its far end (threshold_location): each
    counted spike has travelled the whole axon. Returns (objects, spike monitors,
    compartments)."""
    morpho = b.Cylinder(diameter=1 * b.um, length=10 * b.mm, n=1000)
    neuron = b.SpatialNeuron(
        morphology=morpho, model=HH_EQUATIONS, Cm=1 * b.uF / b.cm**2, Ri=100 * b.ohm * b.cm,
        method="exponential_euler", threshold="v > 0*mV", refractory="v > 0*mV",
        threshold_location=999, namespace=_hh_namespace(b),
    )  # fmt: skip
    neuron.v = -65 * b.mV
    neuron.h = 1
    neuron.gNa = 120 * b.msiemens / b.cm**2
    neuron.gK = 36 * b.msiemens / b.cm**2
    neuron.run_regularly("I = 1*nA * int(i == 0) * int(t % (20*ms) < 0.5*ms)", dt=None)
    spikes = b.SpikeMonitor(neuron)
    return [neuron, spikes], [spikes], 1000


def ball_and_stick(b, neurons: int = 100) -> tuple[list, list, int]:
    """``neurons`` ball-and-stick neurons, each a soma with HH channels and a passive dendrite
    of 49 compartments (50 per neuron), driven by its own constant current (0.2 nA + 4 pA per
    neuron), each with a spike monitor. Returns (objects, spike monitors, compartments)."""
    objects, monitors = [], []
    for k in range(neurons):
        morpho = b.Soma(diameter=20 * b.um)
        morpho.dend = b.Cylinder(diameter=1 * b.um, length=500 * b.um, n=49)
        neuron = b.SpatialNeuron(
            morphology=morpho, model=HH_EQUATIONS, Cm=1 * b.uF / b.cm**2,
            Ri=100 * b.ohm * b.cm, method="exponential_euler", threshold="v > 0*mV",
            refractory="v > 0*mV", threshold_location=0, namespace=_hh_namespace(b),
        )  # fmt: skip
        neuron.v = -65 * b.mV
        neuron.h = 1
        neuron.main.gNa = 120 * b.msiemens / b.cm**2
        neuron.main.gK = 36 * b.msiemens / b.cm**2
        neuron.I[0] = (0.2 + 0.004 * k) * b.nA
        spikes = b.SpikeMonitor(neuron)
        objects += [neuron, spikes]
        monitors.append(spikes)
    return objects, monitors, 50 * neurons


MODELS = {"ball_and_stick_hh": ball_and_stick_hh, "bipolar_synapses": bipolar_synapses,
          "swc_passive": swc_passive}  # fmt: skip


FLAT_FIELDS = (
    "n", "sections", "length", "distance", "area", "volume", "diameter", "r_length_1",
    "r_length_2", "depth", "starts", "ends", "end_distance", "morph_parent_i",
    "morph_children_num", "morph_children", "morph_idxchild", "has_coordinates",
    "x", "y", "z", "start_x", "start_y", "start_z", "end_x", "end_y", "end_z",
)  # fmt: skip


def flat_morphologies(b) -> dict:
    """``SpatialNeuron.flat_morphology`` of three trees (a lone soma; a branched tree with a
    tapering section and no coordinates; the SWC test file, with coordinates), as plain lists
    and their dtypes."""
    branched = b.Soma(diameter=20 * b.um)
    branched.dend = b.Cylinder(diameter=1 * b.um, length=100 * b.um, n=3)
    branched.dend.a = b.Cylinder(diameter=0.5 * b.um, length=50 * b.um, n=2)
    branched.dend.b = b.Section(diameter=[1, 0.8, 0.6] * b.um, length=[10, 20] * b.um, n=2)
    branched.axon = b.Cylinder(diameter=1 * b.um, length=30 * b.um, n=2)
    trees = {"soma": b.Soma(diameter=10 * b.um), "branched": branched,
             "swc": b.Morphology.from_file(str(SWC_FILE))}  # fmt: skip
    results = {}
    for name, morphology in trees.items():
        flat = b.SpatialNeuron(morphology, "Im = 0*amp/meter**2 : amp/meter**2").flat_morphology
        values = {field: getattr(flat, field) for field in FLAT_FIELDS}
        results[name] = {
            field: None if value is None else np.asarray(value).tolist()
            for field, value in values.items()
        }
        results[name]["dtypes"] = {
            field: str(value.dtype) for field, value in values.items()
            if isinstance(value, np.ndarray)
        }  # fmt: skip
    return results
