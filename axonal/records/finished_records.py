"""Records written whole, after their runs ended, several in one transaction (a sweep's client
writes the records its workers hand back): the same rows as `RecordStore.create` followed by
`update`, without the record ever showing "running" and with one commit for the batch."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from axonal.records.store import (
    RecordStore,
    _escape_like,
    _fitted,
    _write_figure_rows,
    _write_parameter_rows,
    details_table,
    records_table,
    tags_table,
)


@dataclass
class FinishedRecord:
    """One ended run's record: opening fields and details merged with the closing ones (as
    `update` merges them), and its tags. `fields["label"]` is wanted, not chosen: a taken one
    gets the next free `_N` suffix, as `create(label_is_chosen=False)` gives it."""

    fields: dict[str, Any]
    details: dict[str, Any]
    tags: Sequence[str] = field(default_factory=tuple)


def add_finished(store: RecordStore, records: Sequence[FinishedRecord]) -> list[str]:
    """Insert `records` (status not "running") in one transaction; returns their labels."""
    if not records:
        return []
    for record in records:
        if record.fields.get("status", "running") == "running":
            raise ValueError(f"The record {record.fields['label']!r} is still running.")
    try:
        return store._write(lambda connection: _insert_all(connection, records))
    except IntegrityError:
        # Another writer took one of the labels between our check and the insert: one by one.
        return [label for record in records for label in _insert_one(store, record)]


def _insert_one(store: RecordStore, record: FinishedRecord) -> list[str]:
    return store._write(lambda connection: _insert_all(connection, [record]))


def _insert_all(connection: sa.Connection, records: Sequence[FinishedRecord]) -> list[str]:
    labels = _free_labels(connection, [record.fields["label"] for record in records])
    for record, label in zip(records, labels, strict=True):
        fields = _fitted({**record.fields, "label": label})
        parameters = fields.get("parameters") or {}
        fields["parameters"] = json.dumps(parameters, default=str)
        record_id = connection.execute(
            records_table.insert().returning(records_table.c.id), fields
        ).scalar_one()
        connection.execute(
            details_table.insert(),
            {"record_id": record_id, "document": json.dumps(record.details, default=str)},
        )
        tags = sorted(set(record.tags))
        if tags:
            connection.execute(
                tags_table.insert(), [{"record_id": record_id, "tag": tag} for tag in tags]
            )
        _write_parameter_rows(connection, record_id, parameters)
        _write_figure_rows(connection, record_id, record.details.get("figures") or {})
    return labels


def _free_labels(connection: sa.Connection, wanted: list[str]) -> list[str]:
    """Each wanted label, or `label_N` with N above every suffix taken (in the store or by an
    earlier record of the batch)."""
    taken = set(
        connection.execute(
            sa.select(records_table.c.label).where(records_table.c.label.in_(wanted))
        ).scalars()
    )
    chosen: list[str] = []
    for label in wanted:
        if label not in taken and label not in chosen:
            chosen.append(label)
            continue
        pattern = f"{_escape_like(label)}\\_%"
        suffixed = connection.execute(
            sa.select(records_table.c.label).where(records_table.c.label.like(pattern, escape="\\"))
        ).scalars()
        numbers = [
            int(name[len(label) + 1 :])
            for name in [*suffixed, *chosen]
            if name.startswith(label + "_") and name[len(label) + 1 :].isdigit()
        ]
        chosen.append(f"{label}_{max([*numbers, 1]) + 1}")
    return chosen
