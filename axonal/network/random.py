"""seed(): one call that makes every target's random numbers reproducible."""

from __future__ import annotations

import numpy as np

_seed_hooks: list = []
# The last seed() value, for a generator that appears after the call (Numba, loaded lazily).
_last_seed: list = []


def register_seed_hook(hook) -> None:
    """Targets with their own generator (Numba) register a function seeding it."""
    _seed_hooks.append(hook)


def register_numba_seed(hook) -> None:
    """Register Numba's seeding function once; it takes the last ``seed()`` value at once."""
    if hook in _seed_hooks:
        return
    register_seed_hook(hook)
    if _last_seed:
        hook(_last_seed[0])


def last_seed() -> int | None:
    """The value of the last ``seed()`` call (None before any, or after ``seed(None)``)."""
    return _last_seed[0] if _last_seed else None


def seed(value: int | None = None) -> None:
    """Seed the random numbers of every target (``None``: fresh entropy)."""
    np.random.seed(value)
    _last_seed[:] = [value]
    for hook in _seed_hooks:
        hook(value)
