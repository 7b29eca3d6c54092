"""A sweep's table, read from its records: a row per run with its parameters, seed, status,
duration, retries and the scalar figures it reported; written as CSV and Parquet."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SWEEP_TAG_PREFIX = "sweep:"
# Columns every table has, before the parameters and figures.
FIXED_COLUMNS = ("label", "run", "seed", "status", "duration", "retried", "host")


def sweep_records(store_url: str, label: str) -> list[dict[str, Any]]:
    """Every record of the sweep `label`, whole (details included), oldest first."""
    from axonal.records.store import RecordQuery, RecordStore

    store = RecordStore(store_url)
    try:
        light = store.list(RecordQuery(tags=[SWEEP_TAG_PREFIX + label], newest_first=False))
        return [store.get(record["label"]) for record in light]
    finally:
        store.close()


def _scalar(value: Any) -> tuple[Any, str | None] | None:
    """(a table cell, its unit) for a scalar figure; None for arrays (kept in the records)."""
    from axonal.records.figures import _quantity_parts

    parts = _quantity_parts(value)
    if parts is not None:
        raw, dimension = parts
        if raw.ndim:
            return None
        from axonal.units.display import format_quantity

        unit = format_quantity(value.with_dimensions(1.0, dimension)).split(" ", 1)
        return float(raw), unit[1] if len(unit) > 1 else None
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value, None
    if getattr(value, "ndim", None) == 0:
        return value.item(), None
    return None


def sweep_table(store_url: str, label: str, runs: list[Any] | None = None) -> Any:
    """The sweep's pandas DataFrame. With `runs` (the grid's runs), a run without a record has
    a row with status "missing"; a run recorded more than once (re-run by --resume) shows its
    finished record, else its newest. Figures with units are in SI; `table.attrs["units"]`."""
    import pandas as pd

    chosen: dict[str, dict[str, Any]] = {}
    for record in sweep_records(store_url, label):
        key = (record["details"].get("sweep") or {}).get("key") or record["label"]
        previous = chosen.get(key)
        if previous is None or previous["status"] != "finished":
            chosen[key] = record
    rows, units, parameter_names, figure_names = [], {}, [], []
    if runs is not None:
        order = [(run.key, run) for run in runs]
    else:
        order = sorted(
            ((key, None) for key in chosen),
            key=lambda item: (chosen[item[0]]["details"].get("sweep") or {}).get("index", 0),
        )
    for key, run in order:
        record = chosen.get(key)
        point = run.parameters if run is not None else json.loads(key).get("parameters", {})
        row: dict[str, Any] = {name: None for name in FIXED_COLUMNS}
        row.update(run=run.index if run is not None else None, seed=_seed_of(run, key))
        # A parameter named like a fixed column (`duration`) keeps its name; the run's own
        # column becomes run_duration.
        row = {(f"run_{name}" if name in point else name): value for name, value in row.items()}
        row.update(point)
        _remember(parameter_names, point)
        if record is None:
            row[_column("status", point)] = "missing"
        else:
            sweep = record["details"].get("sweep") or {}
            facts = {
                "label": record["label"],
                "run": sweep.get("index", row[_column("run", point)]),
                "status": record["status"],
                "duration": record["duration"],
                "retried": bool(sweep.get("retried")),
                "host": record.get("hostname"),
            }
            row.update({_column(name, point): value for name, value in facts.items()})
            from axonal.records.figures import figures_of

            for name, value in figures_of(record).items():
                cell = _scalar(value)
                if cell is None or name in point:
                    continue
                row[name] = cell[0]
                if cell[1]:
                    units[name] = cell[1]
                _remember(figure_names, [name])
        rows.append(row)
    fixed = [f"run_{name}" if name in parameter_names else name for name in FIXED_COLUMNS]
    columns = [*fixed, *parameter_names, *figure_names]
    table = pd.DataFrame(rows, columns=columns)
    table.attrs["units"] = units
    table.attrs["sweep"] = label
    table.attrs["parameters"] = parameter_names
    return table


def _column(name: str, point: dict[str, Any]) -> str:
    return f"run_{name}" if name in point else name


def _seed_of(run: Any, key: str) -> Any:
    return run.seed if run is not None else json.loads(key).get("seed")


def _remember(names: list[str], new: Any) -> None:
    for name in new:
        if name not in names:
            names.append(name)


def write_table(table: Any, folder: Path, label: str) -> tuple[Path, Path]:
    """Write `table` as `folder/LABEL.csv` and `folder/LABEL.parquet`; returns both paths."""
    folder.mkdir(parents=True, exist_ok=True)
    csv_path, parquet_path = folder / f"{label}.csv", folder / f"{label}.parquet"
    table.to_csv(csv_path, index=False)
    # Parquet wants one type per column: mixed columns (a text figure beside numbers) as text.
    writable = table.copy()
    for column in writable.columns:
        kinds = {type(value) for value in writable[column] if value is not None}
        if len(kinds) > 1 and not kinds <= {int, float, bool}:
            writable[column] = writable[column].map(lambda v: None if v is None else str(v))
    writable.attrs = {
        "units": json.dumps(table.attrs.get("units", {})),
        "parameters": json.dumps(table.attrs.get("parameters", [])),
        "sweep": label,
    }
    writable.to_parquet(parquet_path, index=False)
    return csv_path, parquet_path


def format_table(table: Any) -> str:
    """The table as text for `axonal sweep show`, units in the figure columns' headers."""
    units = table.attrs.get("units", {})
    shown = table.rename(columns={name: f"{name} ({unit})" for name, unit in units.items()})
    import pandas as pd

    with pd.option_context(
        "display.max_rows", None, "display.width", 200, "display.max_columns", None
    ):
        return shown.to_string(index=False)
