"""Functions a Numba kernel may call: their code forms, compiled user functions, seeding."""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable, Mapping

import numpy as np
from numba import njit

from axonal.codegen.numba_printer import NUMBA_FUNCTION_FORMS

__all__: list[str] = []  # internal room: nothing here is part of the user's namespace


def function_forms(functions: Mapping[str, Callable] | None) -> dict[str, str]:
    forms = dict(NUMBA_FUNCTION_FORMS)
    for name in functions or {}:
        forms[name] = f"user_{name}"
    return forms


def compiled_user_functions(functions: Mapping[str, Callable] | None) -> dict[str, object]:
    from numba.core.registry import CPUDispatcher

    compiled = {}
    for name, function in (functions or {}).items():
        if not isinstance(function, CPUDispatcher):
            function = njit(function)
        compiled[f"user_{name}"] = function
    return compiled


def function_fingerprints(functions: Mapping[str, Callable] | None) -> list[str]:
    """One line per user function identifying its code, so that a change changes the source."""
    lines = []
    for name, function in sorted((functions or {}).items()):
        python_function = getattr(function, "py_func", function)
        try:
            text = inspect.getsource(python_function)
        except (OSError, TypeError):
            code = python_function.__code__
            text = repr((code.co_code, code.co_consts, code.co_names))
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        lines.append(f"# user function {name}: {digest}")
    return lines


@njit(cache=True)
def _seed_numba_generator(value):
    np.random.seed(value)


def seed_numba(value: int | None = None) -> None:
    """Seed Numba's own random generator (``rand()``/``randn()`` in compiled code).

    Register it with ``axonal.network.random.register_seed_hook`` so that ``seed(n)`` reaches it.
    """
    if value is None:
        value = int(np.random.SeedSequence().generate_state(1)[0] >> 1)
    _seed_numba_generator(value)
