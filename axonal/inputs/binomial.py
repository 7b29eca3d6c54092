"""Binomial counts drawn by inverting their distribution function at a uniform random number."""

from __future__ import annotations

import math

import numpy as np

from axonal.inputs.generated import function_with_data
from axonal.model.functions import Function, FunctionDimensionError, show_dimensions
from axonal.units import DIMENSIONLESS

# The table covers the mean +- this many standard deviations (plus a margin for small means):
# the probability left outside is far below what 2**53 uniform numbers can resolve.
_WIDTH_IN_SD = 15
_MARGIN = 15


def binomial_table(n: int, p: float) -> tuple[int, np.ndarray]:
    """``(first, cdf)``: ``cdf[k]`` is P(X <= first + k) for X ~ Binomial(n, p), ending at 1."""
    if p <= 0 or n == 0:
        return 0, np.ones(1)
    if p >= 1:
        return n, np.ones(1)
    mean, sd = n * p, math.sqrt(n * p * (1 - p))
    first = max(0, math.floor(mean - _WIDTH_IN_SD * sd - _MARGIN))
    last = min(n, math.ceil(mean + _WIDTH_IN_SD * sd + _MARGIN))
    k = np.arange(first, last + 1, dtype=float)
    log_gamma = np.frompyfunc(math.lgamma, 1, 1)
    log_pmf = (
        math.lgamma(n + 1)
        - log_gamma(k + 1).astype(float)
        - log_gamma(n - k + 1).astype(float)
        + k * math.log(p)
        + (n - k) * math.log1p(-p)
    )
    cdf = np.cumsum(np.exp(log_pmf))
    cdf /= cdf[-1]  # the mass outside the window is negligible; make the last entry exactly 1
    cdf[-1] = 1.0
    return first, cdf


def _uniform_argument_rule(name: str, args) -> object:
    if args[0].dimensions is not DIMENSIONLESS:
        raise FunctionDimensionError(
            f"{name}() takes a dimensionless uniform number, not {args[0].text!r} in "
            f"{show_dimensions(args[0].dimensions)}."
        )
    return DIMENSIONLESS


def binomial_function(n: int, p: float, name: str) -> Function:
    """``name(u)``: the Binomial(n, p) count whose distribution function first exceeds ``u``.

    Called as ``name(rand())`` it draws a binomial count with one uniform number per element,
    so both targets generate it from the same statement. The NumPy implementation is a
    vectorised ``searchsorted``; the Numba one a binary search over the same table.
    """
    first, cdf = binomial_table(n, p)
    last = len(cdf) - 1

    def binomial_numpy(u):
        return first + np.searchsorted(cdf, u, side="right")

    # A binary search over the same table, as plain code numba compiles.
    search = """
        low, high = 0, last
        while low < high:
            middle = (low + high) // 2
            if cdf[middle] <= u:
                low = middle + 1
            else:
                high = middle
        return first + low
    """
    binomial_scalar = function_with_data(
        "binomial", "u", search, {"cdf": cdf, "first": first, "last": last}
    )

    return Function(
        None,
        name=name,
        n_args=1,
        dimension_rule=_uniform_argument_rule,
        return_type="int",
        numpy_implementation=binomial_numpy,
        numba_implementation=binomial_scalar,
        unit_aware=False,
    )


__all__: list[str] = []
