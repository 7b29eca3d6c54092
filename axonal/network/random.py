"""seed(): one call that makes every target's random numbers reproducible."""

from __future__ import annotations

import numpy as np

_seed_hooks: list = []


def register_seed_hook(hook) -> None:
    """Targets with their own generator (Numba) register a function seeding it."""
    _seed_hooks.append(hook)


def seed(value: int | None = None) -> None:
    """Seed the random numbers of every target (``None``: fresh entropy)."""
    np.random.seed(value)
    for hook in _seed_hooks:
        hook(value)
