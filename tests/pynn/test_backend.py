"""axonal.pynn against closed-form solutions, PyNN's semantics and its own error classes."""

import numpy as np
import pytest

sim = pytest.importorskip("axonal.pynn")
from pyNN import errors  # noqa: E402

DT = 0.1


def lif_voltage(t, v_rest, tau_m, cm, current):
    """Membrane potential (mV) of a LIF cell charged from rest by a constant current (nA)."""
    return v_rest + current / cm * tau_m * (1 - np.exp(-t / tau_m))


def test_heterogeneous_thresholds_resets_and_refractory_periods_are_honoured():
    sim.setup(timestep=DT)
    thresholds = np.array([-55.0, -52.0, -50.0])
    resets = np.array([-70.0, -60.0, -65.0])
    refractory = np.array([2.0, 5.0, 0.1])
    cells = sim.Population(
        3,
        sim.IF_curr_exp(
            i_offset=1.0,
            v_thresh=thresholds,
            v_reset=resets,
            tau_refrac=refractory,
            tau_m=20.0,
            cm=1.0,
            v_rest=-65.0,
        ),
    )
    cells.record(["spikes", "v"])
    sim.run(100.0)
    block = cells.get_data()
    sim.end()
    # first spike: where the charging curve crosses each threshold (within a step)
    crossing = -20.0 * np.log(1 - (thresholds + 65.0) / 20.0)
    trains = block.segments[0].spiketrains
    for k in range(3):
        first = float(trains[k][0])
        assert abs(first - crossing[k]) <= DT + 1e-9
        # the next crossing starts from the reset value after the refractory period
        again = refractory[k] - 20.0 * np.log(
            1 - (thresholds[k] - resets[k]) / (20.0 - (resets[k] + 65.0))
        )
        assert abs(float(trains[k][1]) - first - again) <= 2 * DT + 1e-9
    assert np.allclose(cells.get("v_thresh"), thresholds)
    assert np.allclose(cells.get("tau_refrac"), refractory)


def test_recorded_voltage_follows_the_charging_curve_from_the_start_of_a_dc_source():
    sim.setup(timestep=DT)
    cell = sim.Population(1, sim.IF_curr_alpha(v_thresh=100.0, tau_m=10.0, cm=0.5))
    source = sim.DCSource(amplitude=0.3, start=20.0, stop=60.0)
    source.inject_into(cell)
    cell.record("v")
    sim.run(50.0)
    v = np.asarray(cell.get_data().segments[0].analogsignals[0])[:, 0]
    sim.end()
    assert v.size == 501  # samples at 0, 0.1, ..., 50 ms
    assert np.all(v[:201] == -65.0)  # nothing before the start
    t = np.arange(201, 501) * DT - 20.0
    expected = lif_voltage(t, -65.0, 10.0, 0.5, 0.3)
    assert np.allclose(v[201:], expected, atol=1e-9)


def test_a_spike_reaches_its_target_after_exactly_its_delay():
    sim.setup(timestep=DT)
    source = sim.Population(1, sim.SpikeSourceArray(spike_times=[10.0]))
    cell = sim.Population(1, sim.IF_curr_exp(tau_syn_E=5.0, v_thresh=100.0))
    sim.Projection(source, cell, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.7, delay=1.5))
    cell.record("isyn_exc")
    source.record("spikes")
    sim.run(30.0)
    i_syn = np.asarray(cell.get_data().segments[0].analogsignals[0])[:, 0]
    spikes = source.get_data().segments[0].spiketrains[0]
    sim.end()
    assert np.allclose(np.asarray(spikes), [10.0])
    arrival = int(round(11.5 / DT))
    assert np.all(i_syn[:arrival] == 0.0)
    after = np.arange(arrival, i_syn.size)
    assert np.allclose(i_syn[after], 0.7 * np.exp(-(after - arrival) * DT / 5.0), rtol=1e-9)


