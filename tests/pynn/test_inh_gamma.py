"""SpikeSourceInhGamma against its definition: gamma intervals of shape a and scale b per bin.

No simulator PyNN supports today runs this cell type (NEST dropped inh_gamma_generator), so the
reference is the definition PyNN documents. Rates are checked within 3 standard errors of a
renewal process (the count variance is the number of intervals times CV^2 = 1/a), interval
distributions with a Kolmogorov-Smirnov test at the 1 % level, for a fixed seed.
"""

import numpy as np
import pytest
from pyNN import errors
from pyNN.parameters import Sequence
from scipy import stats

sim = pytest.importorskip("axonal.pynn")

CELLS = 100


def intervals(trains, since: float, until: float) -> np.ndarray:
    """Inter-spike intervals (ms) of spikes pairs both in [since, until)."""
    parts = []
    for train in trains:
        times = np.asarray(train)
        times = times[(times >= since) & (times < until)]
        parts.append(np.diff(times))
    return np.concatenate(parts)


def rate_bound(a: float, b_ms: float, seconds: float) -> tuple[float, float]:
    """Expected rate (Hz) of CELLS cells and 3 standard errors of its estimate."""
    rate = 1e3 / (a * b_ms)
    count = rate * seconds * CELLS
    return rate, 3 * np.sqrt(count / a) / (seconds * CELLS)


def test_a_homogeneous_source_of_non_integer_shape_has_gamma_intervals():
    sim.setup(timestep=0.1, rng_seed=11)
    a, b = 2.5, 0.004  # b in seconds, as PyNN documents
    sources = sim.Population(
        CELLS, sim.SpikeSourceInhGamma(a=Sequence([a]), b=Sequence([b]), tbins=Sequence([0.0]))
    )
    sources.record("spikes")
    sim.run(400.0)
    sim.run(600.0)  # the process carries on across runs
    trains = sources.get_data().segments[0].spiketrains
    sim.end()
    isi = intervals(trains, 0.0, 1000.0)
    rate, error = rate_bound(a, b * 1e3, 1.0)
    measured = sum(len(t) for t in trains) / CELLS
    assert abs(measured - rate) < error, (measured, rate, error)
    # on the 0.1 ms grid an interval ends at the step its survival crosses: up to one step
    # longer than the continuous one; compare with the distribution shifted by half a step
    result = stats.kstest(isi - 0.05, stats.gamma(a, scale=b * 1e3).cdf)
    assert result.pvalue > 0.01, result
    # the defining property of the shape: CV^2 = 1/a
    assert np.var(isi) / np.mean(isi) ** 2 == pytest.approx(1 / a, rel=0.1)


def test_each_time_bin_has_its_own_shape_and_scale_and_start_duration_hold():
    sim.setup(timestep=0.1, rng_seed=12)
    sources = sim.Population(
        CELLS,
        sim.SpikeSourceInhGamma(
            a=Sequence([4.0, 1.0]),
            b=Sequence([0.0025, 0.02]),
            tbins=Sequence([0.0, 400.0]),
            start=100.0,
            duration=800.0,
        ),
    )
    sources.record("spikes")
    sim.run(1000.0)
    trains = sources.get_data().segments[0].spiketrains
    assert np.allclose(sources.get("tbins")[0].value, [0.0, 400.0])
    sim.end()
    times = np.concatenate([np.asarray(t) for t in trains])
    assert times.min() > 100.0 and times.max() <= 900.0 + 1e-9
    # first bin, 100-400 ms (from the start on): 100 Hz, regular (shape 4)
    rate, error = rate_bound(4.0, 2.5, 0.3)
    measured = np.sum((times > 100.0) & (times <= 400.0)) / CELLS / 0.3
    assert abs(measured - rate) < error, (measured, rate, error)
    # second bin after a 100 ms transition: 50 Hz Poisson (shape 1)
    rate, error = rate_bound(1.0, 20.0, 0.4)
    measured = np.sum((times > 500.0) & (times <= 900.0)) / CELLS / 0.4
    assert abs(measured - rate) < error, (measured, rate, error)
    regular, poisson = intervals(trains, 100.0, 400.0), intervals(trains, 500.0, 900.0)
    assert np.std(regular) / np.mean(regular) == pytest.approx(0.5, rel=0.1)
    assert np.std(poisson) / np.mean(poisson) == pytest.approx(1.0, rel=0.1)


def test_reset_starts_the_process_again_and_bad_bins_are_refused():
    sim.setup(timestep=0.1, rng_seed=13)
    sources = sim.Population(
        10, sim.SpikeSourceInhGamma(a=Sequence([1.0]), b=Sequence([0.01])), label="gamma"
    )
    sources.record("spikes")
    sim.run(200.0)
    sim.reset()
    sim.run(200.0)
    block = sources.get_data()
    assert len(block.segments) == 2
    assert all(len(seg.spiketrains) == 10 for seg in block.segments)
    counts = [sum(len(t) for t in seg.spiketrains) for seg in block.segments]
    assert all(abs(c - 200) < 45 for c in counts)  # 10 cells x 0.2 s x 100 Hz, 3 SE = 42
    sources[0:1].set(a=Sequence([1.0, 2.0]))  # b and tbins still have one value
    with pytest.raises(errors.InvalidParameterValueError, match="gamma.*same length"):
        sim.run(10.0)
    sim.end()
