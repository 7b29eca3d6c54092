"""Which target generates code: 'numpy' (the reference) or 'numba' (compiled)."""

from __future__ import annotations

TARGETS = ("numpy", "numba")
_current = {"target": "numpy"}


def set_target(name: str) -> None:
    """Choose the code generation target for the following runs."""
    if name not in TARGETS:
        raise ValueError(f"unknown target {name!r}; choose one of {', '.join(TARGETS)}")
    _current["target"] = name


def current_target() -> str:
    return _current["target"]
