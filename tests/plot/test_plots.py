"""axonal.plot: figures rendered to PNG (Agg), their axes, labels and plotted data checked."""

import shutil
import subprocess
import sys

import numpy as np
import pytest

import axonal
from axonal import (
    Network,
    NeuronGroup,
    PopulationRateMonitor,
    SpikeMonitor,
    StateMonitor,
    Synapses,
    ms,
    mV,
    run,
    second,
)

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from axonal.plot import (  # noqa: E402
    brian_plot,
    plot_morphology,
    plot_network,
    plot_raster,
    plot_rate,
    plot_state,
    plot_synapses,
)
from axonal.plot.network import network_dot, network_graph  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def model():
    axonal.start_scope()
    axonal.seed(8)
    group = NeuronGroup(
        30,
        "dv/dt = (-60*mV - v + 15*mV)/(10*ms) + 3*mV*xi/sqrt(10*ms) : volt",
        threshold="v > -50*mV",
        reset="v = -60*mV",
        method="euler",
    )
    group.v = -60 * mV
    targets = NeuronGroup(10, "dv/dt = -v/(10*ms) : volt", method="exact")
    synapses = Synapses(group, targets, "w : volt", on_pre="v += w")
    synapses.connect(p=0.3)
    synapses.w = "i*0.1*mV"
    spikes = SpikeMonitor(group)
    state = StateMonitor(group, "v", record=[0, 5])
    rate = PopulationRateMonitor(group)
    run(80 * ms)
    return locals()


def rendered(ax, tmp_path) -> bytes:
    path = tmp_path / "figure.png"
    ax.figure.savefig(path, dpi=50)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return data


def test_raster_plots_every_spike(model, tmp_path):
    spikes = model["spikes"]
    _, given = plt.subplots()
    ax = plot_raster(spikes, ax=given)
    assert ax is given
    (line,) = ax.get_lines()
    assert np.allclose(line.get_xdata(), spikes.t / ms)
    assert np.array_equal(line.get_ydata(), spikes.i)
    assert ax.get_xlabel() == "time (ms)" and ax.get_ylabel() == "neuron index"
    assert ax.get_ylim() == (-0.5, 29.5) and ax.get_xlim() == pytest.approx((0, 80))
    rendered(ax, tmp_path)
    # indices and times given directly, in seconds on request
    ax = plot_raster(spikes.i, spikes.t, time_unit=second)
    assert ax.get_xlabel() == "time (s)"
    assert np.allclose(ax.get_lines()[0].get_xdata(), spikes.t_)
    with pytest.raises(ValueError, match="expected times with units"):
        plot_raster([1, 2], np.array([0.1, 0.2]))
    with pytest.raises(ValueError, match="does not fit"):
        plot_raster(spikes, time_unit=mV)


def test_rate_plot_raw_and_smoothed(model, tmp_path):
    from axonal.analysis.rates import smooth_signal

    rate = model["rate"]
    ax = plot_rate(rate)
    (line,) = ax.get_lines()
    assert np.allclose(line.get_xdata(), rate.t / ms)
    assert np.allclose(line.get_ydata(), np.asarray(rate.rate))
    assert ax.get_ylabel() == "rate (Hz)" and ax.get_xlabel() == "time (ms)"
    ax = plot_rate(rate, smooth=2 * ms)
    smoothed = smooth_signal(np.asarray(rate.rate), 1e-4, 2 * ms, "gaussian", "test")
    assert np.allclose(ax.get_lines()[0].get_ydata(), smoothed)
    # from the spikes: the same rate as the PopulationRateMonitor counted
    ax = plot_rate(model["spikes"])
    assert np.allclose(ax.get_lines()[0].get_ydata(), np.asarray(rate.rate))
    rendered(ax, tmp_path)
    with pytest.raises(ValueError, match="units of frequency"):
        plot_rate(rate.t, np.asarray(rate.rate))


