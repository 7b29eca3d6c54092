"""The model as run, for a record: each run's groups and equations, the external constants with
their units, dt, the target, the seed and the spikes' digests.

The network describes each `run()` (`axonal.network.run_summaries()`); what it cannot say is
which values the equations took from the script's namespace. `ConstantsWatcher` learns those in
the script's process through a read-only hook of the name resolution
(`axonal.model.namespace.constant_observers`), installed only once the script imports the
simulator, so that scripts without a model pay nothing. A constant belongs to the run during (or
before) which it was resolved, and to every later run: a second `run()` of the same objects
resolves nothing new but runs with the same values.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.util
import json
import sys
from collections.abc import Callable
from typing import Any

NAMESPACE_MODULE = "axonal.model.namespace"
# An array constant longer than this is kept as its shape, range and digest, not its values.
MAX_CONSTANT_ELEMENTS = 100


class _AfterImport(importlib.abc.MetaPathFinder):
    """Calls `callback(module)` once `name` has been imported (a one-shot import hook)."""

    def __init__(self, name: str, callback: Callable[[Any], None]):
        self.name, self.callback = name, callback

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        execute, callback = spec.loader.exec_module, self.callback

        def exec_module(module: Any) -> None:
            execute(module)
            callback(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


class ConstantsWatcher:
    """Collects, in the script's process, every external constant a model resolves."""

    def __init__(self) -> None:
        self.seen: list[tuple[int, str, str, dict[str, Any]]] = []
        self._described: set[tuple[int, str, str, int]] = set()
        module = sys.modules.get(NAMESPACE_MODULE)
        if module is not None:
            module.constant_observers.append(self._observe)
        else:
            sys.meta_path.insert(
                0,
                _AfterImport(
                    NAMESPACE_MODULE, lambda loaded: loaded.constant_observers.append(self._observe)
                ),
            )

    def _observe(self, owner: str, found: Any) -> None:
        network = sys.modules.get("axonal.network.network")
        run_index = len(getattr(network, "_run_summaries", ()))
        # The same value resolved again (each expression of a group resolves its names) is
        # described once: a large array constant is hashed once per run, not per expression.
        key = (run_index, owner, found.name, id(found.value))
        if key in self._described:
            return
        self._described.add(key)
        self.seen.append((run_index, owner, found.name, describe_constant(found.value)))

    def by_run(self) -> list[list[Any]]:
        """[run index in this process, owner, name, constant] for each resolution."""
        return [list(item) for item in self.seen]


# Scalar constants described already in this process, by (kind, value, dimension): a sweep's
# kept interpreter formats each constant once, not in every run (0.5 ms each with a unit).
_SCALAR_DESCRIPTIONS: dict[tuple[Any, ...], dict[str, Any]] = {}
_MAX_SCALAR_DESCRIPTIONS = 10_000


def describe_constant(value: Any) -> dict[str, Any]:
    """A constant as {"value" (SI), "unit" (SI symbol or None), "text"}; long arrays as their
    shape, range and SHA-256."""
    import numpy as np

    from axonal.records.figures import format_value

    raw = np.asarray(value)
    dimension = getattr(value, "dim", None)
    exponents = tuple(dimension.exponents) if dimension is not None else ()
    if raw.ndim == 0:
        number = raw.item()
        key = (type(number), number, exponents)
        known = _SCALAR_DESCRIPTIONS.get(key)
        if known is None:
            known = _describe_scalar(value, number, dimension if any(exponents) else None)
            if len(_SCALAR_DESCRIPTIONS) >= _MAX_SCALAR_DESCRIPTIONS:
                _SCALAR_DESCRIPTIONS.clear()
            _SCALAR_DESCRIPTIONS[key] = known
        return dict(known)
    unit = _unit_name(dimension) if any(exponents) else None
    if raw.size <= MAX_CONSTANT_ELEMENTS:
        return {"value": raw.tolist(), "unit": unit, "text": format_value(value)}
    digest = hashlib.sha256(np.ascontiguousarray(raw).tobytes()).hexdigest()
    text = f"array {raw.shape} from {raw.min():.6g} to {raw.max():.6g}" + (
        f" {unit}" if unit else ""
    )
    return {
        "shape": list(raw.shape), "min": float(raw.min()), "max": float(raw.max()),
        "sha256": digest, "unit": unit, "text": text + f", sha256 {digest[:12]}",
    }  # fmt: skip


