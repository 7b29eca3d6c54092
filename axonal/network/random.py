"""seed(): one call that makes every target's random numbers reproducible."""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from contextlib import contextmanager

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
    """Seed the random numbers of every target (``None``: fresh entropy).

    Example:

    >>> seed(42)
    >>> G = NeuronGroup(3, 'v : 1')
    >>> G.v = 'rand()'
    >>> first = G.v[:]
    >>> seed(42)
    >>> G.v = 'rand()'
    >>> bool((G.v[:] == first).all())
    True
    """
    np.random.seed(value)
    _last_seed[:] = [value]
    for hook in _seed_hooks:
        hook(value)


class _NumbaGeneratorState(ctypes.Structure):
    """The Mersenne Twister behind ``np.random`` in Numba-compiled code (numba/_random.c)."""

    _fields_ = [
        ("index", ctypes.c_int),
        ("mt", ctypes.c_uint * 624),
        ("has_gauss", ctypes.c_int),
        ("gauss", ctypes.c_double),
        ("is_initialized", ctypes.c_int),
    ]


def _numba_generator() -> _NumbaGeneratorState:
    """This thread's Numba generator (the one a serial compiled loop draws from)."""
    from numba import _helperlib

    return _NumbaGeneratorState.from_address(_helperlib.rnd_get_np_state_ptr())


@contextmanager
def numpy_stream_in_compiled_code() -> Iterator[None]:
    """Compiled code draws NumPy's numbers: the global generator's state goes into Numba's,
    and comes back afterwards.

    Both implement the same generator and the same ``rand()``/``randn()`` algorithms, so a
    compiled loop that draws in the order of the NumPy target's operations draws the same
    numbers, and draws in set-up code (``S.w = 'rand()'``) do not shift the loop's stream.
    """
    generator = _numba_generator()
    _, keys, position, has_gauss, gauss = np.random.get_state()
    ctypes.memmove(generator.mt, np.ascontiguousarray(keys, np.uint32).ctypes.data, 624 * 4)
    generator.index, generator.has_gauss, generator.gauss = position, has_gauss, gauss
    generator.is_initialized = 1
    try:
        yield
    finally:
        keys = np.ctypeslib.as_array(generator.mt).astype(np.uint32)
        state = ("MT19937", keys, generator.index, generator.has_gauss, generator.gauss)
        np.random.set_state(state)