def test_reset_starts_a_new_segment_from_the_initial_state_and_keeps_parameters():
    sim.setup(timestep=DT)
    cell = sim.Population(1, sim.IF_cond_exp(i_offset=0.5), initial_values={"v": -60.0})
    cell.record("v")
    sim.run(20.0)
    sim.reset()
    sim.run(20.0)
    cell.set(i_offset=0.0)
    sim.reset()
    sim.run(20.0)
    segments = cell.get_data().segments
    sim.end()
    assert len(segments) == 3
    first, second, third = (np.asarray(s.analogsignals[0])[:, 0] for s in segments)
    assert np.array_equal(first, second)
    assert first[0] == third[0] == -60.0
    assert np.allclose(third, -65.0 + 5.0 * np.exp(-np.arange(third.size) * DT / 20.0))


def test_tsodyks_markram_depression_follows_the_recursion():
    sim.setup(timestep=DT)
    interval, U, tau_rec = 20.0, 0.4, 100.0
    source = sim.Population(1, sim.SpikeSourceArray(spike_times=[10.0, 10.0 + interval]))
    cell = sim.Population(1, sim.IF_curr_exp(tau_syn_E=2.0, v_thresh=100.0))
    sim.Projection(
        source,
        cell,
        sim.AllToAllConnector(),
        sim.TsodyksMarkramSynapse(weight=1.0, delay=1.0, U=U, tau_rec=tau_rec),
    )
    cell.record("isyn_exc")
    sim.run(40.0)
    i_syn = np.asarray(cell.get_data().segments[0].analogsignals[0])[:, 0]
    sim.end()
    first_arrival, second_arrival = int(round(11.0 / DT)), int(round(31.0 / DT))
    first = i_syn[first_arrival]
    second = i_syn[second_arrival] - i_syn[second_arrival - 1] * np.exp(-DT / 2.0)
    assert first == pytest.approx(U)  # u = U, x = 1
    x_after = 1 - (1 - (1 - U)) * np.exp(-interval / tau_rec)
    assert second == pytest.approx(U * x_after, rel=1e-9)


@pytest.mark.parametrize("fraction", [1.0, 0.5, 0.0])
def test_stdp_pair_changes_the_weight_by_the_rule_and_stays_within_bounds(fraction):
    sim.setup(timestep=DT)
    pre = sim.Population(1, sim.SpikeSourceArray(spike_times=[10.0]))
    teacher = sim.Population(1, sim.SpikeSourceArray(spike_times=[14.0]))
    # the teacher makes the post cell fire once, through a large jump of its v
    post_delta = sim.Population(1, sim.IF_curr_delta(v_thresh=-60.0, tau_refrac=2.0))
    sim.Projection(
        teacher, post_delta, sim.AllToAllConnector(), sim.StaticSynapse(weight=20.0, delay=1.0)
    )
    stdp = sim.STDPMechanism(
        timing_dependence=sim.SpikePairRule(
            tau_plus=20.0, tau_minus=20.0, A_plus=0.1, A_minus=0.12
        ),
        weight_dependence=sim.AdditiveWeightDependence(w_min=0.0, w_max=0.5),
        weight=0.2,
        delay=1.0,
        dendritic_delay_fraction=fraction,
    )
    projection = sim.Projection(pre, post_delta, sim.AllToAllConnector(), stdp)
    post_delta.record("v")
    post_delta.record("spikes")
    sim.run(30.0)
    segment = post_delta.get_data().segments[0]
    post_spike = float(segment.spiketrains[0][0])
    weight = projection.get("weight", format="array")[0, 0]
    v = np.asarray(segment.filter(name="v")[0])[:, 0]
    sim.end()
    # of the 1 ms delay, the fraction f is dendritic: the synapse sees the pre spike after
    # (1 - f) ms and the post spike after f ms; the target still gets the spike after 1 ms
    gap = (post_spike + fraction) - (10.0 + (1 - fraction))
    assert gap > 0
    arrival = int(round(11.0 / DT))
    assert v[arrival] - v[arrival - 1] == pytest.approx(0.2, abs=1e-9)  # the weight before
    expected = 0.2 + 0.5 * 0.1 * np.exp(-gap / 20.0)
    assert weight == pytest.approx(expected, abs=0.5 * 0.1 * DT / 20.0 * 2)


