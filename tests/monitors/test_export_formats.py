"""Monitors to neo, NWB, HDF5 and pandas, and back: round trips keep values, units and indices."""

import numpy as np
import pytest

import axonal
from axonal import (
    NeuronGroup,
    PopulationRateMonitor,
    SpikeMonitor,
    StateMonitor,
    ms,
    mV,
    run,
)
from axonal.monitors import (
    read_hdf5,
    read_nwb_series,
    spike_generator_from_neo,
    spike_generator_from_nwb,
    spikes_from_nwb,
    to_hdf5,
    to_nwb,
)

neo = pytest.importorskip("neo")
pq = pytest.importorskip("quantities")
pytest.importorskip("pynwb")
pytest.importorskip("h5py")


@pytest.fixture
def recorded():
    """A small noisy population with all three monitors, run 100 ms on the session target."""
    axonal.start_scope()
    axonal.seed(5)
    group = NeuronGroup(
        12,
        """dv/dt = (-65*mV - v + 20*mV*1.2)/(10*ms) + 4*mV*xi/sqrt(10*ms) : volt
           w = v/mV : 1""",
        threshold="v > -50*mV",
        reset="v = -65*mV",
        method="euler",
    )
    group.v = -65 * mV
    spikes = SpikeMonitor(group, variables="v")
    spikes_plain = SpikeMonitor(group)
    state = StateMonitor(group, ["v", "w"], record=[1, 4, 7])
    rate = PopulationRateMonitor(group)
    run(100 * ms)
    assert spikes.num_spikes > 10
    return {"spikes": spikes_plain, "spikes_v": spikes, "state": state, "rate": rate}


def test_to_neo_spike_trains(recorded):
    spikes = recorded["spikes_v"]
    block = spikes.to_neo()
    assert isinstance(block, neo.Block) and len(block.segments) == 1
    trains = block.segments[0].spiketrains
    assert len(trains) == 12
    for index, train in enumerate(trains):
        expected = np.asarray(spikes.spike_trains()[index])
        assert train.annotations["index"] == index
        assert train.annotations["source"] == spikes.source.name
        assert np.allclose(train.times.rescale("s").magnitude, expected)
        assert float(train.t_stop.rescale("ms")) == pytest.approx(100)
        # the recorded v at each spike, in SI volts, with its unit noted
        assert np.allclose(train.array_annotations["v"], spikes.values("v")[index] / mV * 1e-3)
        assert train.annotations["v_unit"] == "V"


def test_to_neo_analog_signals_keep_units(recorded):
    state, rate = recorded["state"], recorded["rate"]
    signals = state.to_neo().segments[0].analogsignals
    v, w = signals
    assert v.name == "v" and str(v.units.dimensionality) == "V"
    assert v.shape == (len(state.t), 3)
    assert np.allclose(v.rescale("mV").magnitude.T, state.v / mV)
    assert list(v.array_annotations["index"]) == [1, 4, 7]
    assert float(v.sampling_period.rescale("ms")) == pytest.approx(0.1)
    assert w.units == pq.dimensionless
    rates = rate.to_neo().segments[0].analogsignals[0]
    assert np.allclose(rates.rescale("Hz").magnitude.ravel(), np.asarray(rate.rate))


def test_neo_spikes_back_to_a_generator_reproduce_the_spikes(recorded):
    spikes = recorded["spikes"]
    generator = spike_generator_from_neo(spikes.to_neo())
    assert generator.N == 12
    replay = SpikeMonitor(generator)
    net = axonal.Network(generator, replay)
    net.run(100 * ms)
    assert np.array_equal(replay.i, spikes.i)
    assert np.allclose(replay.t_, spikes.t_)


def test_nwb_round_trip(recorded, tmp_path):
    spikes, state, rate = recorded["spikes"], recorded["state"], recorded["rate"]
    path = to_nwb(tmp_path / "run.nwb", spikes, state, rate, experimenter=["axonal tests"])
    indices, times, size = spikes_from_nwb(path)
    assert size == 12
    order = np.lexsort((spikes.i, spikes.t_))
    assert np.array_equal(indices, spikes.i[order])
    assert np.allclose(np.asarray(times), spikes.t_[order])
    t, v = read_nwb_series(path, f"{state.name}_v")
    assert np.allclose(np.asarray(t), state.t_)
    assert np.allclose(v / mV, state.v.T / mV)
    t_rate, values = read_nwb_series(path, f"{rate.name}_rate")
    assert np.allclose(values, rate.rate) and len(t_rate) == len(rate.t)
    # and back as input: a generator replays the same spikes
    generator = spike_generator_from_nwb(path, source=spikes.source.name)
    replay = SpikeMonitor(generator)
    axonal.Network(generator, replay).run(100 * ms)
    assert np.array_equal(replay.i, spikes.i) and np.allclose(replay.t_, spikes.t_)
    with pytest.raises(ValueError, match="no units of 'nope'"):
        spikes_from_nwb(path, source="nope")
    with pytest.raises(KeyError, match="has no TimeSeries"):
        read_nwb_series(path, "missing")


def test_monitor_to_nwb_method_writes_a_units_table(recorded, tmp_path):
    import pynwb

    path = recorded["spikes"].to_nwb(tmp_path / "spikes.nwb", session_description="test run")
    with pynwb.NWBHDF5IO(str(path), "r") as io:
        nwbfile = io.read()
        assert nwbfile.session_description == "test run"
        assert len(nwbfile.units) == 12
        assert list(nwbfile.units["neuron_index"][:]) == list(range(12))
        assert np.allclose(nwbfile.units["obs_intervals"][0], [[0.0, 0.1]])


def test_hdf5_round_trip(recorded, tmp_path):
    spikes, state, rate = recorded["spikes_v"], recorded["state"], recorded["rate"]
    path = tmp_path / "run.h5"
    to_hdf5(path, spikes, rate)
    state.to_hdf5(path)  # added to the same file
    stored = read_hdf5(path)
    assert set(stored) == {spikes.name, state.name, rate.name}
    back = stored[spikes.name]
    assert np.array_equal(back["i"], spikes.i)
    assert np.allclose(back["t"] / ms, spikes.t / ms)
    assert np.allclose(back["v"] / mV, spikes.v / mV)
    assert back["attrs"]["kind"] == "SpikeMonitor" and back["attrs"]["source_N"] == 12
    traces = read_hdf5(path, state.name)
    assert np.allclose(traces["v"] / mV, state.v / mV)
    assert np.allclose(traces["w"], state.w)
    assert list(traces["record"]) == [1, 4, 7]
    assert np.allclose(stored[rate.name]["rate"], rate.rate)
    with pytest.raises(KeyError, match="has no monitor"):
        read_hdf5(path, "missing")


def test_dataframe_notes_units(recorded):
    pytest.importorskip("pandas")
    frame = recorded["state"].to_dataframe()
    assert frame.attrs["units"] == {"t": "s", "i": "", "v": "V", "w": ""}
    assert np.allclose(frame["v"].to_numpy().reshape(-1, 3), recorded["state"].v.T / mV * 1e-3)


def test_export_refuses_what_it_cannot_write(tmp_path):
    with pytest.raises(TypeError, match="at least one monitor"):
        to_nwb(tmp_path / "x.nwb")
    with pytest.raises(TypeError, match="cannot export"):
        to_hdf5(tmp_path / "x.h5", object())
    with pytest.raises(ValueError, match="no spike trains"):
        spike_generator_from_neo([])
