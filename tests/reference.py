"""Reference values measured with Brian 2.9.0 (benchmarks/reference/reference_values.json)."""

import json
from functools import cache
from pathlib import Path

REFERENCE = Path(__file__).resolve().parent.parent / "benchmarks" / "reference"


@cache
def _values() -> dict:
    return json.loads((REFERENCE / "reference_values.json").read_text())


def reference(*keys: str):
    """The entry at ``keys`` (e.g. ``reference('networks', 'cuba', 'mean_rate_hz')``)."""
    entry = _values()
    for key in keys:
        entry = entry[key]
    return entry


def reference_data(name: str):
    """A data file of the reference measurements (traces, histograms)."""
    return json.loads((REFERENCE / "data" / name).read_text())