def test_weights_never_leave_w_min_w_max():
    sim.setup(timestep=DT)
    pre = sim.Population(20, sim.SpikeSourcePoisson(rate=200.0))
    post = sim.Population(5, sim.IF_curr_exp(i_offset=2.0))
    stdp = sim.STDPMechanism(
        timing_dependence=sim.SpikePairRule(A_plus=0.5, A_minus=0.6),
        weight_dependence=sim.MultiplicativeWeightDependence(w_min=0.1, w_max=0.3),
        weight=0.2,
        delay=1.0,
    )
    projection = sim.Projection(pre, post, sim.AllToAllConnector(), stdp)
    sim.run(200.0)
    weights = projection.get("weight", format="array")
    sim.end()
    assert weights.min() >= 0.1 - 1e-12 and weights.max() <= 0.3 + 1e-12
    assert np.any(weights != 0.2)  # the rule did change them (all may end at a bound)


def test_bad_input_gets_pynn_errors_and_leaves_nothing_half_built():
    sim.setup(timestep=DT, min_delay=0.5)
    cells = sim.Population(2, sim.IF_cond_exp(), label="cells")
    sources = sim.Population(2, sim.SpikeSourcePoisson(), label="sources")
    with pytest.raises(errors.NonExistentParameterError):
        sim.Population(2, sim.IF_cond_exp(tau_mem=3.0))
    with pytest.raises(errors.ConnectionError, match="receptor"):
        sim.Projection(sources, cells, sim.AllToAllConnector(), receptor_type="NMDA")
    before = len(sim.simulator.state.network.objects)
    with pytest.raises(errors.ConnectionError, match="below the minimum delay"):
        sim.Projection(
            sources, cells, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.1, delay=0.2)
        )
    assert len(sim.simulator.state.network.objects) == before
    with pytest.raises(errors.ConnectionError):
        sim.Projection(cells, sources, sim.AllToAllConnector())
    with pytest.raises(TypeError, match="spike source"):
        sources.inject(sim.DCSource(amplitude=1.0))
    sim.end()


def test_data_written_with_pickle_reads_back(tmp_path):
    from neo.io import PickleIO

    sim.setup(timestep=DT)
    cells = sim.Population(2, sim.IF_curr_exp(i_offset=[1.0, 2.0]))
    cells.record(["spikes", "v"], sampling_interval=1.0)
    sim.run(50.0)
    path = tmp_path / "cells.pkl"
    cells.write_data(str(path))
    counts = cells.get_spike_counts()
    sim.end()
    block = PickleIO(str(path)).read_block()
    segment = block.segments[0]
    assert [len(train) for train in segment.spiketrains] == list(counts.values())
    assert segment.analogsignals[0].shape == (51, 2)  # every 1 ms from 0 to 50 ms


@pytest.mark.parametrize("suffix", [".nix", ".h5"])
def test_data_written_to_nix_reads_back_with_two_segments(tmp_path, suffix):
    """PyNN writes .nix and .h5 through neo's NixIO (the nixio package, in axonal[pynn])."""
    pytest.importorskip("nixio")
    from neo.io import NixIO

    sim.setup(timestep=DT)
    cells = sim.Population(3, sim.IF_cond_exp(i_offset=[0.0, 1.0, 2.0]), label="cells")
    cells.record(["spikes", "v", "gsyn_exc"], sampling_interval=0.5)
    sim.run(40.0)
    sim.reset()
    cells.set(i_offset=3.0)
    sim.run(20.0)
    path = tmp_path / f"cells{suffix}"
    cells[1:].write_data(str(path))  # a view: cells 1 and 2
    written = cells[1:].get_data()
    sim.end()
    io = NixIO(str(path), mode="ro")
    block = io.read_block()
    io.close()
    assert len(block.segments) == 2
    for ours, theirs in zip(written.segments, block.segments, strict=True):
        assert [np.asarray(t).tolist() for t in theirs.spiketrains] == [
            np.asarray(t).tolist() for t in ours.spiketrains
        ]
        v_ours, v_theirs = ours.filter(name="v")[0], theirs.filter(name="v")[0]
        assert np.array_equal(np.asarray(v_theirs), np.asarray(v_ours))
        assert float(v_theirs.sampling_period.rescale("ms")) == 0.5
        assert str(v_theirs.units.dimensionality) == "mV"
    assert len(block.segments[0].spiketrains[1]) > 0  # cell 2 fired in the first segment


