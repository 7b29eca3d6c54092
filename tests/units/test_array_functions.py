"""Tests for axonal/units/array_functions.py: NumPy functions on quantities."""

import numpy as np
import pytest

from axonal.units import *
from axonal.units.array_functions import UnitsDroppedWarning

V = np.array([3.0, 1.0, 2.0]) * mV


def in_mV(value):
    return np.asarray(value / mV).tolist()


@pytest.mark.parametrize(
    ("function", "expected"),
    [
        (np.sum, 6.0),
        (np.mean, 2.0),
        (np.median, 2.0),
        (np.min, 1.0),
        (np.max, 3.0),
        (np.amin, 1.0),
        (np.amax, 3.0),
        (np.ptp, 2.0),
        (np.std, np.std([3.0, 1.0, 2.0])),
        (np.cumsum, [3.0, 4.0, 6.0]),
        (np.diff, [-2.0, 1.0]),
        (np.sort, [1.0, 2.0, 3.0]),
        (np.nanmax, 3.0),
    ],
)
def test_functions_that_keep_the_unit(function, expected):
    result = function(V)
    assert get_dimensions(result) is get_dimensions(mV)
    assert in_mV(result) == pytest.approx(expected)


def test_round_works_on_the_values_in_si_units():
    assert in_mV(np.round(np.array([1.26, 2.0]) * mV, 4)) == pytest.approx([1.3, 2.0])


def test_var_squares_the_unit():
    assert get_dimensions(np.var(V)) is get_dimensions(mV) ** 2


def test_functions_with_plain_results():
    assert np.argmax(V) == 0 and list(np.argsort(V)) == [1, 2, 0]
    assert np.shape(V) == (3,)


def test_joining_keeps_a_shared_unit_and_drops_differing_ones():
    assert in_mV(np.concatenate([V, 1 * np.ones(1) * mV])) == [3.0, 1.0, 2.0, 1.0]
    assert np.stack([V, V]).shape == (2, 3)
    with pytest.warns(UnitsDroppedWarning, match=r"np.concatenate joined values in different"):
        joined = np.concatenate([V, np.ones(2) * ms])
    assert type(joined) is np.ndarray
    assert joined.tolist() == pytest.approx([3e-3, 1e-3, 2e-3, 1e-3, 1e-3])


def test_clip_where_linspace():
    assert in_mV(np.clip(V, 1.5 * mV, 2.5 * mV)) == [2.5, 1.5, 2.0]
    assert in_mV(np.clip(V, 0, np.inf)) == [3.0, 1.0, 2.0]
    with pytest.raises(DimensionMismatchError):
        np.clip(V, 1 * ms, 2 * ms)
    assert in_mV(np.where(V > 1.5 * mV, V, 0 * mV)) == [3.0, 0.0, 2.0]
    with pytest.raises(DimensionMismatchError):
        np.where(V > 1.5 * mV, V, 1 * ms)
    assert in_mV(np.linspace(0 * mV, 10 * mV, 3)) == [0.0, 5.0, 10.0]
    with pytest.raises(DimensionMismatchError):
        np.linspace(0 * mV, 1 * ms, 3)


def test_products_multiply_units():
    assert get_dimensions(np.dot(V, np.ones(3) * nA)) is get_dimensions(watt)
    assert get_dimensions(np.outer(V, V)) is get_dimensions(mV) ** 2


def test_comparisons_and_search():
    assert np.allclose(V, V + 1e-12 * mV)
    assert np.searchsorted(np.sort(V), 1.5 * mV) == 1
    with pytest.raises(DimensionMismatchError):
        np.isclose(V, V / mV)


def test_like_constructors_keep_the_unit():
    assert get_dimensions(np.zeros_like(V)) is get_dimensions(mV)
    full = np.full_like(V, 2 * nS)
    assert get_dimensions(full) is get_dimensions(nS)


def test_interp_and_histogram():
    times = np.array([0.0, 1.0, 2.0]) * ms
    assert float(np.interp(0.5 * ms, times, V) / mV) == pytest.approx(2.0)
    counts, edges = np.histogram(V, bins=2)
    assert list(counts) == [1, 2] and get_dimensions(edges) is get_dimensions(mV)


def test_histogram_weights_with_units_give_counts_in_those_units():
    # The population rate of the Brian tutorial: spike times weighted by 1/(N*dt).
    spike_times = np.array([0.05, 0.15, 0.16, 0.95]) * ms
    weights = np.ones(4) / (10 * 0.1 * ms)
    rates, edges = np.histogram(spike_times, bins=2, weights=weights)
    assert get_dimensions(rates) is get_dimensions(Hz)
    assert np.asarray(rates / Hz).tolist() == pytest.approx([3000.0, 1000.0])
    density, _ = np.histogram(spike_times / ms, bins=2, weights=weights, density=True)
    assert np.sum(density) * 0.45 == pytest.approx(1.0)  # a density has no unit


def test_prod_with_units_is_refused():
    with pytest.raises(DimensionMismatchError, match="np.prod"):
        np.prod(V)
    assert np.prod(V / mV) == 6.0


def test_norm_initial_and_out():
    assert in_mV(np.linalg.norm(np.array([3.0, 4.0]) * mV)) == pytest.approx(5.0)
    assert in_mV(np.max(V, initial=10 * mV)) == pytest.approx(10.0)
    assert in_mV(V.max(initial=0)) == pytest.approx(3.0)
    with pytest.raises(DimensionMismatchError):
        np.max(V, initial=1 * ms)
    out = np.zeros(3) * mV
    assert np.cumsum(V, out=out) is out and in_mV(out) == pytest.approx([3.0, 4.0, 6.0])
    with pytest.raises(DimensionMismatchError, match="other units"):
        np.cumsum(V, out=np.zeros(3) * ms)


def test_diff_with_prepend_and_append_keeps_and_checks_units():
    from axonal.units import DimensionMismatchError, mV, second

    values = np.array([1.0, 3.0, 6.0]) * mV
    np.testing.assert_allclose(np.diff(values, prepend=0 * mV) / mV, [1, 2, 3])
    np.testing.assert_allclose(np.diff(values, append=10 * mV) / mV, [2, 3, 4])
    with pytest.raises(DimensionMismatchError):
        np.diff(values, prepend=0 * second)
