"""State updates cached in memory and on disk, so SymPy runs once per model, not once per run.

Symbolic integration (and importing SymPy at all) costs seconds; its result depends only on
the right-hand sides, the method and the names constant over a step, never on the group's
name or parameter values. A second run of the same model, in this process or a new one, reads
the statements back without importing SymPy.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import axonal
from axonal import integrate
from axonal.codegen.cache_folder import cache_directory
from axonal.model.ir import Expression, Statement

logger = logging.getLogger("axonal.integrate")

__all__: list[str] = []


@dataclass(frozen=True)
class CachedStateUpdate:
    method: str
    statements: tuple[Statement, ...]


_in_memory: dict[str, CachedStateUpdate] = {}


def _key(rhs: dict[str, Expression], method: str | None, constant: frozenset[str]) -> str:
    described = json.dumps(
        {"rhs": sorted((name, expr.code) for name, expr in rhs.items()), "method": method,
         "constant": sorted(constant), "axonal": axonal.__version__},
    )  # fmt: skip
    return hashlib.sha256(described.encode()).hexdigest()[:32]


def _path(key: str) -> Path:
    return cache_directory() / "state_updates" / f"{key}.json"


def _read(key: str) -> CachedStateUpdate | None:
    try:
        stored = json.loads(_path(key).read_text())
    except (OSError, ValueError):
        return None
    statements = tuple(
        Statement(s["target"], s["op"], Expression(s["expr"]), temporary=s["temporary"])
        for s in stored["statements"]
    )
    return CachedStateUpdate(stored["method"], statements)


def _write(key: str, update: CachedStateUpdate) -> None:
    data = {
        "method": update.method,
        "statements": [
            {"target": s.target, "op": s.op, "expr": s.expr.code, "temporary": s.temporary}
            for s in update.statements
        ],
    }
    path = _path(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w") as stream:
            json.dump(data, stream)
        os.replace(temporary, path)  # readers see the whole file or none
    except OSError as error:
        logger.debug("state update not cached on disk (%s)", error)


def cached_state_update(rhs: dict[str, Expression], method: str | None, owner: str,
                        constant_over_dt: frozenset[str]) -> CachedStateUpdate:  # fmt: skip
    """``integrate.state_update`` for ``rhs``, from the cache when the model was seen before."""
    key = _key(rhs, method, constant_over_dt)
    update = _in_memory.get(key) or _read(key)
    if update is None:
        computed = integrate.state_update(rhs, method, owner=owner,
                                          constant_over_dt=constant_over_dt)  # fmt: skip
        update = CachedStateUpdate(computed.method, tuple(computed.statements))
        _write(key, update)
    elif method is None:
        logger.info("No integration method given for %r, using %r (as before for these "
                    "equations)", owner, update.method)  # fmt: skip
    _in_memory[key] = update
    return update