def test_point_neuron_with_exponential_conductances_is_if_cond_exp():
    sim.setup(timestep=DT)
    inputs = sim.Population(1, sim.SpikeSourceArray(spike_times=[5.0, 7.0, 30.0]))
    standard = sim.Population(1, sim.IF_cond_exp(tau_syn_E=3.0, e_rev_I=-75.0))
    composed = sim.Population(
        1,
        sim.PointNeuron(
            sim.LIF(),
            excitatory=sim.CondExpPostSynapticResponse(tau_syn=3.0, e_syn=0.0),
            inhibitory=sim.CondExpPostSynapticResponse(tau_syn=5.0, e_syn=-75.0),
        ),
    )
    for target in (standard, composed):
        sim.Projection(
            inputs,
            target,
            sim.AllToAllConnector(),
            sim.StaticSynapse(weight=0.05, delay=1.0),
            receptor_type="excitatory",
        )
        target.record("v")
    sim.run(50.0)
    v_standard = np.asarray(standard.get_data().segments[0].analogsignals[0])
    v_composed = np.asarray(composed.get_data().segments[0].analogsignals[0])
    assert composed.get("inhibitory.e_syn") == -75.0
    sim.end()
    assert v_standard.max() > -60.0  # the input did something
    assert np.allclose(v_standard, v_composed, atol=1e-12)


def test_beta_conductance_peaks_at_the_weight():
    sim.setup(timestep=0.01)
    inputs = sim.Population(1, sim.SpikeSourceArray(spike_times=[1.0]))
    cell = sim.Population(
        1,
        sim.PointNeuron(
            sim.LIF(v_thresh=0.0),
            AMPA=sim.CondBetaPostSynapticResponse(tau_rise=0.5, tau_decay=3.0),
        ),
    )
    sim.Projection(
        inputs,
        cell,
        sim.AllToAllConnector(),
        sim.StaticSynapse(weight=0.02, delay=0.5),
        receptor_type="AMPA",
    )
    cell.record("AMPA.gsyn")
    sim.run(20.0)
    g = np.asarray(cell.get_data().segments[0].filter(name="AMPA.gsyn")[0])[:, 0]
    sim.end()
    peak_time = 3.0 * 0.5 / (3.0 - 0.5) * np.log(3.0 / 0.5)
    assert g.max() == pytest.approx(0.02, rel=1e-3)
    assert np.argmax(g) * 0.01 == pytest.approx(1.5 + peak_time, abs=0.011)


def test_a_native_cell_type_runs_records_and_receives_connections():
    Leaky = sim.native_cell_type(
        "Leaky",
        equations="""
            dv/dt = (v_rest - v)/tau_m + (i_syn + i_inj)/c_m : volt (unless refractory)
            di_syn/dt = -i_syn/tau_syn : amp
        """,
        parameters={
            "v_rest": (-65.0, "mV"),
            "tau_m": (20.0, "ms"),
            "c_m": (1.0, "nF"),
            "tau_syn": (5.0, "ms"),
            "v_th": (-50.0, "mV"),
        },
        state={"v": (-65.0, "mV"), "i_syn": (0.0, "nA")},
        threshold="v > v_th",
        reset="v = v_rest",
        refractory="2*ms",
        receptors={"excitatory": "i_syn_post += w", "inhibitory": "i_syn_post += w"},
    )
    sim.setup(timestep=DT)
    native = sim.Population(2, Leaky(tau_m=[10.0, 20.0]))
    standard = sim.Population(2, sim.IF_curr_exp(tau_m=[10.0, 20.0], tau_refrac=2.0))
    source = sim.Population(1, sim.SpikeSourceArray(spike_times=[5.0, 6.0, 7.0]))
    current = sim.DCSource(amplitude=0.5, start=20.0, stop=80.0)
    for cells in (native, standard):
        sim.Projection(
            source, cells, sim.AllToAllConnector(), sim.StaticSynapse(weight=2.0, delay=1.0)
        )
        current.inject_into(cells)
        cells.record(["spikes", "v"])
    sim.run(100.0)
    v_native = np.asarray(native.get_data().segments[0].filter(name="v")[0])
    v_standard = np.asarray(standard.get_data().segments[0].filter(name="v")[0])
    assert native.get("tau_m").tolist() == [10.0, 20.0]
    sim.end()
    assert v_standard.max() > -60.0
    assert np.allclose(v_native, v_standard, atol=1e-9)


