"""Plasticity: the STDP window against its analytic form, and the Song et al. network."""

import runpy
import sys
from pathlib import Path

import numpy as np
import pytest

import axonal
from tests.reference import reference_data

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run_example(name, arguments, monkeypatch):
    monkeypatch.setattr(sys, "argv", [name, *arguments])
    axonal.start_scope()
    return runpy.run_path(str(EXAMPLES / name), run_name="__main__")


def test_stdp_window_matches_the_exponential_pair_rule(monkeypatch):
    result = run_example("stdp_window.py", [], monkeypatch)
    ms = axonal.ms
    t_pre = np.array([train[0] / ms for train in result["pre_spikes"].spike_trains().values()])
    t_post = np.array([train[0] / ms for train in result["post_spikes"].spike_trains().values()])
    delta = t_post - t_pre  # one spike each, synapse k connects pre k to post k
    Apre, Apost, tau = result["Apre"], result["Apost"], 20.0
    expected = np.where(delta > 0, Apre * np.exp(-delta / tau), Apost * np.exp(delta / tau))
    expected[delta == 0] = Apre  # same step: the pre pathway runs first
    np.testing.assert_allclose(np.asarray(result["S"].w[:]), expected, rtol=1e-9, atol=1e-15)
    assert np.sum(expected > 0) == np.sum(delta >= 0)


def test_song_network_reproduces_brian_numpy_target_exactly(monkeypatch):
    # Same seed, same order of random draws: the same output spikes and final weights as
    # Brian 2.9.0's NumPy target (benchmarks/reference/values_song_numpy.py).
    expected = reference_data("stdp_song_numpy_seed1_2s.json")
    axonal.seed(1)
    result = run_example("stdp_song.py", ["2000"], monkeypatch)
    np.testing.assert_allclose(
        result["output"].t / axonal.second, expected["output_spike_times_s"], atol=1e-9
    )
    np.testing.assert_allclose(np.asarray(result["S"].w[:]), expected["weights"], rtol=1e-9)


@pytest.mark.slow
def test_song_miller_abbott_weights_become_bimodal(monkeypatch):
    axonal.seed(1)
    result = run_example("stdp_song.py", ["100000"], monkeypatch)
    weights = np.asarray(result["S"].w[:]) / result["gmax"]
    runs = reference_data("stdp_song_2000_runs.json")  # Brian 2.9.0, 100 s, several seeds
    for key, measured in (
        ("fraction_near_0", np.mean(weights < 0.1)),
        ("fraction_near_gmax", np.mean(weights > 0.9)),
        ("mean_w_over_gmax", weights.mean()),
    ):
        samples = np.array([run[key] for run in runs])
        assert abs(measured - samples.mean()) < 5 * samples.std() + 0.03, (key, measured)
    # Bimodal: the ends of the histogram hold more than the middle.
    histogram = np.histogram(weights, bins=20, range=(0, 1))[0]
    assert histogram[0] > 3 * histogram[10] and histogram[-1] > 2 * histogram[10]
