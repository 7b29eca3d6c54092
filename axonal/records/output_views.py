"""The web view's answers for one output of a record: its download, and its plot.

Both read the record's own copy (`archive.readable_copy`): the archived file, or the file on
disk only while it still holds what the run wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any

from axonal.records.archive import find_output, readable_copy
from axonal.records.plots import (
    IMAGE_TYPES,
    load_spikes,
    load_traces,
    raster_png,
    traces_png,
)


@dataclass
class Answer:
    """What the server sends: a status, a content type, the body and extra headers."""

    status: HTTPStatus
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def _not_found(message: str) -> Answer:
    return Answer(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", message.encode())


def output_answer(record: dict[str, Any], action: str, relative: str) -> Answer:
    """`action` "output" (the file, as a download) or "plot" (a PNG) of the output `relative`
    (its path relative to the output folder) of `record`."""
    output = find_output(record, relative)
    if output is None:
        return _not_found(f"Record {record['label']} has no output {relative!r}.")
    path = readable_copy(record, output)
    if path is None:
        return _not_found(
            f"Record {record['label']} did not archive {relative!r} (larger than the project's "
            "limit), and the file on disk has changed since or is gone."
        )
    if action == "output":
        suffix = Path(relative).suffix.lower()
        name = Path(relative).name.replace('"', "")
        return Answer(
            HTTPStatus.OK,
            IMAGE_TYPES.get(suffix, "application/octet-stream"),
            path.read_bytes(),
            {"Content-Disposition": f'attachment; filename="{name}"'},
        )
    spikes = load_spikes(path)
    if spikes is not None:
        return Answer(HTTPStatus.OK, "image/png", raster_png(*spikes))
    traces = load_traces(path)
    if traces is not None:
        return Answer(HTTPStatus.OK, "image/png", traces_png(*traces))
    return _not_found(f"No plot for {relative!r}: not spikes or traces in a known format.")
