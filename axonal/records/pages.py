"""The HTML of the records' web view: list, record detail, diff and chart pages (no template
engine)."""

from __future__ import annotations

import json
from datetime import datetime
from html import escape
from typing import Any
from urllib.parse import quote, urlencode

from axonal.records.compare import SECTIONS
from axonal.records.liveness import shown_status
from axonal.records.parameter_sets import flatten

FORM_TOKEN_FIELD = "form_token"  # the hidden field of every form that changes a record

STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; margin: .5em 0 1em; }
th, td { border: 1px solid #ccc; padding: .25em .5em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
pre { background: #f7f7f7; padding: .5em; overflow-x: auto; max-height: 30em; }
.finished { color: #176317; } .failed { color: #a31515; } .killed { color: #a35f00; }
.running { color: #1f4fa3; } .lost { color: #777; }
.warning { color: #a31515; font-weight: bold; } .changed, .missing { color: #a31515; }
form.filters input, form.filters select { margin-right: .5em; }
nav a { margin-right: 1em; }
"""


def page(title: str, body: str) -> str:
    """A whole HTML document."""
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        "<nav><a href='/'>All records</a><a href='/chart'>Chart across records</a></nav>"
        f"<h1>{escape(title)}</h1>{body}</body></html>"
    )


def record_url(label: str, suffix: str = "") -> str:
    return f"/record/{quote(label, safe='')}{suffix}"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return escape(str(value))


def _table(headers: list[str], rows: list[list[str]], table_id: str = "") -> str:
    head = "".join(f"<th>{escape(header)}</th>" for header in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    identity = f" id='{table_id}'" if table_id else ""
    return f"<table{identity}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _status(status: str) -> str:
    return f"<span class='{escape(status)}'>{escape(status)}</span>"


def list_page(
    records: list[dict[str, Any]],
    total: int,
    filters: dict[str, str],
    tags: list[str],
    page_number: int,
    page_size: int,
) -> str:
    """The record list with its search and filter form and a 'compare two' button."""
    tag_options = "".join(
        f"<option{' selected' if filters.get('tag') == tag else ''}>{escape(tag)}</option>"
        for tag in tags
    )
    status_options = "".join(
        f"<option{' selected' if filters.get('status') == status else ''}>{status}</option>"
        for status in ("running", "finished", "failed", "killed")
    )
    form = (
        "<form class='filters' method='get' action='/'>"
        f"<input name='q' placeholder='search' value='{escape(filters.get('q', ''))}'>"
        f"<select name='tag'><option value=''>any tag</option>{tag_options}</select>"
        f"<select name='status'><option value=''>any status</option>{status_options}</select>"
        f"<input name='param' placeholder='parameter, e.g. N=100' "
        f"value='{escape(filters.get('param', ''))}'>"
        f"<input name='where' placeholder='condition, e.g. rate > 5*Hz' "
        f"value='{escape(filters.get('where', ''))}'>"
        f"<input name='figures' placeholder='figure columns, e.g. rate,cv' "
        f"value='{escape(filters.get('figures', ''))}'>"
        f"<input name='since' type='date' value='{escape(filters.get('since', ''))}'>"
        f"<input name='until' type='date' value='{escape(filters.get('until', ''))}'>"
        "<button type='submit' id='filter'>Filter</button></form>"
    )
    columns = list(records[0].get("figures") or {}) if records else []
    rows = [
        [
            f"<input type='checkbox' name='pick' value='{escape(record['label'])}'>",
            f"<a href='{record_url(record['label'])}'>{escape(record['label'])}</a>",
            _status(shown_status(record)),
            *(_text(record["figures"][name]) for name in columns),
            _text(record["started_at"]),
            _text(None if record["duration"] is None else f"{record['duration']:.2f} s"),
            _text(record["script"]),
            _text(", ".join(record["tags"])),
            _text(record["reason"]),
            _text(record["outcome"]),
        ]
        for record in records
    ]
    table = _table(
        [
            "",
            "label",
            "status",
            *columns,
            "started (UTC)",
            "duration",
            "script",
            "tags",
            "reason",
            "outcome",
        ],  # fmt: skip
        rows,
        table_id="records",
    )
    shown_from = page_number * page_size + 1 if records else 0
    summary = (
        f"<p id='count'>{total} record{'s' if total != 1 else ''} match; "
        f"showing {shown_from}-{page_number * page_size + len(records)}.</p>"
    )
    pager = []
    if page_number > 0:
        pager.append(f"<a href='/?{urlencode({**filters, 'page': page_number - 1})}'>newer</a>")
    if (page_number + 1) * page_size < total:
        pager.append(f"<a href='/?{urlencode({**filters, 'page': page_number + 1})}'>older</a>")
    compare = (
        "<form method='get' action='/diff'>"
        f"{table}<button type='submit' id='compare'>Compare the two selected</button></form>"
    )
    return page("Run records", form + summary + compare + " ".join(pager))


def _key_values(mapping: dict[str, Any], table_id: str = "") -> str:
    rows = [[escape(k), _text(v)] for k, v in mapping.items()]
    return _table(["name", "value"], rows, table_id)


def record_page(
    record: dict[str, Any], has_spikes: bool, form_token: str, message: str = ""
) -> str:
    """Everything a record holds, with its raster and rate plots when it saved spikes.

    ``form_token`` goes into each form, so that the server can tell its own forms' posts.
    """
    token = f"<input type='hidden' name='{FORM_TOKEN_FIELD}' value='{escape(form_token)}'>"
    details = record.get("details") or {}
    code = details.get("code") or {}
    label = record["label"]
    overview = {
        "label": label,
        "status": shown_status(record),
        "started (UTC)": record["started_at"],
        "duration (s)": record["duration"],
        "user": f"{record['user']}@{record['hostname']} (pid {record['pid']})",
        "project": record["project"],
        "script": record["script"],
        "arguments": " ".join(details.get("arguments") or []),
        "working directory": details.get("working_directory"),
        "reason": record["reason"],
        "outcome": record["outcome"],
        "tags": ", ".join(record["tags"]),
        "seed": record["seed"],
        "repeat of": details.get("repeat_of"),
    }
    parts = [f"<p id='message'>{escape(message)}</p>" if message else ""]
    parts.append(
        _table(
            ["name", "value"],
            [[escape(k), _text(v)] for k, v in overview.items()],
            table_id="overview",
        )
    )
    parts.append(
        f"<form method='post' action='{record_url(label, '/tag')}'>{token}"
        "<input name='tag' placeholder='tag'><button type='submit' id='add-tag'>Add tag</button>"
        "</form>"
        f"<form method='post' action='{record_url(label, '/comment')}'>{token}"
        "<input name='text' placeholder='outcome' size='60'>"
        "<button type='submit' id='comment'>Set outcome</button></form>"
        f"<form method='post' action='{record_url(label, '/repeat')}'>{token}"
        "<button type='submit' id='repeat'>Repeat this run and compare</button></form>"
        f"<p><a href='{record_url(label, '.json')}'>JSON</a></p>"
    )
    figures = details.get("figures") or {}
    parts.append(
        "<h2>Figures</h2>"
        + (
            _table(
                ["name", "value"],
                [[escape(name), _text(f.get("text"))] for name, f in figures.items()],
                table_id="figures",
            )
            if figures
            else "<p id='figures'>The script reported no figures (axonal.report).</p>"
        )
    )
    if has_spikes:
        parts.append(
            "<h2>Spikes</h2>"
            f"<img id='raster' alt='raster plot' src='{record_url(label, '/raster.png')}'><br>"
            f"<img id='rate' alt='population rate' src='{record_url(label, '/rate.png')}'>"
        )
    parts.append(
        "<h2>Parameters</h2>" + _key_values(flatten(record.get("parameters") or {}), "parameters")
    )
    code_rows = {
        name: code.get(name)
        for name in ("repository", "remote", "commit", "branch", "dirty", "script_sha256")
    }
    parts.append("<h2>Code</h2>" + _key_values(code_rows))
    if code.get("diff"):
        parts.append(f"<h3>Uncommitted changes</h3><pre id='diff'>{escape(code['diff'])}</pre>")
    elif code.get("diff_not_stored"):
        parts.append("<p id='diff'>Uncommitted changes were not kept (on_changed = allow).</p>")
    parts.append("<h2>Model</h2>" + _model(details.get("model")))
    rows = [
        [escape(f["path"]), _text(f["size"]), f"<code>{escape(f['sha256'])}</code>"]
        for f in details.get("inputs") or []
    ]
    parts.append("<h2>Inputs</h2>" + _table(["path", "bytes", "sha256"], rows, table_id="inputs"))
    parts.append("<h2>Outputs</h2>" + outputs_section(record))
    parts.append("<h2>Platform</h2>" + _key_values(details.get("platform") or {}))
    parts.append("<h2>Packages</h2>" + _key_values(details.get("packages") or {}))
    sources = details.get("parameter_sources") or {}
    for source in sources.get("files") or []:
        parts.append(
            f"<h3>Parameter file {escape(source['path'])}</h3>"
            f"<pre>{escape(source.get('text') or '')}</pre>"
        )
    for title, key in (
        ("Failure", "failure"),
        ("Standard output", "stdout"),
        ("Standard error", "stderr"),
    ):
        if details.get(key):
            parts.append(f"<h2>{title}</h2><pre id='{key}'>{escape(details[key])}</pre>")
    return page(f"Record {label}", "".join(parts))


def _model(summaries: Any) -> str:
    from axonal.records.model_summary import model_as_run

    if summaries is None:
        return "<p>No model summary: the script did not run axonal's network.</p>"
    if not summaries:
        return "<p>The script ran no simulation.</p>"
    parts = []
    for number, run in enumerate(model_as_run(summaries), start=1):
        if "objects" not in run:
            parts.append(f"<h3>run() {number}</h3>" + _raw_summary(run))
            continue
        facts = {key: run[key] for key in ("network", "target", "dt", "seed", "start", "duration")}
        facts["dt"] = ", ".join(f"{dt * 1000:g} ms" for dt in run["dt"] or [])
        parts.append(f"<h3>run() {number}</h3>" + _key_values(facts))
        rows = []
        for name, item in run["objects"].items():
            size = next((item[key] for key in ("N", "synapses") if key in item), "")
            equations = item.get("equations") or ""
            other = {
                key: value
                for key, value in item.items()
                if key not in ("kind", "N", "synapses", "equations")
            }
            rows.append(
                [
                    escape(str(name)), escape(str(item.get("kind", ""))), _text(size),
                    f"<pre>{escape(str(equations))}</pre>" if equations else "",
                    escape(json.dumps(other, default=str)) if other else "",
                ]
            )  # fmt: skip
        parts.append(
            _table(["object", "kind", "size", "equations", "more"], rows, f"objects-{number}")
        )
        constants = [
            [escape(owner), escape(name), escape(str(text))]
            for owner, values in run["constants"].items()
            for name, text in values.items()
        ]
        parts.append(
            "<h4>Constants from the script</h4>"
            + _table(["object", "name", "value"], constants, f"constants-{number}")
        )
        spikes = [
            [escape(str(monitor)), _text(found["count"]), f"<code>{escape(found['digest'])}</code>"]
            for monitor, found in run["spikes"].items()
        ]
        if spikes:
            parts.append(
                "<h4>Spikes</h4>"
                + _table(["monitor", "spikes", "digest (SHA-256)"], spikes, f"spikes-{number}")
            )
    return "".join(parts)


def _raw_summary(summary: dict[str, Any]) -> str:
    """A summary that is not a network's, shown as the script's process gave it."""
    facts = {key: value for key, value in summary.items() if not isinstance(value, (list, dict))}
    parts = [_key_values(facts)]
    for key, value in summary.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            headers = sorted({name for item in value for name in item})
            rows = [[_text(item.get(name)) for name in headers] for item in value]
            parts.append(f"<h4>{escape(key)}</h4>" + _table(headers, rows))
        elif isinstance(value, (list, dict)):
            parts.append(f"<h4>{escape(key)}</h4><pre>{escape(json.dumps(value, indent=1))}</pre>")
    return "".join(parts)


def outputs_section(record: dict[str, Any]) -> str:
    """The outputs: where each is kept, whether the file on disk still matches, a download of
    the record's own copy, and a plot of each known format."""
    from axonal.records.archive import output_state
    from axonal.records.plots import find_spike_file, plot_kind

    label = record["label"]
    rows, plots, changed = [], [], []
    spike_file = find_spike_file(record)
    for output in (record.get("details") or {}).get("outputs") or []:
        state = output_state(record, output)
        readable = state["archived"] or (state["on_disk"] if state["disk"] == "same" else None)
        link = record_url(label, "/output/" + quote(output["path"]))
        download = f"<a class='download' href='{link}' download>download</a>" if readable else ""
        disk = {"same": "same", "changed": "CHANGED since this run", "missing": "missing"}
        rows.append(
            [
                escape(output["path"]), _text(output["size"]),
                f"<code>{escape(output['sha256'])}</code>",
                "archived" if state["archived"] else "not archived (only hashed)",
                f"<span class='{state['disk']}'>{disk[state['disk']]}</span>", download,
            ]
        )  # fmt: skip
        if state["disk"] != "same":
            changed.append(output["path"])
        kind = plot_kind(readable, output["path"]) if readable else None
        if kind is None or readable == spike_file:
            continue  # the first spike file is drawn above, as a raster and a rate
        source = link if kind == "image" else record_url(label, "/plot/" + quote(output["path"]))
        plots.append(
            f"<h3>{escape(output['path'])}</h3>"
            f"<img class='output-plot' alt='{kind} of {escape(output['path'])}' src='{source}'>"
        )
    warning = ""
    if changed:
        warning = (
            "<p class='warning' id='outputs-changed'>The file on disk no longer holds what "
            f"this run wrote: {escape(', '.join(changed))}. This page shows and offers the "
            "record's own archived copy.</p>"
        )
    headers = ["path", "bytes", "sha256", "kept", "file on disk", ""]
    return warning + _table(headers, rows, table_id="outputs") + "".join(plots)


def diff_page(label_a: str, label_b: str, differences: dict[str, list]) -> str:
    """The differences between two records, section by section."""
    parts = [
        f"<p>a = <a href='{record_url(label_a)}'>{escape(label_a)}</a>, "
        f"b = <a href='{record_url(label_b)}'>{escape(label_b)}</a></p>"
    ]
    for section in SECTIONS:
        found = differences.get(section, [])
        if not found:
            parts.append(f"<h2>{section}</h2><p class='same' id='{section}'>same</p>")
            continue
        rows = [[escape(path), _text(a), _text(b)] for path, a, b in found]
        parts.append(f"<h2>{section}</h2>" + _table(["what", "a", "b"], rows, table_id=section))
    return page(f"{label_a} compared with {label_b}", "".join(parts))


def message_page(title: str, message: str) -> str:
    return page(title, f"<pre id='message'>{escape(message)}</pre>")