def test_state_plot_traces_and_units(model, tmp_path):
    state = model["state"]
    ax = plot_state(state, "v")
    lines = ax.get_lines()
    assert len(lines) == 2
    assert np.allclose(lines[1].get_ydata(), state.v[1] / mV)
    assert np.allclose(lines[0].get_xdata(), state.t / ms)
    assert ax.get_ylabel() == "v (mV)"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["v[0]", "v[5]"]
    ax = plot_state(state, indices=[5], var_unit=mV * 1000)
    assert len(ax.get_lines()) == 1 and ax.get_ylabel().startswith("v (")
    assert np.allclose(ax.get_lines()[0].get_ydata(), state.v[1] / mV / 1000)
    rendered(ax, tmp_path)
    with pytest.raises(ValueError, match="does not record elements"):
        plot_state(state, indices=[3])
    with pytest.raises(ValueError, match="does not record 'u'"):
        plot_state(state, "u")


def test_synapse_plots_colour_by_weight(model, tmp_path):
    synapses = model["synapses"]
    ax = plot_synapses(synapses)
    dots = ax.collections[0]
    assert np.array_equal(dots.get_offsets()[:, 0], synapses.i[:])
    assert np.array_equal(dots.get_offsets()[:, 1], synapses.j[:])
    assert np.allclose(dots.get_array(), synapses.w[:] / mV)
    assert ax.get_xlabel() == "source neuron index"
    colourbar = ax.figure.axes[-1]
    assert colourbar.get_ylabel() == "w (mV)"
    rendered(ax, tmp_path)
    ax = plot_synapses(synapses, kind="matrix")
    image = ax.get_images()[0].get_array()
    assert image.shape == (10, 30)
    expected = np.zeros((10, 30))
    np.add.at(expected, (synapses.j[:], synapses.i[:]), synapses.w[:] / mV)
    present = np.zeros((10, 30), bool)
    present[synapses.j[:], synapses.i[:]] = True
    assert np.allclose(image.data[present], expected[present])
    assert np.all(image.mask == ~present)
    ax = plot_synapses(synapses, kind="graph")
    assert len(ax.collections[0].get_segments()) == len(synapses)
    rendered(ax, tmp_path)
    with pytest.raises(ValueError, match="kind must be one of"):
        plot_synapses(synapses, kind="pie")


def test_network_diagram(model, tmp_path):
    group, synapses = model["group"], model["synapses"]
    recurrent = Synapses(group[:20], group, on_pre="v += 0.1*mV")
    recurrent.connect(p=0.1)
    network = Network(group, model["targets"], synapses, recurrent)
    nodes, edges = network_graph(network.objects)
    assert nodes == {group.name: 30, model["targets"].name: 10, f"{group.name}[0:20]": 20}
    assert (group.name, model["targets"].name, synapses.name, len(synapses)) in edges
    for layout in ("circle", "spring"):
        if layout == "spring":
            pytest.importorskip("networkx")
        ax = plot_network(network, layout=layout)
        texts = [t.get_text() for t in ax.texts]
        assert f"{group.name}\nN=30" in texts
        assert f"{synapses.name}\n{len(synapses)} synapses" in texts
        assert ax.get_title() == "3 groups, 2 pathways"
        rendered(ax, tmp_path)


def test_network_as_graphviz_dot_text_and_layout(tmp_path):
    axonal.start_scope()
    layers = [NeuronGroup(n, "v : 1", name=f"layer{k}") for k, n in enumerate((30, 20, 10))]
    forward = [
        Synapses(a, b, name=f"ff{k}")
        for k, (a, b) in enumerate(zip(layers, layers[1:], strict=False))
    ]
    for pathway in forward:
        pathway.connect(p=0.5)
    objects = [*layers, *forward]
    text = network_dot(objects)
    assert text.startswith("digraph network {") and text.rstrip().endswith("}")
    assert '"layer0" [label="layer0\\nN=30"];' in text
    assert f'"layer1" -> "layer2" [label="ff1\\n{len(forward[1])} synapses"];' in text
    if shutil.which("dot") is None:
        with pytest.raises(ImportError, match="Graphviz's dot program"):
            plot_network(objects, layout="dot")
        return
    rendered_dot = subprocess.run(["dot", "-Tsvg"], input=text, capture_output=True, text=True)
    assert rendered_dot.returncode == 0 and "<svg" in rendered_dot.stdout  # valid DOT
    ax = plot_network(objects, layout="dot")
    centres = {
        t.get_text().split("\n")[0]: t.get_position() for t in ax.texts if "N=" in t.get_text()
    }
    # dot ranks a feed-forward chain from top to bottom
    assert centres["layer0"][1] > centres["layer1"][1] > centres["layer2"][1]
    rendered(ax, tmp_path)


