"""Brian 2's behaviour measured by brian2_reference.py (reference/brian2_behaviour.json)."""

import json
from functools import cache
from pathlib import Path

REFERENCE = Path(__file__).parent / "reference" / "brian2_behaviour.json"


@cache
def _values() -> dict:
    return json.loads(REFERENCE.read_text())


def brian2_behaviour(*keys: str):
    """The entry at ``keys``, e.g. ``brian2_behaviour('shared_random', 'd')``."""
    entry = _values()
    for key in keys:
        entry = entry[key]
    return entry
