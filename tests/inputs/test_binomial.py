"""Binomial counts by inversion: the table against exact probabilities, both implementations."""

import math

import numpy as np
import pytest

from axonal.inputs.binomial import binomial_function, binomial_table
from axonal.model.functions import Argument, FunctionDimensionError
from axonal.units import DIMENSIONLESS, get_dimensions, mV


@pytest.mark.parametrize(("n", "p"), [(1, 0.5), (5, 0.3), (40, 0.01), (60, 0.9)])
def test_table_is_the_exact_distribution_function(n, p):
    first, cdf = binomial_table(n, p)
    exact = np.cumsum([math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(n + 1)])
    np.testing.assert_allclose(cdf, exact[first : first + len(cdf)], rtol=1e-12, atol=1e-15)
    assert cdf[-1] == 1.0


def test_large_n_keeps_a_window_around_the_mean():
    first, cdf = binomial_table(10**6, 0.5)
    assert 0 < first < 500_000 < first + len(cdf) < 10**6
    assert len(cdf) < 20_000
    assert cdf[0] < 1e-40


def test_edge_probabilities():
    assert binomial_table(10, 0.0) == (0, pytest.approx([1.0]))
    assert binomial_table(10, 1.0) == (10, pytest.approx([1.0]))
    assert binomial_table(0, 0.5) == (0, pytest.approx([1.0]))


def test_numpy_implementation_inverts_the_table():
    sample = binomial_function(5, 0.3, "draw").numpy_function()
    first, cdf = binomial_table(5, 0.3)
    u = np.array([0.0, cdf[0] - 1e-12, cdf[0], cdf[2] + 1e-12, 1 - 1e-16])
    assert sample(u).tolist() == [0, 0, 1, 3, 5]
    draws = sample(np.random.default_rng(1).random(200_000))
    assert draws.mean() == pytest.approx(1.5, abs=0.01)
    assert draws.var() == pytest.approx(1.05, abs=0.02)


def test_numba_implementation_agrees_with_numpy():
    numba = pytest.importorskip("numba")
    function = binomial_function(1000, 0.002, "draw")
    compiled, vectorised = numba.njit(function.numba_function()), function.numpy_function()
    u = np.random.default_rng(2).random(500)
    assert [compiled(x) for x in u] == vectorised(u).tolist()


def test_the_argument_must_be_dimensionless():
    function = binomial_function(3, 0.5, "draw")
    assert function.result_dimensions([Argument("rand()", DIMENSIONLESS)]) is DIMENSIONLESS
    with pytest.raises(FunctionDimensionError, match="dimensionless uniform"):
        function.result_dimensions([Argument("v", get_dimensions(mV))])


def test_other_tables_give_other_compiled_code():
    # The compiled target caches kernels by the code of the functions they call.
    code = [binomial_function(10, p, "draw").numba_function().__code__ for p in (0.1, 0.1, 0.2)]
    assert code[0].co_consts == code[1].co_consts != code[2].co_consts
