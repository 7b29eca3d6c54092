"""The record store: SQLite (embedded, default) or PostgreSQL (shared), through SQLAlchemy Core.

A record's searchable facts are indexed columns of `records`; everything large (stdout, the code
diff, packages, the model summary) lives in `record_details`, which `list` never reads. Tags and
flattened parameters have their own indexed tables so that filters stay fast at 100 000 records.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError

from axonal.records.errors import DuplicateLabelError, StoreError, UnknownLabelError
from axonal.records.parameter_sets import flatten

STATUSES = ("running", "finished", "failed", "killed")
# Longest name, tag or label a column keeps (records.label, record_tags.tag, parameter names).
TEXT_LIMIT = 200
# An SQLite store file that has been empty this long is not being created: its records are gone.
EMPTY_STORE_AGE_SECONDS = 10.0
# How long a writer keeps trying when SQLite says another process holds the lock.
LOCK_PATIENCE_SECONDS = 120.0

metadata = sa.MetaData()

records_table = sa.Table(
    "records",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("label", sa.String(200), nullable=False, unique=True),
    sa.Column("project", sa.String(200), nullable=False, index=True),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("started_at", sa.DateTime, nullable=False, index=True),
    sa.Column("duration", sa.Float),
    sa.Column("user", sa.String(200)),
    sa.Column("hostname", sa.String(200)),
    sa.Column("pid", sa.Integer),
    sa.Column("script", sa.String(1000), index=True),
    sa.Column("reason", sa.Text),
    sa.Column("outcome", sa.Text),
    sa.Column("commit", sa.String(64)),
    sa.Column("dirty", sa.Boolean),
    sa.Column("seed", sa.String(64)),
    sa.Column("parameters", sa.Text),
)

details_table = sa.Table(
    "record_details",
    metadata,
    sa.Column(
        "record_id", sa.Integer, sa.ForeignKey("records.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("document", sa.Text, nullable=False),
)

tags_table = sa.Table(
    "record_tags",
    metadata,
    sa.Column(
        "record_id", sa.Integer, sa.ForeignKey("records.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("tag", sa.String(200), primary_key=True, index=True),
)

parameters_table = sa.Table(
    "record_parameters",
    metadata,
    sa.Column(
        "record_id", sa.Integer, sa.ForeignKey("records.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("text", sa.String(1000)),
    sa.Column("number", sa.Float),
    sa.Index("ix_record_parameters_name_text", "name", "text"),
    sa.Index("ix_record_parameters_name_number", "name", "number"),
)

# Added after the first stores were made: an existing store gets the table on first use
# (see `_with_schema`); records made before it simply have no figures.
figures_table = sa.Table(
    "record_figures",
    metadata,
    sa.Column(
        "record_id", sa.Integer, sa.ForeignKey("records.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("number", sa.Float),  # scalar figures, in SI units
    sa.Column("dimensions", sa.String(100)),  # SI exponents, '' for plain numbers
    sa.Column("text", sa.String(1000)),
    sa.Index("ix_record_figures_name_number", "name", "number"),
)

# While a run goes on, its `axonal run` renews a lease here; a running record whose lease has
# expired has lost its process, whichever host looks (see liveness.py). Its own table, so that
# stores made before it get it on first use.
leases_table = sa.Table(
    "record_leases",
    metadata,
    sa.Column(
        "record_id", sa.Integer, sa.ForeignKey("records.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("expires_at", sa.DateTime, nullable=False),
)

_LEASE_EXPIRY = leases_table.c.expires_at.label("lease_expires_at")
LIST_COLUMNS = (
    "label", "status", "started_at", "duration", "script", "reason", "outcome", "hostname", "pid"
)  # fmt: skip
LONG_LIST_COLUMNS = LIST_COLUMNS + ("user", "commit", "dirty", "seed", "parameters")
SCALAR_FIELDS = tuple(column.name for column in records_table.columns if column.name != "id")


@dataclass(frozen=True)
class ParameterFilter:
    """`name OP value` over a recorded parameter; numbers compare as numbers."""

    name: str
    operator: str
    value: Any

    @classmethod
    def parse(cls, text: str) -> ParameterFilter:
        found = re.fullmatch(r"\s*([\w.-]+)\s*(==|!=|<=|>=|=|<|>)\s*(.*?)\s*", text)
        if not found:
            raise StoreError(
                f"Cannot read the parameter filter {text!r}; expected e.g. N=100, rate>5 or "
                "model=lif"
            )
        from axonal.records.parameter_sets import infer_value

        name, operator, value = found.groups()
        return cls(name, "=" if operator == "==" else operator, infer_value(value))


@dataclass
class RecordQuery:
    """What `list` asks for; every criterion is optional."""

    tags: Sequence[str] = ()
    status: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    parameters: Sequence[ParameterFilter] = ()
    where: Any = None  # a parsed --where condition (axonal.records.where.Condition)
    search: str | None = None
    script: str | None = None
    project: str | None = None
    limit: int | None = None
    offset: int = 0
    newest_first: bool = True


Result = TypeVar("Result")


def _utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def check_field_limits(fields: dict[str, Any], tags: Iterable[str] = ()) -> None:
    """Refuse, before a run starts, a value longer than the store's column keeps."""
    for name in ("label", "project", "user", "hostname", "script", "commit", "seed"):
        value = fields.get(name)
        limit = records_table.c[name].type.length
        if isinstance(value, str) and len(value) > limit:
            raise StoreError(
                f"The record's {name} {_shortened(value)} is {len(value)} characters long; "
                f"the store keeps at most {limit}."
            )
    for tag in tags:
        if len(tag) > TEXT_LIMIT:
            raise StoreError(
                f"The tag {_shortened(tag)} is {len(tag)} characters long; "
                f"the store keeps at most {TEXT_LIMIT}."
            )
    for name in flatten(fields.get("parameters") or {}):
        if len(name) > TEXT_LIMIT:
            raise StoreError(
                f"The parameter name {_shortened(name)} is {len(name)} characters long; "
                f"the store keeps at most {TEXT_LIMIT}."
            )


