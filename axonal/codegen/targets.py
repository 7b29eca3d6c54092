"""Which target generates code: 'numpy' (the reference) or 'numba' (compiled)."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Mapping

from axonal.model.ir import Kernel

TARGETS = ("numpy", "numba")
# A preference for every script on this machine, e.g. AXONAL_TARGET=numpy.
TARGET_VARIABLE = "AXONAL_TARGET"


def compiled_target() -> str:
    """The compiled target when Numba is installed, else NumPy."""
    return "numba" if importlib.util.find_spec("numba") is not None else "numpy"


def _default_target() -> str:
    """The compiled target when Numba is installed, else NumPy; $AXONAL_TARGET overrides."""
    preferred = os.environ.get(TARGET_VARIABLE)
    if preferred:
        if preferred not in TARGETS:
            choices = ", ".join(TARGETS)
            raise ValueError(f"{TARGET_VARIABLE}={preferred!r} is not a target; choose {choices}")
        return preferred
    return compiled_target()


_current = {"target": _default_target()}


def set_target(name: str) -> None:
    """Choose the code generation target for the following runs."""
    if name not in TARGETS:
        raise ValueError(f"unknown target {name!r}; choose one of {', '.join(TARGETS)}")
    _current["target"] = name


def current_target() -> str:
    return _current["target"]


def compile_kernel(kernel: Kernel, functions: Mapping[str, object], target: str) -> Callable:
    """A callable ``(state, selection=all)`` running ``kernel`` on ``target``.

    ``functions`` maps names to the user's Function objects; each target takes its own
    implementation of them.
    """
    if target == "numba":
        from axonal.codegen.numba_target import compile_numba_kernel

        implementations = {name: f.numba_function() for name, f in functions.items()}
        return compile_numba_kernel(kernel, implementations)
    from axonal.codegen.numpy_target import compile_numpy_kernel

    implementations = {name: f.numpy_function() for name, f in functions.items()}
    return compile_numpy_kernel(kernel, implementations)