def test_brian_plot_dispatches(model):
    assert brian_plot(model["spikes"]).get_ylabel() == "neuron index"
    assert brian_plot(model["rate"]).get_ylabel() == "rate (Hz)"
    assert brian_plot(model["state"]).get_ylabel() == "v (mV)"
    assert brian_plot(model["synapses"]).get_xlabel() == "source neuron index"
    assert brian_plot([model["group"]]).get_title() == "1 group, 0 pathways"
    with pytest.raises(TypeError, match="no plot for"):
        brian_plot(3)


def test_morphology_plot_draws_every_compartment_where_it_is_coloured_by_its_value(tmp_path):
    from matplotlib.collections import LineCollection
    from matplotlib.patches import Circle

    from axonal import um
    from axonal.spatial import Cylinder, Soma, SpatialNeuron

    axonal.start_scope()
    morpho = Soma(20 * um, x=5 * um, y=0 * um, z=0 * um)
    morpho.dend = Cylinder(diameter=2 * um, n=10, x=[0, 100] * um, y=[0, 50] * um)
    morpho.axon = Cylinder(diameter=1 * um, n=20, x=[0, -150] * um, z=[0, -20] * um)
    neuron = SpatialNeuron(
        morpho, "Im = 1e-4*siemens/cm**2*(-70*mV - v) : amp/meter**2", method="exact"
    )
    neuron.v = "-70*mV + 20*mV*distance/(150*um)"
    ax = plot_morphology(neuron, "v")
    (lines,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    segments = lines.get_segments()
    assert len(segments) == 30  # the cable compartments; the soma is a disc
    sections = morpho.sections()[1:]
    starts = np.concatenate([np.column_stack([s.start_x / um, s.start_y / um]) for s in sections])
    ends = np.concatenate([np.column_stack([s.end_x / um, s.end_y / um]) for s in sections])
    assert np.allclose([seg[0] for seg in segments], starts)
    assert np.allclose([seg[-1] for seg in segments], ends)
    assert np.allclose(segments[9][-1], [105, 50])  # the dendrite's tip, from the soma at x=5
    assert np.allclose(lines.get_array(), neuron.v[1:] / mV)  # colours are v, in mV
    assert lines.get_linewidths()[0] > lines.get_linewidths()[-1]  # dendrite thicker than axon
    (disc,) = [p for p in ax.patches if isinstance(p, Circle)]
    assert disc.get_radius() == pytest.approx(10) and disc.center == pytest.approx((5, 0))
    assert ax.get_xlabel() == "x (um)" and ax.get_ylabel() == "y (um)"
    assert ax.figure.axes[-1].get_ylabel() == "v (mV)"  # the colour bar
    rendered(ax, tmp_path)
    side = plot_morphology(morpho, plane="xz", colorbar=False)
    (tip,) = [c for c in side.collections if isinstance(c, LineCollection)]
    assert np.allclose(tip.get_segments()[-1][-1], [-145, -20])
    assert side.get_ylabel() == "z (um)"
    # without coordinates: a generated layout, every compartment drawn once
    plain_tree = Soma(10 * um)
    plain_tree.dend = Cylinder(diameter=1 * um, length=50 * um, n=5)
    generated = plot_morphology(plain_tree)
    assert len(generated.collections[0].get_segments()) == 5
    assert brian_plot(neuron).get_xlabel() == "x (um)"
    with pytest.raises(ValueError, match="31 values expected"):
        plot_morphology(neuron, np.zeros(3))
    with pytest.raises(ValueError, match="plane must be two of x, y, z"):
        plot_morphology(neuron, plane="xx")
    with pytest.raises(TypeError, match="expected a Morphology or a SpatialNeuron"):
        plot_morphology(3)


def test_importing_axonal_does_not_import_matplotlib():
    code = (
        "import sys, axonal, axonal.plot, axonal.analysis\n"
        "from axonal import *\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'\n"
        "assert 'elephant' not in sys.modules and 'neo' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