def _shortened(text: str) -> str:
    return repr(text) if len(text) <= 40 else repr(text[:40]) + "..."


def _fitted(fields: dict[str, Any]) -> dict[str, Any]:
    """`fields` cut to the columns' lengths: a closing write must not fail on a long value the
    script chose (its full value stays in the parameters)."""
    fitted = dict(fields)
    for name, value in fields.items():
        column = records_table.c.get(name)
        limit = getattr(column.type, "length", None) if column is not None else None
        if isinstance(value, str) and limit is not None and len(value) > limit:
            fitted[name] = value[: limit - 3] + "..."
    return fitted


def _parameter_row(record_id: int, name: str, value: Any) -> dict[str, Any]:
    number = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return {"record_id": record_id, "name": name, "text": text[:1000], "number": number}


def display_url(url: str) -> str:
    """A store URL with any password hidden."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url


class RecordStore:
    """Run records in one database; every write is a short transaction retried on a busy lock."""

    def __init__(self, url: str):
        self.url = url
        try:
            self.engine = _make_engine(url)
        except (sa.exc.ArgumentError, ModuleNotFoundError) as error:
            raise StoreError(f"Cannot open the record store {display_url(url)}: {error}") from None
        self._schema_ready = False
        self._empty_file = _empty_sqlite_file(url)

    def __repr__(self) -> str:
        return f"RecordStore({display_url(self.url)!r})"

    def close(self) -> None:
        self.engine.dispose()

    # -- transactions -------------------------------------------------------------------------

    def _write(self, work: Callable[[sa.Connection], Result]) -> Result:
        """Run `work` in a write transaction, retrying while another writer holds the lock."""
        return self._with_schema(lambda: self._retry(lambda: self._in_transaction(work, True)))

    def _read(self, work: Callable[[sa.Connection], Result]) -> Result:
        return self._with_schema(lambda: self._retry(lambda: self._in_transaction(work, False)))

    def _with_schema(self, attempt: Callable[[], Result]) -> Result:
        # The tables are created on first use; checking for them on every call would cost each
        # `axonal run` a few catalogue queries, so a missing table is noticed when it fails.
        if self._empty_file is not None and not self._schema_ready:
            self.ensure_schema()  # refuses: connecting would write to the emptied file
        try:
            try:
                return attempt()
            except sa.exc.DBAPIError as error:
                if isinstance(error, IntegrityError):
                    raise
                if self._schema_ready or not _is_missing_table(error):
                    raise
            self.ensure_schema()
            return attempt()
        except IntegrityError:
            raise
        except sa.exc.DBAPIError as error:
            raise StoreError(
                f"The record store {display_url(self.url)} failed: {error.orig}"
            ) from error

    def _in_transaction(self, work: Callable[[sa.Connection], Result], write: bool) -> Result:
        with self.engine.connect().execution_options(axonal_write=write) as connection:
            with connection.begin():
                return work(connection)

    def _retry(self, attempt: Callable[[], Result]) -> Result:
        deadline = time.monotonic() + LOCK_PATIENCE_SECONDS
        delay = 0.005
        while True:
            try:
                return attempt()
            except OperationalError as error:
                if not _is_transient(error) or time.monotonic() > deadline:
                    raise
            time.sleep(delay * (1 + random.random()))
            delay = min(delay * 2, 0.5)

    def ensure_schema(self, new_store: bool = False) -> None:
        """Create the tables if this store has none yet (safe when many processes race).

        An SQLite file that has been empty for a while lost its records: it is not silently
        made a new store, unless `new_store` (`axonal init`) asks for one."""
        if self._schema_ready:
            return
        if self._empty_file is not None and not new_store:
            raise StoreError(
                f"The record store {self._empty_file} is an empty file (0 bytes): the records "
                "it held are gone. Restore it from a backup, or run `axonal init` to start a "
                "new, empty store there."
            )
        self._empty_file = None

        def create() -> None:
            try:
                metadata.create_all(self.engine, checkfirst=True)
            except (OperationalError, sa.exc.ProgrammingError, IntegrityError) as error:
                # Another process created the tables between our check and our CREATE.
                if "already exists" not in str(error):
                    raise

        try:
            self._retry(create)
        except sa.exc.SQLAlchemyError as error:
            raise StoreError(
                f"Cannot open the record store {display_url(self.url)}: {error}"
            ) from error
        self._schema_ready = True

    # -- writing ------------------------------------------------------------------------------

    def create(
        self,
        fields: dict[str, Any],
        details: dict[str, Any],
        label_is_chosen: bool,
        tags: Iterable[str] = (),
        lease_seconds: float | None = None,
    ) -> str:
        """Insert a new record and return its label; a default label gets a suffix when taken,
        a chosen one raises DuplicateLabelError. With `lease_seconds`, the record's lease
        expires that long from now unless renewed (`renew_lease`)."""
        base_label = fields["label"]
        tags = sorted(set(tags))
        label = base_label
        for _attempt in range(1000):
            row = {**fields, "label": label}
            row["parameters"] = json.dumps(fields.get("parameters") or {}, default=str)

            def insert(connection: sa.Connection, row: dict[str, Any] = row) -> None:
                record_id = connection.execute(
                    records_table.insert().returning(records_table.c.id), row
                ).scalar_one()
                connection.execute(
                    details_table.insert(),
                    {"record_id": record_id, "document": json.dumps(details, default=str)},
                )
                if tags:
                    connection.execute(
                        tags_table.insert(), [{"record_id": record_id, "tag": t} for t in tags]
                    )
                _write_parameter_rows(connection, record_id, fields.get("parameters") or {})
                if lease_seconds is not None:
                    expires = _utc_now() + timedelta(seconds=lease_seconds)
                    connection.execute(
                        leases_table.insert(), {"record_id": record_id, "expires_at": expires}
                    )

            try:
                self._write(insert)
                return label
            except IntegrityError:
                if label_is_chosen:
                    raise DuplicateLabelError(
                        f"A record labelled {label!r} exists already; choose another --label."
                    ) from None
                label = f"{base_label}_{self._next_suffix(base_label)}"
        raise StoreError(f"Could not find a free label starting with {base_label!r}")

    def _next_suffix(self, base_label: str) -> int:
        """The smallest n > 1 above every `base_label_n` taken so far."""
        pattern = f"{_escape_like(base_label)}\\_%"
        statement = sa.select(records_table.c.label).where(
            records_table.c.label.like(pattern, escape="\\")
        )
        taken = self._read(lambda connection: list(connection.execute(statement).scalars()))
        suffixes = [label[len(base_label) + 1 :] for label in taken]
        return max([int(suffix) for suffix in suffixes if suffix.isdigit()] + [1]) + 1

    def update(
        self,
        label: str,
        fields: dict[str, Any] | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        """Change a record's fields and merge `details` into its detail document; a record no
        longer running gives up its lease."""
        fields = _fitted(dict(fields or {}))
        parameters = fields.get("parameters")
        if "parameters" in fields:
            fields["parameters"] = json.dumps(parameters or {}, default=str)

        def change(connection: sa.Connection) -> None:
            record_id = self._record_id(connection, label)
            if fields:
                connection.execute(
                    records_table.update().where(records_table.c.id == record_id), fields
                )
            if details:
                old = connection.execute(
                    sa.select(details_table.c.document).where(
                        details_table.c.record_id == record_id
                    )
                ).scalar_one_or_none()
                document = {**json.loads(old or "{}"), **details}
                connection.execute(
                    details_table.update().where(details_table.c.record_id == record_id),
                    {"document": json.dumps(document, default=str)},
                )
            if "parameters" in fields:
                connection.execute(
                    parameters_table.delete().where(parameters_table.c.record_id == record_id)
                )
                _write_parameter_rows(connection, record_id, parameters or {})
            if details and "figures" in details:
                _write_figure_rows(connection, record_id, details["figures"] or {})
            if fields.get("status", "running") != "running":
                connection.execute(
                    leases_table.delete().where(leases_table.c.record_id == record_id)
                )

        self._write(change)

    def renew_lease(self, label: str, seconds: float) -> None:
        """Push the running record's lease `seconds` from now (its `axonal run` is alive)."""
        expires = _utc_now() + timedelta(seconds=seconds)

        def renew(connection: sa.Connection) -> None:
            record_id = self._record_id(connection, label)
            connection.execute(
                leases_table.update().where(leases_table.c.record_id == record_id),
                {"expires_at": expires},
            )

        self._write(renew)

    def tag(self, labels: Iterable[str], tags: Iterable[str], remove: bool = False) -> None:
        """Add (or remove) tags on records."""
        labels, tags = list(labels), sorted(set(tags))

        def change(connection: sa.Connection) -> None:
            for label in labels:
                record_id = self._record_id(connection, label)
                connection.execute(
                    tags_table.delete().where(
                        tags_table.c.record_id == record_id, tags_table.c.tag.in_(tags)
                    )
                )
                if not remove and tags:
                    connection.execute(
                        tags_table.insert(), [{"record_id": record_id, "tag": t} for t in tags]
                    )

        self._write(change)

    def comment(self, label: str, text: str, append: bool = False) -> None:
        """Set (or append to) a record's outcome."""

        def change(connection: sa.Connection) -> None:
            record_id = self._record_id(connection, label)
            outcome = text
            if append:
                old = connection.execute(
                    sa.select(records_table.c.outcome).where(records_table.c.id == record_id)
                ).scalar_one()
                outcome = f"{old}\n{text}" if old else text
            connection.execute(
                records_table.update().where(records_table.c.id == record_id),
                {"outcome": outcome},
            )

        self._write(change)

    def delete(self, labels: Iterable[str]) -> int:
        """Delete records (all of them or none, when a label is unknown); returns how many."""
        labels = list(labels)

        def remove(connection: sa.Connection) -> int:
            ids = [self._record_id(connection, label) for label in labels]
            for table in (
                details_table, tags_table, parameters_table, figures_table, leases_table
            ):  # fmt: skip
                connection.execute(table.delete().where(table.c.record_id.in_(ids)))
            connection.execute(records_table.delete().where(records_table.c.id.in_(ids)))
            return len(ids)

        return self._write(remove)

    # -- reading ------------------------------------------------------------------------------

    def _record_id(self, connection: sa.Connection, label: str) -> int:
        record_id = connection.execute(
            sa.select(records_table.c.id).where(records_table.c.label == label)
        ).scalar_one_or_none()
        if record_id is None:
            raise UnknownLabelError(label, display_url(self.url))
        return record_id

    def get(self, label: str) -> dict[str, Any]:
        """The whole record: fields, tags and the detail document."""

        def read(connection: sa.Connection) -> dict[str, Any]:
            row = connection.execute(
                sa.select(records_table, details_table.c.document, _LEASE_EXPIRY)
                .outerjoin(details_table, details_table.c.record_id == records_table.c.id)
                .outerjoin(leases_table, leases_table.c.record_id == records_table.c.id)
                .where(records_table.c.label == label)
            ).one_or_none()
            if row is None:
                raise UnknownLabelError(label, display_url(self.url))
            record = _light_record(row._mapping)
            record["details"] = json.loads(row.document or "{}")
            record["tags"] = self._tags(connection, [row.id]).get(row.id, [])
            return record

        return self._read(read)

    def exists(self, label: str) -> bool:
        return self._read(
            lambda connection: (
                connection.execute(
                    sa.select(records_table.c.id).where(records_table.c.label == label)
                ).first()
                is not None
            )
        )

    def list(self, query: RecordQuery | None = None, long: bool = False) -> list[dict[str, Any]]:
        """Records matching `query`, newest first, without their detail documents."""
        query = query or RecordQuery()
        names = LONG_LIST_COLUMNS if long else LIST_COLUMNS
        columns = [records_table.c.id] + [records_table.c[name] for name in names]
        with_lease = records_table.outerjoin(
            leases_table, leases_table.c.record_id == records_table.c.id
        )

        def read(connection: sa.Connection) -> list[dict[str, Any]]:
            statement = _filtered(sa.select(*columns, _LEASE_EXPIRY).select_from(with_lease), query)
            order = records_table.c.started_at, records_table.c.id
            statement = statement.order_by(
                *(c.desc() for c in order) if query.newest_first else order
            )
            if query.limit is not None:
                statement = statement.limit(query.limit)
            if query.offset:
                statement = statement.offset(query.offset)
            result = connection.execute(statement)
            keys = list(result.keys())
            rows = [dict(zip(keys, row, strict=True)) for row in result.all()]
            if long:
                for row in rows:
                    row["parameters"] = json.loads(row["parameters"] or "{}")
            if len(rows) <= 900:
                tags = self._tags(connection, [row["id"] for row in rows])
            else:  # many records: let the database pick their tags rather than bind 100 000 ids
                ids = _filtered(sa.select(records_table.c.id), query).scalar_subquery()
                tags = self._tags_where(connection, tags_table.c.record_id.in_(ids))
            for row in rows:
                row["tags"] = tags.get(row["id"], [])
            return rows

        return self._read(read)

    def count(self, query: RecordQuery | None = None) -> int:
        query = query or RecordQuery()
        statement = _filtered(sa.select(sa.func.count()).select_from(records_table), query)
        return self._read(lambda connection: connection.execute(statement).scalar_one())

    def all_tags(self) -> list[str]:
        statement = sa.select(tags_table.c.tag).distinct().order_by(tags_table.c.tag)
        return self._read(lambda connection: list(connection.execute(statement).scalars()))

    def _tags(self, connection: sa.Connection, ids: list[int]) -> dict[int, list[str]]:
        if not ids:
            return {}
        return self._tags_where(connection, tags_table.c.record_id.in_(ids))

    def _tags_where(self, connection: sa.Connection, condition: Any) -> dict[int, list[str]]:
        tags: dict[int, list[str]] = {}
        statement = (
            sa.select(tags_table.c.record_id, tags_table.c.tag)
            .where(condition)
            .order_by(tags_table.c.tag)
        )
        for record_id, tag in connection.execute(statement).all():
            tags.setdefault(record_id, []).append(tag)
        return tags


