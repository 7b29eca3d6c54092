"""Benchmark: unit arithmetic in plain NumPy, axonal and pint, side by side; prints JSON.

Run with ``python benchmarks/units.py`` (pint must be installed). Each figure is the median over
repeats of the time per operation in microseconds; ratios compare axonal with NumPy and pint.
"""

from __future__ import annotations

import json
import platform
import statistics
import sys
import timeit

import numpy as np

ARRAY_SIZE = 1_000_000
REPEATS = 15


def _median_microseconds(functions: dict, number: int) -> dict:
    """Median time per call of each function; the libraries take turns within each repeat so
    that a busy machine slows all of them alike."""
    samples: dict = {name: [] for name in functions}
    for function in functions.values():
        function()  # warm caches (interned dimensions, pint's unit cache)
    for _ in range(REPEATS):
        for name, function in functions.items():
            samples[name].append(timeit.timeit(function, number=number) / number * 1e6)
    return {name: statistics.median(times) for name, times in samples.items()}


def _operations(a, b, c):
    """Same-unit addition, multiplication and division by another unit, comparison."""
    return {
        "add": lambda: a + b,
        "mul": lambda: a * c,
        "div": lambda: a / c,
        "compare": lambda: a < b,
    }


def main() -> None:
    import pint

    from axonal.units import ms, mV

    ureg = pint.UnitRegistry()
    rng = np.random.default_rng(0)
    raw_a, raw_b, raw_c = (rng.random(ARRAY_SIZE) + 0.5 for _ in range(3))
    cases = {
        "array": {
            "numpy": (raw_a, raw_b, raw_c),
            "axonal": (raw_a * mV, raw_b * mV, raw_c * ms),
            "pint": (raw_a * ureg.mV, raw_b * ureg.mV, raw_c * ureg.ms),
        },
        "scalar": {
            "numpy": (np.float64(3.0), np.float64(2.0), np.float64(5.0)),
            "axonal": (3.0 * mV, 2.0 * mV, 5.0 * ms),
            "pint": (3.0 * ureg.mV, 2.0 * ureg.mV, 5.0 * ureg.ms),
        },
    }
    numbers = {"array": 20, "scalar": 20_000}
    results: dict = {
        "array_size": ARRAY_SIZE,
        "repeats": REPEATS,
        "unit": "microseconds per operation (median)",
        "numpy_version": np.__version__,
        "pint_version": pint.__version__,
        "python": platform.python_version(),
    }
    for kind, libraries in cases.items():
        operations = {library: _operations(*operands) for library, operands in libraries.items()}
        table = {}
        for operation in operations["numpy"]:
            functions = {library: ops[operation] for library, ops in operations.items()}
            table[operation] = _median_microseconds(functions, numbers[kind])
        for figures in table.values():
            figures["axonal_over_numpy"] = figures["axonal"] / figures["numpy"]
            figures["pint_over_axonal"] = figures["pint"] / figures["axonal"]
        results[kind] = table
    json.dump(results, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
