"""GIF_cond_exp against pyNN.nest (NEST 3.10's gif_cond_exp), reference stored by
benchmarks/reference/values_pynn_gif.py from the protocols of pynn_gif_protocol.py.

- sharp (nearly deterministic firing): before the first spike v, i_eta and v_t agree to the
  stored rounding (both integrate the same equations: 1e-6); each spike within one step (where
  v crosses the threshold inside a step, the hazard is still random; measured over seeds: equal
  or one step earlier); 5 ms or more after any spike of either simulator, where a one-step shift
  of the adaptation kicks has decayed, i_eta and v_t within 0.03 (nA, mV; measured 0.016) and v
  within 0.2 mV (measured 0.11).
- stochastic (PyNN's default parameters, 400 cells): the mean number of spikes per cell in each
  25 ms bin agrees within 4 standard errors of the difference of two sample means (variances
  over cells of both simulators; 40 bins, so a false alarm has a chance of about 3e-3), the total
  within 3.
"""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

sim = pytest.importorskip("axonal.pynn")
REFERENCE = Path(__file__).resolve().parents[2] / "benchmarks" / "reference"
sys.path.insert(0, str(REFERENCE))
from pynn_gif_protocol import SAMPLING, run_sharp, run_stochastic  # noqa: E402

NEST = json.loads((REFERENCE / "pynn_gif_values.json").read_text())


def test_nearly_deterministic_gif_follows_nest():
    ours, nest = run_sharp(sim), NEST["sharp"]
    a, b = np.array(ours["spike_times"]), np.array(nest["spike_times"])
    assert a.size == b.size >= 4
    assert np.all(np.abs(a - b) <= 0.1 + 1e-6), (a, b)
    t = np.arange(len(nest["v"])) * SAMPLING
    assert len(ours["v"]) == t.size
    every = np.concatenate([a, b])
    before = t < every.min()
    since = np.array([np.min(np.where(every <= s, s - every, np.inf)) for s in t])
    far = since > 5.0
    for name, tolerance in (("v", 0.2), ("i_eta", 0.03), ("v_t", 0.03)):
        difference = np.abs(np.subtract(ours[name], nest[name]))
        assert difference[before].max() <= 1e-6, name
        assert difference[far].max() < tolerance, name
    # the adaptation really acted: the threshold moved and the current was triggered
    assert max(ours["v_t"]) > -47.0 and max(ours["i_eta"]) > 0.5


def test_stochastic_gif_population_fires_as_nest_within_sampling_error():
    ours, nest = run_stochastic(sim, seed=7), NEST["stochastic"]
    cells = nest["cells"]
    mean_a, mean_b = np.array(ours["mean"]), np.array(nest["mean"])
    error = np.sqrt((np.array(ours["variance"]) + np.array(nest["variance"])) / cells)
    varying = error > 0
    assert np.all(np.abs(mean_a - mean_b)[varying] < 4 * error[varying]), (mean_a, mean_b)
    assert np.all(mean_a[~varying] == mean_b[~varying])
    total_error = np.sqrt((ours["total_variance"] + nest["total_variance"]) / cells)
    assert abs(ours["total_mean"] - nest["total_mean"]) < 3 * total_error
    assert ours["total_mean"] > 1.0  # the cells fire: the comparison means something


def test_array_parameters_are_per_cell_and_checked():
    from pyNN import errors
    from pyNN.parameters import ArrayParameter

    sim.setup(timestep=0.1)
    with pytest.raises(errors.InvalidParameterValueError, match="a_eta needs 2 values"):
        sim.Population(3, sim.GIF_cond_exp(tau_eta=ArrayParameter([2.0, 20.0])))  # a_eta: 3
    cells = sim.Population(
        3,
        sim.GIF_cond_exp(tau_eta=ArrayParameter([2.0, 20.0]), a_eta=ArrayParameter([0.5, 0.1])),
        label="gif",
    )
    cells[1:2].set(tau_eta=ArrayParameter([3.0, 30.0]), a_gamma=ArrayParameter([2.0, 0.0, 0.5]))
    values = cells.get("tau_eta")
    assert [list(v.value) for v in values] == [[2.0, 20.0], [3.0, 30.0], [2.0, 20.0]]
    assert list(cells.get("a_gamma")[1].value) == [2.0, 0.0, 0.5]
    assert cells.axonal_group.variables["tau_eta_1"].values[1] == pytest.approx(0.030)
    with pytest.raises(errors.InvalidParameterValueError, match="gif: tau_eta needs 2 values"):
        cells.set(tau_eta=ArrayParameter([1.0, 2.0, 3.0]))
    sim.end()