def _light_record(mapping: Any) -> dict[str, Any]:
    record = {name: mapping[name] for name in mapping.keys() if name != "document"}
    if "parameters" in record:
        record["parameters"] = json.loads(record["parameters"] or "{}")
    return record


def _filtered(statement: sa.Select, query: RecordQuery) -> sa.Select:
    columns = records_table.c
    if query.status:
        statement = statement.where(columns.status == query.status)
    if query.project:
        statement = statement.where(columns.project == query.project)
    if query.script:
        statement = statement.where(columns.script.contains(query.script, autoescape=True))
    if query.since:
        statement = statement.where(columns.started_at >= query.since)
    if query.until:
        statement = statement.where(columns.started_at <= query.until)
    if query.search:
        pattern = f"%{_escape_like(query.search.lower())}%"
        statement = statement.where(
            sa.or_(
                *(
                    sa.func.lower(column).like(pattern, escape="\\")
                    for column in (columns.label, columns.reason, columns.outcome, columns.script)
                ),
                columns.id.in_(
                    sa.select(tags_table.c.record_id).where(
                        sa.func.lower(tags_table.c.tag).like(pattern, escape="\\")
                    )
                ),
            )
        )
    for tag in query.tags:
        statement = statement.where(
            columns.id.in_(sa.select(tags_table.c.record_id).where(tags_table.c.tag == tag))
        )
    for parameter_filter in query.parameters:
        statement = statement.where(columns.id.in_(_parameter_match(parameter_filter)))
    if query.where is not None:
        from axonal.records.where import condition_clause

        statement = statement.where(
            condition_clause(query.where, columns.id, figures_table.c, parameters_table.c)
        )
    return statement


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _parameter_match(parameter_filter: ParameterFilter) -> sa.Select:
    table = parameters_table.c
    value = parameter_filter.value
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    column = table.number if numeric else table.text
    if not numeric:
        value = value if isinstance(value, str) else json.dumps(value)
    operators = {
        "=": column.__eq__,
        "!=": column.__ne__,
        "<": column.__lt__,
        ">": column.__gt__,
        "<=": column.__le__,
        ">=": column.__ge__,
    }
    condition = operators[parameter_filter.operator](value)
    return sa.select(table.record_id).where(table.name == parameter_filter.name, condition)


