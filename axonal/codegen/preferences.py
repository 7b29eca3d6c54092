"""Brian 2's ``prefs`` as far as axonal has them: ``prefs.codegen.target`` chooses the target,
``prefs.core.default_float_dtype`` (float64 or float32) the dtype of the floating-point
variables of groups created after it, ``prefs.codegen.tiered_start`` (axonal's own; on unless
``$AXONAL_TIERED_START`` is 0) whether a compiled run whose loop is not compiled yet starts on
NumPy while another process compiles it (False: compiled from the first step).

Brian 2 scripts often begin with ``prefs.codegen.target = 'numpy'`` (or ``'cython'``). Here
'numpy' is the NumPy target and Brian's compiled runtime targets ('cython', 'weave') and
'auto' mean axonal's compiled one (Numba, when installed). A preference axonal has no use for
(compiler flags, ...) is accepted with a warning that it changes nothing;
one that Brian 2 does not have either is an error.
"""

from __future__ import annotations

import logging
import os

import numpy as np

from axonal.codegen.targets import compiled_target, current_target, set_target

__all__ = ["prefs"]

logger = logging.getLogger("axonal.codegen")

_COMPILED_TARGETS = ("cython", "weave", "auto", "numba")
# Sections of Brian 2's preferences: anything below them is accepted (and has no effect here).
_BRIAN_SECTIONS = ("codegen", "core", "devices", "logging", "legacy")


class PreferenceError(AttributeError, KeyError):
    """A preference name that neither axonal nor Brian 2 knows."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


def _set_codegen_target(value: str) -> None:
    if value == "numpy":
        set_target("numpy")
    elif value in _COMPILED_TARGETS:
        set_target(compiled_target())
    else:
        raise ValueError(
            f"prefs.codegen.target = {value!r}: choose 'numpy', or 'cython'/'auto' for the "
            "compiled target"
        )


# The dtype of the floating-point variables a model declares, for groups created from now on.
_FLOAT_DTYPE = ["float64"]


def _set_float_dtype(value) -> None:
    try:
        dtype = np.dtype(value)
    except TypeError:
        dtype = None
    if dtype is None or dtype.name not in ("float32", "float64"):
        raise ValueError(f"prefs.core.default_float_dtype = {value!r}: choose float32 or float64")
    _FLOAT_DTYPE[0] = dtype.name


# Whether a compiled run whose loop is not compiled yet starts on NumPy while another process
# compiles it (axonal/network/tiered.py). On by default; AXONAL_TIERED_START=0 turns it off
# for every script on a machine (a CI job or a benchmark that measures the compiled loop).
TIERED_START_VARIABLE = "AXONAL_TIERED_START"


def _default_tiered_start() -> bool:
    value = os.environ.get(TIERED_START_VARIABLE, "1").strip().lower()
    if value in ("1", "true", "yes", "on", ""):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{TIERED_START_VARIABLE}={value!r}: choose 1 (tiered start) or 0 (off)")


_TIERED_START = [_default_tiered_start()]


def _set_tiered_start(value) -> None:
    if not isinstance(value, bool | np.bool_):
        raise ValueError(f"prefs.codegen.tiered_start = {value!r}: choose True or False")
    _TIERED_START[0] = bool(value)


def tiered_start() -> bool:
    """What ``prefs.codegen.tiered_start`` chooses (see axonal/network/tiered.py)."""
    return _TIERED_START[0]


def default_float_dtype() -> str:
    """'float64' or 'float32': what ``prefs.core.default_float_dtype`` chooses."""
    return _FLOAT_DTYPE[0]


class _Preferences:
    """Dotted access (``prefs.codegen.target``) and item access (``prefs['codegen.target']``).

    Example:

    >>> prefs.codegen.target = 'numpy'     # as in Brian 2 scripts
    >>> get_target(), prefs['codegen.target']
    ('numpy', 'numpy')
    """

    def __init__(self, path: str = "") -> None:
        object.__setattr__(self, "_path", path)

    def _full(self, name: str) -> str:
        return f"{self._path}.{name}" if self._path else name

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        full = self._full(name)
        if full == "codegen.target":
            return "numpy" if current_target() == "numpy" else "cython"
        if full == "core.invalid_values":
            from axonal.network import invalid_values

            return invalid_values.mode()
        if full == "core.default_float_dtype":
            return np.dtype(_FLOAT_DTYPE[0]).type
        if full == "codegen.tiered_start":
            return _TIERED_START[0]
        if full in _IGNORED:
            return _IGNORED[full]
        if full.split(".")[0] not in _BRIAN_SECTIONS:
            raise PreferenceError(f"there is no preference {full!r}")
        return _Preferences(full)

    def __setattr__(self, name: str, value) -> None:
        full = self._full(name)
        if full == "codegen.target":
            _set_codegen_target(value)
            return
        if full == "core.invalid_values":  # NaN/inf after a run: 'warn', 'error', 'ignore'
            from axonal.network import invalid_values

            invalid_values.set_mode(value)
            return
        if full == "core.default_float_dtype":
            _set_float_dtype(value)
            return
        if full == "codegen.tiered_start":
            _set_tiered_start(value)
            return
        if full.split(".")[0] not in _BRIAN_SECTIONS or "." not in full:
            raise PreferenceError(f"there is no preference {full!r}")
        logger.warning("prefs.%s = %r has no effect in axonal", full, value)
        _IGNORED[full] = value

    def __getitem__(self, name: str):
        value = _ROOT
        for part in self._full(name).split("."):
            value = getattr(value, part)
        return value

    def __setitem__(self, name: str, value) -> None:
        *sections, last = self._full(name).split(".")
        setattr(_Preferences(".".join(sections)), last, value)

    def __repr__(self) -> str:
        return f"<prefs {self._path or '(all)'}>"


_IGNORED: dict[str, object] = {}  # preferences set that have no effect here (read back as set)
_ROOT = _Preferences()
prefs = _ROOT
