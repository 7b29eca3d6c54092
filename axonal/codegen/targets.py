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
    """Choose the code generation target for the following runs: ``'numpy'`` or ``'numba'``.

    ``'numpy'`` is the reference target (vectorised NumPy, always available); ``'numba'`` compiles
    the whole network's time loop into one function (needs Numba, installed with axonal).
    ``$AXONAL_TARGET`` sets the default for every script on a machine.

    ``'numba'``, chosen here or by default, starts tiered: a run whose loop is not compiled yet
    begins on NumPy while another process compiles it, with the same results
    (``prefs.codegen.tiered_start``; set it to False to run compiled from the first step).

    Example::

        >>> set_target('numpy')
        >>> get_target()
        'numpy'
    """
    if name not in TARGETS:
        raise ValueError(f"unknown target {name!r}; choose one of {', '.join(TARGETS)}")
    _current["target"] = name


def get_target() -> str:
    """The target the next run generates code for: ``'numpy'`` or ``'numba'``.

    It is the compiled target when Numba is installed, unless ``$AXONAL_TARGET`` or
    ``set_target`` chose another.

    Example::

        >>> set_target('numpy')
        >>> get_target()
        'numpy'
    """
    return _current["target"]


# The name the other rooms use.
current_target = get_target


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