def _write_parameter_rows(
    connection: sa.Connection, record_id: int, parameters: dict[str, Any]
) -> None:
    # A name longer than the column is not searchable (cut, two names could collide); the
    # record's parameters keep it whole.
    rows = [
        _parameter_row(record_id, name, value)
        for name, value in flatten(parameters).items()
        if len(name) <= TEXT_LIMIT
    ]
    if rows:
        connection.execute(parameters_table.insert(), rows)


def _write_figure_rows(
    connection: sa.Connection, record_id: int, figures: dict[str, dict[str, Any]]
) -> None:
    from axonal.records.figures import dimension_key, figure_number, figure_text

    connection.execute(figures_table.delete().where(figures_table.c.record_id == record_id))
    rows = [
        {
            "record_id": record_id,
            "name": name[:200],
            "number": figure_number(figure),
            "dimensions": dimension_key(figure),
            "text": figure_text(figure)[:1000],
        }
        for name, figure in figures.items()
    ]
    if rows:
        connection.execute(figures_table.insert(), rows)


def _is_missing_table(error: sa.exc.DBAPIError) -> bool:
    message = str(error.orig).lower()
    return "no such table" in message or ("relation" in message and "does not exist" in message)


def _is_transient(error: OperationalError) -> bool:
    message = str(error.orig).lower()
    return "locked" in message or "busy" in message or "deadlock" in message