def _unit_name(dimension: Any) -> str:
    from axonal.units.registry import get_unit

    return get_unit(dimension).dispname


def _describe_scalar(value: Any, number: Any, dimension: Any) -> dict[str, Any]:
    if dimension is None:
        return {"value": number, "unit": None, "text": f"{number:.12g}"}
    from axonal.units.display import format_quantity

    return {
        "value": number,
        "unit": _unit_name(dimension),
        "text": format_quantity(value, ".12g"),
    }


def attach_constants(
    model: list[dict[str, Any]], seen: list[list[Any]], first_run: int = 0
) -> None:
    """Give each run summary of `model` its "constants": {owner: {name: constant}}, those
    resolved up to and during that run (`first_run` is the process's index of model[0])."""
    for offset, summary in enumerate(model):
        index = first_run + offset
        constants: dict[str, dict[str, Any]] = {}
        for run_index, owner, name, constant in seen:
            if run_index <= index:
                constants.setdefault(owner, {})[name] = constant
        summary["constants"] = {
            owner: dict(sorted(v.items())) for owner, v in sorted(constants.items())
        }


def model_as_run(model: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Each run of a model summary as the facts a reader looks for, in a fixed order: target,
    dt, seed, duration, the objects (equations, sizes), the constants (as text) and the spikes
    (count and digest per monitor)."""
    runs = []
    for summary in model or []:
        if "objects" not in summary:  # not a network's summary: compared as it is
            runs.append(summary)
            continue
        objects = summary.get("objects") or []
        runs.append(
            {
                "network": summary.get("network"),
                "target": summary.get("target"),
                "dt": summary.get("dt"),
                "seed": summary.get("seed"),
                "start": summary.get("start"),
                "duration": summary.get("duration"),
                "objects": {
                    item.get("name"): {
                        key: value
                        for key, value in item.items()
                        if key not in ("name", "spike_digest", "events")
                    }
                    for item in objects
                },
                "constants": {
                    owner: {name: constant.get("text") for name, constant in values.items()}
                    for owner, values in (summary.get("constants") or {}).items()
                },
                "spikes": {
                    item.get("name"): {"count": item.get("events"), "digest": item["spike_digest"]}
                    for item in objects
                    if "spike_digest" in item
                },
            }
        )
    return runs


def format_model(model: list[dict[str, Any]] | None) -> list[str]:
    """The model as run, as indented text lines for `axonal show`."""
    if model is None:
        return ["Model       : (no summary: the script did not use axonal's network)"]
    runs = model_as_run(model)
    lines = [f"Model       : {len(runs)} run{'s' if len(runs) != 1 else ''}"]
    for number, run in enumerate(runs, start=1):
        if "objects" not in run:
            lines.append(f"  run {number}: {json.dumps(run, default=str)}")
            continue
        dt = ", ".join(f"{value * 1000:g} ms" for value in run["dt"] or [])
        lines.append(
            f"  run {number}: network {run['network']}, target {run['target']}, dt {dt}, "
            f"seed {run['seed']}, {run['duration']:g} s from t={run['start']:g} s"
        )
        for name, item in run["objects"].items():
            kind = item.get("kind", "")
            size = next((f"{key}={item[key]}" for key in ("N", "synapses") if key in item), "")
            lines.append(f"    {kind} {name} {size}".rstrip())
            equations = item.get("equations")
            if equations:
                lines += [f"      {line}" for line in str(equations).splitlines() if line.strip()]
            for key in ("method", "pathways", "source", "target", "variables"):
                if item.get(key):
                    lines.append(f"      {key}: {item[key]}")
        for owner, values in run["constants"].items():
            shown = ", ".join(f"{name} = {text}" for name, text in values.items())
            lines.append(f"    constants of {owner}: {shown}")
        for monitor, spikes in run["spikes"].items():
            lines.append(
                f"    spikes of {monitor}: {spikes['count']}, digest {spikes['digest'][:16]}"
            )
    return lines
