"""The user's namespace: where names in model code are looked up when no namespace is given."""

from __future__ import annotations

import sys
from collections import ChainMap
from collections.abc import Mapping


def _is_axonal(frame) -> bool:
    module = frame.f_globals.get("__name__", "")
    return module == "axonal" or module.startswith("axonal.")


def user_namespace() -> Mapping[str, object]:
    """Locals then globals of the innermost calling frame outside the axonal package.

    ``G.v = 'rand()*(vt0 - vr) + vr'``, ``S.connect('i != j', p='p0')`` and reading a
    subexpression all resolve constants such as ``vt0`` and ``p0`` in the script that called
    axonal, however deep inside axonal the look-up happens.
    """
    frame = sys._getframe(1)
    while frame is not None and _is_axonal(frame):
        frame = frame.f_back
    if frame is None:
        return {}
    return ChainMap(dict(frame.f_locals), frame.f_globals)