def _forget_connections_after_fork(engine: sa.Engine) -> None:
    """A forked child (a sweep's worker) must not touch its parent's SQLite connections.

    Closing an inherited connection's file in the child releases the POSIX locks that the
    child's own connection holds on the database, and concurrent writes are then lost.
    After a fork the child drops the inherited pool without closing anything.
    """
    reference = weakref.ref(engine)

    def forget() -> None:
        inherited = reference()
        if inherited is not None:
            inherited.dispose(close=False)

    os.register_at_fork(after_in_child=forget)


def _empty_sqlite_file(url: str) -> str | None:
    """The path of an SQLite store that exists, is empty, and has been so for a while."""
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    try:
        status = os.stat(parsed.database)
    except OSError:
        return None
    if status.st_size == 0 and time.time() - status.st_mtime > EMPTY_STORE_AGE_SECONDS:
        return parsed.database
    return None


def _make_engine(url: str) -> sa.Engine:
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        # psycopg 3 is what the records extra installs; SQLAlchemy's bare default is psycopg2.
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if parsed.drivername in ("postgresql", "postgresql+psycopg"):
        from axonal.optional import require

        require("psycopg", "A PostgreSQL record store", "postgres")
    if parsed.get_backend_name() != "sqlite":
        # A lab server that does not answer must fail a run's record quickly, not after the
        # system's TCP time-out of minutes.
        connect_args = {"connect_timeout": 10} if parsed.get_backend_name() == "postgresql" else {}
        return sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    if parsed.database and parsed.database != ":memory:":
        from pathlib import Path

        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": 30})
    _forget_connections_after_fork(engine)

    @sa.event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Autocommit at the driver level so that we issue BEGIN ourselves (below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.execute("PRAGMA foreign_keys = ON")
        if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            # WAL lets readers go on while a run writes; switching needs a moment alone.
            for _attempt in range(200):
                try:
                    cursor.execute("PRAGMA journal_mode = WAL")
                    break
                except Exception:  # noqa: BLE001 - the sqlite3 error type of this driver
                    time.sleep(0.02 + random.random() * 0.05)
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        # A write takes the lock at BEGIN, so that the busy timeout applies; a deferred
        # transaction that reads and then writes fails at once when another process wrote.
        write = connection.get_execution_options().get("axonal_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine
