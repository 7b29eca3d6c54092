"""Reading figures and numbers across records: the columns of `list --figures`, the names a
--where condition may use, and the points of the chart across records (one query each)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from axonal.records.store import (
    RecordQuery,
    RecordStore,
    _filtered,
    details_table,
    figures_table,
    parameters_table,
    records_table,
)


def record_figures(
    store: RecordStore, labels: Sequence[str]
) -> dict[str, dict[str, dict[str, Any]]]:
    """{label: {figure name: stored figure}} of the records `labels`, from their detail
    documents (arrays included); a label without figures maps to {}. Decode a stored figure
    with `axonal.records.figures.decode_figure`."""
    statement = (
        sa.select(records_table.c.label, details_table.c.document)
        .join(details_table, details_table.c.record_id == records_table.c.id)
        .where(records_table.c.label.in_(list(labels)))
    )

    def read(connection: sa.Connection) -> dict[str, dict[str, dict[str, Any]]]:
        found = {label: {} for label in labels}
        for label, document in connection.execute(statement).all():
            found[label] = json.loads(document or "{}").get("figures") or {}
        return found

    return store._read(read)


def record_numbers(
    store: RecordStore, names: Sequence[str], query: RecordQuery | None = None
) -> list[dict[str, Any]]:
    """For each record matching `query` that has a number for every one of `names` (a
    scalar figure, else a numeric parameter): {"label", "started_at", name: (SI value,
    dimension key)}, oldest first (what a chart across records plots)."""
    query = query or RecordQuery()

    def read(connection: sa.Connection) -> list[dict[str, Any]]:
        ids = _filtered(sa.select(records_table.c.id), query).scalar_subquery()
        values: dict[int, dict[str, tuple[float, str]]] = {}
        for name in names:
            found: dict[int, tuple[float, str]] = {}
            figures = figures_table.c
            for record_id, number, dimensions in connection.execute(
                sa.select(figures.record_id, figures.number, figures.dimensions).where(
                    figures.name == name,
                    figures.number.is_not(None),
                    figures.record_id.in_(ids),
                )
            ).all():
                found[record_id] = (number, dimensions or "")
            table = parameters_table.c
            for record_id, number in connection.execute(
                sa.select(table.record_id, table.number).where(
                    table.name == name, table.number.is_not(None), table.record_id.in_(ids)
                )
            ).all():
                found.setdefault(record_id, (number, ""))
            for record_id, pair in found.items():
                values.setdefault(record_id, {})[name] = pair
        complete = [i for i, named in values.items() if len(named) == len(set(names))]
        if not complete:
            return []
        rows = connection.execute(
            sa.select(records_table.c.id, records_table.c.label, records_table.c.started_at)
            .where(records_table.c.id.in_(complete))
            .order_by(records_table.c.started_at, records_table.c.id)
        ).all()
        return [
            {"label": label, "started_at": started, **values[record_id]}
            for record_id, label, started in rows
        ]

    return store._read(read)


def field_names(store: RecordStore) -> dict[str, dict[str, set[str]]]:
    """The names of every figure (with their dimension keys) and every parameter stored."""

    def read(connection: sa.Connection) -> dict[str, dict[str, set[str]]]:
        figures: dict[str, set[str]] = {}
        statement = sa.select(figures_table.c.name, figures_table.c.dimensions).distinct()
        for name, dimensions in connection.execute(statement).all():
            figures.setdefault(name, set()).add(dimensions or "")
        names = sa.select(parameters_table.c.name).distinct()
        parameters = {name: set() for name in connection.execute(names).scalars()}
        return {"figures": figures, "parameters": parameters}

    return store._read(read)


def checked_condition(store: RecordStore, text: str | None) -> Any:
    """A --where condition parsed and checked against the names this store holds (None for
    no condition); errors name the typo or the unit mismatch."""
    if not text:
        return None
    from axonal.records.where import check_fields, parse_condition

    condition = parse_condition(text)
    check_fields(condition, field_names(store))
    return condition


def add_figure_columns(
    store: RecordStore, records: list[dict[str, Any]], names: str | None
) -> list[str]:
    """Put the chosen figures of each listed record, as text, in record["figures"] (a name that
    is no figure of the record is looked up among its parameters; "-" when it has neither);
    returns the column names. Reads the indexed tables only, not the detail documents."""
    from axonal.records.figures import format_value

    columns = [name.strip() for name in (names or "").split(",") if name.strip()]
    if not columns or not records:
        return columns
    ids = [record["id"] for record in records]
    cells: dict[tuple[int, str], str] = {}

    def read(connection: sa.Connection) -> None:
        table = parameters_table.c
        for record_id, name, text, number in connection.execute(
            sa.select(table.record_id, table.name, table.text, table.number).where(
                table.record_id.in_(ids), table.name.in_(columns)
            )
        ).all():
            cells[(record_id, name)] = text if number is None else format_value(number)
        table = figures_table.c
        for record_id, name, text in connection.execute(
            sa.select(table.record_id, table.name, table.text).where(
                table.record_id.in_(ids), table.name.in_(columns)
            )
        ).all():
            cells[(record_id, name)] = text  # a figure wins over a parameter of the same name

    store._read(read)
    for record in records:
        record["figures"] = {name: cells.get((record["id"], name), "-") for name in columns}
    return columns
