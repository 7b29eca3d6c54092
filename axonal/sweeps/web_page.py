"""The sweep pages of `axonal web`: `/sweep` lists the sweeps, `/sweep?label=L` shows one as
its table with a chart of a chosen figure against a chosen parameter (the records' chart, with
the sweep's tag as the filter)."""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import quote, urlencode

from axonal.records import pages
from axonal.records.store import RecordStore
from axonal.sweeps.table import FIXED_COLUMNS, SWEEP_TAG_PREFIX, sweep_table


def sweep_page(store: RecordStore, query: dict[str, list[str]]) -> str:
    """The page for `/sweep` (the list of sweeps) or `/sweep?label=L&x=...&y=...`."""
    choices = {name: (values[0] if values else "").strip() for name, values in query.items()}
    label = choices.get("label")
    if not label:
        return _sweep_list(store)
    table = sweep_table(store.url, label)
    if table.empty:
        return pages.message_page("Unknown sweep", f"No record belongs to the sweep {label!r}.")
    units = table.attrs.get("units", {})
    fixed = {f"run_{name}" for name in FIXED_COLUMNS} | set(FIXED_COLUMNS)
    parameter_names = list(table.attrs.get("parameters", []))
    figure_names = [c for c in table.columns if c not in fixed and c not in parameter_names]
    x = choices.get("x") or (parameter_names[0] if parameter_names else "")
    y = choices.get("y") or next((n for n in figure_names if table[n].dtype.kind in "if"), "")

    def options(selected: str, names: list[str]) -> str:
        return "".join(
            f"<option{' selected' if name == selected else ''}>{escape(name)}</option>"
            for name in names
        )

    form = (
        "<form class='filters' method='get' action='/sweep'>"
        f"<input type='hidden' name='label' value='{escape(label)}'>"
        f"<label>figure <select name='y' id='y'>{options(y, figure_names)}</select></label> "
        f"<label>against <select name='x' id='x'>"
        f"{options(x, parameter_names + figure_names)}</select></label> "
        "<button type='submit' id='plot'>Plot</button></form>"
    )
    chart = ""
    if x and y:
        address = "/chart.png?" + urlencode({"x": x, "y": y, "tag": SWEEP_TAG_PREFIX + label})
        chart = f"<img id='chart' alt='{escape(y)} against {escape(x)}' src='{escape(address)}'>"
    counts = table["status"].value_counts().to_dict()
    summary = ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
    headers = [f"{c} ({units[c]})" if c in units else str(c) for c in table.columns]
    rows = [
        [
            f"<a href='{pages.record_url(value)}'>{escape(value)}</a>"
            if column == "label" and isinstance(value, str)
            else pages._status(value)
            if column == "status"
            else pages._text(None if _missing(value) else value)
            for column, value in zip(table.columns, row, strict=True)
        ]
        for row in table.itertuples(index=False)
    ]
    body = (
        f"<p id='count'>{len(table)} runs: {escape(summary)}. Records: "
        f"<a href='/?tag={quote(SWEEP_TAG_PREFIX + label)}'>list</a>.</p>"
        + form
        + chart
        + pages._table(headers, rows, table_id="sweep")
    )
    return pages.page(f"Sweep {label}", body)


def _missing(value: Any) -> bool:
    return isinstance(value, float) and value != value


def _sweep_list(store: RecordStore) -> str:
    labels = sorted(
        tag[len(SWEEP_TAG_PREFIX) :] for tag in store.all_tags() if tag.startswith(SWEEP_TAG_PREFIX)
    )
    rows = [[f"<a href='/sweep?label={quote(label)}'>{escape(label)}</a>"] for label in labels]
    if not rows:
        return pages.page("Sweeps", "<p>No sweep yet (axonal sweep SCRIPT name=v1,v2 ...).</p>")
    return pages.page("Sweeps", pages._table(["sweep"], rows, table_id="sweeps"))
