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


def triplet_rule(pre_times, post_times, p):
    """The minimal all-to-all triplet rule evaluated event by event with exact decays."""
    events = sorted([(t, 0) for t in pre_times] + [(t, 1) for t in post_times])
    r1 = r2 = o1 = o2 = w = 0.0
    last = 0.0
    for t, is_post in events:
        elapsed = t - last
        r1 *= np.exp(-elapsed / p["tau_plus"])
        r2 *= np.exp(-elapsed / p["tau_x"])
        o1 *= np.exp(-elapsed / p["tau_minus"])
        o2 *= np.exp(-elapsed / p["tau_y"])
        last = t
        if is_post:
            w += r1 * (p["A2p"] + p["A3p"] * o2)
            o1, o2 = o1 + 1, o2 + 1
        else:
            w -= o1 * (p["A2m"] + p["A3m"] * r2)
            r1, r2 = r1 + 1, r2 + 1
    return w


def test_triplet_rule_matches_event_by_event_evaluation(monkeypatch):
    result = run_example("triplet_stdp.py", [], monkeypatch)
    ms = axonal.ms
    p = {
        name: float(result[name] / ms) if name.startswith("tau") else result[name]
        for name in ("tau_plus", "tau_minus", "tau_x", "tau_y", "A2p", "A3p", "A2m", "A3m")
    }
    S = result["S"]
    for k, (frequency, offset) in enumerate(result["protocols"]):
        starts = 50 + np.arange(60) * 1000 / float(frequency / axonal.Hz)
        expected = triplet_rule(starts, starts + float(offset / ms), p)
        assert S.w[k] == pytest.approx(expected, rel=1e-9, abs=1e-12)
    # Sjöström et al. (2001) as the triplet model reproduces it: at 0.1 Hz post-before-pre
    # depresses and pre-before-post barely changes; at 50 Hz both orders potentiate.
    weights = {
        (float(f / axonal.Hz), float(d / ms)): S.w[k]
        for k, (f, d) in enumerate(result["protocols"])
    }
    assert weights[(0.1, -10.0)] < -0.1 and abs(weights[(0.1, 10.0)]) < 0.01
    assert weights[(50.0, 10.0)] > 0.3 and weights[(50.0, -10.0)] > 0.3


def test_short_term_plasticity_follows_the_tsodyks_markram_recursion(monkeypatch):
    result = run_example("short_term_plasticity.py", [], monkeypatch)
    S, monitor = result["S"], result["increments"]
    interval = float(1 / result["rate"] / axonal.second)
    released = np.diff(np.asarray(monitor.v), axis=1, prepend=0.0)
    for k in range(2):
        U, tau_d, tau_f = (
            S.U[k],
            float(S.tau_d[k] / axonal.second),
            float(S.tau_f[k] / axonal.second),
        )
        u, x, expected = 0.0, 1.0, []
        for _ in range(result["n_spikes"]):
            u += U * (1 - u)
            expected.append(u * x * 1e-3)  # w = 1 mV
            x -= u * x
            u *= np.exp(-interval / tau_f)
            x = 1 + (x - 1) * np.exp(-interval / tau_d)
        sizes = released[k][released[k] > 0]
        np.testing.assert_allclose(sizes, expected, rtol=1e-9)
        if k == 1:
            continue  # the facilitating synapse (tau_f = 1 s) is still far from steady state
        # The depressing synapse reaches the closed-form steady state of the recursion
        decay_f, decay_d = np.exp(-interval / tau_f), np.exp(-interval / tau_d)
        u_before = U * decay_f / (1 - (1 - U) * decay_f)
        u_after = u_before + U * (1 - u_before)
        x_before = (1 - decay_d) / (1 - (1 - u_after) * decay_d)
        assert sizes[-1] == pytest.approx(u_after * x_before * 1e-3, rel=1e-3)