@pytest.mark.slow
def test_the_founding_snippet_runs_in_todays_pynn():
    """The PyNN example of shared/seeds/001 (PyNN 0.6 API, 2010) in PyNN 0.13's words, with
    20x20 and 10x10 grids instead of 100x100 and 50x50 to keep the test short."""
    from pyNN import random, space

    sim.setup(timestep=0.1)
    cell_parameters = {"tau_m": 12.0, "cm": 0.8, "v_thresh": -50.0, "v_reset": -65.0}
    grid = space.Grid2D(aspect_ratio=1.0, dx=1.0, dy=1.0)
    pE = sim.Population(
        400, sim.IF_cond_exp(**cell_parameters), structure=grid, label="excitatory neurons"
    )
    pI = sim.Population(
        100, sim.IF_cond_exp(**cell_parameters), structure=grid, label="inhibitory neurons"
    )
    inputs = sim.Population(100, sim.SpikeSourcePoisson())
    rng = random.NumpyRNG(seed=7)
    inputs.set(rate=random.RandomDistribution("normal", (10.0, 2.0), rng=rng))
    background = sim.NoisyCurrentSource(mean=0.1, stdev=0.01)
    pE.inject(background)
    pI.inject(background)
    connector = sim.DistanceDependentProbabilityConnector("exp(-d**2/400.0)", rng=rng)
    weights = random.RandomDistribution("uniform", (0.0, 0.1), rng=rng)
    depressing = sim.TsodyksMarkramSynapse(
        U=0.5, tau_rec=800.0, weight=weights, delay="0.5 + 0.01*d"
    )
    e2e = sim.Projection(pE, pE, connector, depressing, receptor_type="excitatory")
    e2i = sim.Projection(
        pE, pI, connector, sim.StaticSynapse(weight=weights, delay=0.5), receptor_type="excitatory"
    )
    i2e = sim.Projection(
        pI, pE, connector, sim.StaticSynapse(weight=weights, delay=0.5), receptor_type="inhibitory"
    )
    sim.Projection(
        inputs,
        pE,
        sim.FixedProbabilityConnector(0.1, rng=rng),
        sim.StaticSynapse(weight=0.05, delay=1.0),
    )
    pE.record("spikes")
    sim.run(200.0)
    spikes = pE.get_data().segments[0].spiketrains
    delays = e2e.get("delay", format="list", with_address=False)
    sim.end()
    assert len(e2e) > 0 and len(e2i) > 0 and len(i2e) > 0
    assert min(delays) >= 0.5 - 1e-9  # distance-dependent delays, on the 0.1 ms grid
    assert sum(len(train) for train in spikes) > 0


def _poisson_spikes(**setup_extra) -> list[np.ndarray]:
    sim.setup(timestep=0.1, **setup_extra)
    sources = sim.Population(20, sim.SpikeSourcePoisson(rate=200.0))
    sources.record("spikes")
    sim.run(100.0)
    trains = [np.asarray(t) for t in sources.get_data().segments[0].spiketrains]
    sim.end()
    return trains


def _same(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return all(x.size == y.size and np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def test_setup_seeds_the_run_with_a_fixed_default_as_nest_does():
    """The same script gives the same spikes (pyNN.nest's default seed, 42); rng_seed=None
    gives fresh ones; another seed other ones."""
    first, again = _poisson_spikes(), _poisson_spikes()
    assert sum(t.size for t in first) > 300  # 20 cells x 200 Hz x 0.1 s = 400 expected
    assert _same(first, again)
    assert _same(first, _poisson_spikes(rng_seed=sim.DEFAULT_RNG_SEED))
    assert not _same(first, _poisson_spikes(rng_seed=7))
    assert not _same(_poisson_spikes(rng_seed=None), _poisson_spikes(rng_seed=None))
    with pytest.raises(ValueError, match="rng_seed must be a whole number"):
        sim.setup(rng_seed=0.5)
