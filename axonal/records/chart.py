"""The page across records: a reported figure plotted against a parameter (or another figure),
one point per record, for the records a tag and a --where condition select."""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import urlencode

from axonal.records import pages
from axonal.records.errors import RecordsError
from axonal.records.figure_queries import field_names, record_numbers
from axonal.records.figures import unit_of_key
from axonal.records.plots import chart_png
from axonal.records.store import RecordQuery, RecordStore
from axonal.records.where import check_fields, parse_condition


def _choices(query: dict[str, list[str]]) -> dict[str, str]:
    return {name: (values[0] if values else "").strip() for name, values in query.items()}


def _record_query(store: RecordStore, choices: dict[str, str]) -> RecordQuery:
    where = None
    if choices.get("where"):
        where = parse_condition(choices["where"])
        check_fields(where, field_names(store))
    return RecordQuery(tags=[choices["tag"]] if choices.get("tag") else [], where=where)


def chart_points(store: RecordStore, choices: dict[str, str]) -> list[dict[str, Any]]:
    """The records' (x, y) points for the chosen names, refusing mixed units on one axis."""
    x_name, y_name = choices.get("x", ""), choices.get("y", "")
    rows = record_numbers(store, [x_name, y_name], _record_query(store, choices))
    points = [
        {
            "label": row["label"],
            "x": row[x_name][0], "x_dimensions": row[x_name][1],
            "y": row[y_name][0], "y_dimensions": row[y_name][1],
        }
        for row in rows
    ]  # fmt: skip
    for axis, name in (("x", x_name), ("y", y_name)):
        kinds = {point[f"{axis}_dimensions"] for point in points}
        if len(kinds) > 1:
            units = ", ".join(sorted(unit_of_key(kind) for kind in kinds))
            raise RecordsError(
                f"The records hold {name!r} in different units ({units}); choose records "
                "(a tag or a condition) that agree."
            )
    return points


def chart_image(store: RecordStore, query: dict[str, list[str]]) -> bytes:
    choices = _choices(query)
    return chart_png(chart_points(store, choices), choices.get("x", ""), choices.get("y", ""))


def chart_page(store: RecordStore, query: dict[str, list[str]]) -> str:
    """The form (figure, parameter, tag, condition), the chart and its points as a table."""
    choices = _choices(query)
    names = field_names(store)
    figures = sorted(names["figures"])
    parameters = sorted(names["parameters"])

    def options(selected: str, groups: list[tuple[str, list[str]]]) -> str:
        html = []
        for title, group in groups:
            items = "".join(
                f"<option{' selected' if name == selected else ''}>{escape(name)}</option>"
                for name in group
            )
            html.append(f"<optgroup label='{title}'>{items}</optgroup>")
        return "".join(html)

    tags = "".join(
        f"<option{' selected' if tag == choices.get('tag') else ''}>{escape(tag)}</option>"
        for tag in store.all_tags()
    )
    y_options = options(choices.get("y", ""), [("figures", figures)])
    form = (
        "<form class='filters' method='get' action='/chart'>"
        f"<label>figure <select name='y' id='y'>{y_options}</select></label> "
        f"<label>against <select name='x' id='x'>"
        f"{options(choices.get('x', ''), [('parameters', parameters), ('figures', figures)])}"
        "</select></label> "
        f"<select name='tag'><option value=''>any tag</option>{tags}</select>"
        f"<input name='where' size='30' placeholder='condition, e.g. N >= 100' "
        f"value='{escape(choices.get('where', ''))}'>"
        "<button type='submit' id='plot'>Plot</button></form>"
    )
    if not figures:
        return pages.page(
            "Chart across records",
            form + "<p id='points'>No record has reported figures yet (axonal.report).</p>",
        )
    if not (choices.get("x") and choices.get("y")):
        return pages.page(
            "Chart across records", form + "<p>Choose a figure and a parameter to plot.</p>"
        )
    points = chart_points(store, choices)
    address = "/chart.png?" + urlencode(
        {key: value for key, value in choices.items() if key in ("x", "y", "tag", "where")}
    )
    rows = [
        [
            f"<a href='{pages.record_url(point['label'])}'>{escape(point['label'])}</a>",
            pages._text(point["x"]), pages._text(point["y"]),
        ]
        for point in points
    ]  # fmt: skip
    headers = ["record"] + [
        choices[axis]
        + (
            f" ({unit_of_key(points[0][axis + '_dimensions'])})"
            if points and points[0][axis + "_dimensions"]
            else ""
        )
        for axis in ("x", "y")
    ]
    body = (
        form
        + f"<p id='count'>{len(points)} record{'s' if len(points) != 1 else ''} have both.</p>"
        + (f"<img id='chart' alt='chart' src='{escape(address)}'>" if points else "")
        + pages._table(headers, rows, table_id="points")
    )
    return pages.page(f"{choices['y']} against {choices['x']}", body)
