"""Differences between two records: code, parameters, figures, platform, packages, outputs and
the model as run (equations, constants, dt, target, seeds, spikes)."""

from __future__ import annotations

from typing import Any

from axonal.records.model_summary import model_as_run

# Model-summary entries that vary from run to run of the same model (timings): never compared.
_VOLATILE_KEYS = ("wall_time", "elapsed", "seconds", "compile_time", "run_time")

SECTIONS = (
    "record", "code", "parameters", "figures", "platform", "packages", "outputs", "model"
)  # fmt: skip


def flatten_document(value: Any, prefix: str = "") -> dict[str, Any]:
    """A JSON-like value as {dotted path: leaf}; list items that have a name are keyed by it."""
    flat: dict[str, Any] = {}
    if isinstance(value, dict) and value:
        for key, item in value.items():
            flat.update(flatten_document(item, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(value, list) and value:
        names = [item.get("name") for item in value if isinstance(item, dict)]
        by_name = len(names) == len(value) and None not in names and len(set(names)) == len(names)
        for index, item in enumerate(value):
            key = item["name"] if by_name else str(index)
            flat.update(flatten_document(item, f"{prefix}[{key}]"))
    else:
        flat[prefix] = value
    return flat


def compare_values(a: Any, b: Any) -> list[tuple[str, Any, Any]]:
    """(path, value in a, value in b) for every leaf that differs; missing leaves are None."""
    flat_a, flat_b = flatten_document(a), flatten_document(b)
    return [
        (path, flat_a.get(path), flat_b.get(path))
        for path in sorted(set(flat_a) | set(flat_b))
        if flat_a.get(path) != flat_b.get(path)
    ]


def compare_outputs(
    a: list[dict[str, Any]] | None, b: list[dict[str, Any]] | None
) -> list[tuple[str, Any, Any]]:
    """(path, sha256 in a, sha256 in b) for output files that differ or exist on one side."""
    hashes_a = {file["path"]: file["sha256"] for file in a or []}
    hashes_b = {file["path"]: file["sha256"] for file in b or []}
    return [
        (path, hashes_a.get(path), hashes_b.get(path))
        for path in sorted(set(hashes_a) | set(hashes_b))
        if hashes_a.get(path) != hashes_b.get(path)
    ]


def stable_model(summaries: Any) -> Any:
    """A model summary without its timings."""
    if isinstance(summaries, dict):
        return {
            key: stable_model(value)
            for key, value in summaries.items()
            if not any(word in key for word in _VOLATILE_KEYS)
        }
    if isinstance(summaries, list):
        return [stable_model(item) for item in summaries]
    return summaries


def diff_records(a: dict[str, Any], b: dict[str, Any]) -> dict[str, list[tuple[str, Any, Any]]]:
    """Section name -> differences between records `a` and `b` (full records from the store)."""
    details_a, details_b = a.get("details", {}), b.get("details", {})
    record_fields = ("script", "status", "seed", "user", "hostname")
    code_a, code_b = details_a.get("code") or {}, details_b.get("code") or {}
    code_fields = ("repository", "commit", "branch", "dirty", "diff", "script_sha256")
    return {
        "record": compare_values(
            {name: a.get(name) for name in record_fields}
            | {"arguments": details_a.get("arguments")},
            {name: b.get(name) for name in record_fields}
            | {"arguments": details_b.get("arguments")},
        ),
        "code": compare_values(
            {name: code_a.get(name) for name in code_fields},
            {name: code_b.get(name) for name in code_fields},
        ),
        "parameters": compare_values(a.get("parameters") or {}, b.get("parameters") or {}),
        "figures": compare_values(_figure_texts(details_a), _figure_texts(details_b)),
        "platform": compare_values(details_a.get("platform"), details_b.get("platform")),
        "packages": compare_values(details_a.get("packages"), details_b.get("packages")),
        "outputs": compare_outputs(details_a.get("outputs"), details_b.get("outputs")),
        "model": compare_values(
            model_as_run(stable_model(details_a.get("model"))),
            model_as_run(stable_model(details_b.get("model"))),
        ),
    }


def _figure_texts(details: dict[str, Any]) -> dict[str, Any]:
    """Figures as their shown values (12.5 Hz, not SI numbers and exponents)."""
    return {name: figure.get("text") for name, figure in (details.get("figures") or {}).items()}


def _short(value: Any, width: int = 60) -> str:
    text = "(absent)" if value is None else str(value)
    text = text.replace("\n", "\\n")
    return text if len(text) <= width else text[: width - 3] + "..."


def format_diff(label_a: str, label_b: str, differences: dict[str, list]) -> str:
    """The differences as text, one section after another."""
    lines = [f"Differences between {label_a} (a) and {label_b} (b):"]
    for section in SECTIONS:
        found = differences.get(section, [])
        if not found:
            lines.append(f"  {section}: same")
            continue
        lines.append(f"  {section}: {len(found)} difference{'s' if len(found) > 1 else ''}")
        for path, value_a, value_b in found:
            lines.append(f"    {path}: a={_short(value_a)}  b={_short(value_b)}")
    return "\n".join(lines)
