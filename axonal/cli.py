"""The `axonal` command: init a project, run scripts under a record, find, compare and repeat."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="axonal",
        description="Run simulations under a record, then find, compare and repeat them.",
    )
    parser.add_argument(
        "--project",
        metavar="DIR",
        help="the project folder (default: found from the current folder upwards)",
    )
    parser.add_argument(
        "--store",
        metavar="URL",
        help="record store URL, e.g. "
        "postgresql://user@host/db (default: the project's, or $AXONAL_STORE)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    init = commands.add_parser("init", help="make the current folder an axonal project")
    init.add_argument("--name", help="project name (default: the folder's name)")
    init.add_argument(
        "--store",
        dest="init_store",
        metavar="URL",
        help="record store (default sqlite:///.axonal/records.db)",
    )
    init.add_argument("--output", help="folder the scripts write results into (default output)")

    run = commands.add_parser(
        "run",
        help="run a script under a record",
        description="Run SCRIPT (with parameter files and name=value overrides) under a record. "
        "Arguments axonal does not know are passed on to the script.",
    )
    run.add_argument("script")
    run.add_argument(
        "arguments",
        nargs="*",
        help="parameter files (.yaml, .json, .toml) and "
        "name=value overrides (dotted names reach nested values)",
    )
    run.add_argument("--label", help="the record's label (default: the start time)")
    run.add_argument("--reason", help="why this run is made")
    run.add_argument("--tag", action="append", default=[], help="a tag (repeatable)")
    run.add_argument("--output-dir", type=Path, help="override the project's output folder")
    run.add_argument("--repeat-of", help=argparse.SUPPRESS)

    listing = commands.add_parser("list", help="list records, newest first")
    _add_filters(listing)
    listing.add_argument("-l", "--long", action="store_true", help="long format")
    listing.add_argument("--limit", type=int, default=50, help="at most this many (0: all)")
    listing.add_argument("--json", action="store_true", help="as JSON")

    show = commands.add_parser("show", help="everything a record holds")
    show.add_argument("label", help="a label, or 'last'")
    show.add_argument("--json", action="store_true", help="as JSON")

    diff = commands.add_parser("diff", help="compare two records")
    diff.add_argument("label_a")
    diff.add_argument("label_b")
    diff.add_argument("--json", action="store_true", help="as JSON")

    tag = commands.add_parser("tag", help="tag records")
    tag.add_argument("tag")
    tag.add_argument("labels", nargs="+")
    tag.add_argument("--remove", action="store_true", help="remove the tag instead")

    comment = commands.add_parser("comment", help="set a record's outcome")
    comment.add_argument("label")
    comment.add_argument("text")
    comment.add_argument("--append", action="store_true", help="add a line to the outcome")

    delete = commands.add_parser("delete", help="delete records (not their output files)")
    delete.add_argument("labels", nargs="+")

    repeat = commands.add_parser(
        "repeat", help="re-run a record at its code version and parameters and compare"
    )
    repeat.add_argument("label")
    repeat.add_argument("--keep", action="store_true", help="keep the temporary checkout")
    repeat.add_argument(
        "--yes", action="store_true", help="repeat a record made by someone else without asking"
    )

    export = commands.add_parser("export", help="records as JSON")
    export.add_argument("labels", nargs="*", help="labels (default: every record matching)")
    _add_filters(export)
    export.add_argument("-o", "--output", type=Path, help="file to write (default stdout)")

    web = commands.add_parser("web", help="serve the records as web pages")
    web.add_argument("--host", default="127.0.0.1")
    web.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    return parser


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tag", action="append", default=[], help="has this tag (repeatable)")
    parser.add_argument("--status", choices=("running", "finished", "failed", "killed"))
    parser.add_argument("--since", type=_date, help="started on or after (YYYY-MM-DD[THH:MM])")
    parser.add_argument("--until", type=_date, help="started before (YYYY-MM-DD[THH:MM])")
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="FILTER",
        help="parameter filter, e.g. N=100 or rate>5 (repeatable)",
    )
    parser.add_argument("--search", help="text in the label, reason, outcome, script or tags")
    parser.add_argument("--script", help="script path contains this")


def _date(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; expected YYYY-MM-DD or YYYY-MM-DDTHH:MM"
        ) from None


def _query(arguments: argparse.Namespace, limit: int | None = None) -> Any:
    from axonal.records.store import ParameterFilter, RecordQuery

    until = arguments.until
    if until is not None and until.hour == until.minute == until.second == 0:
        until = until.replace(hour=23, minute=59, second=59)  # a date means the whole day
    return RecordQuery(
        tags=arguments.tag,
        status=arguments.status,
        since=arguments.since,
        until=until,
        parameters=[ParameterFilter.parse(text) for text in arguments.param],
        search=arguments.search,
        script=arguments.script,
        limit=limit,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `axonal` console script; returns the exit code."""
    from axonal.records.errors import RecordsError

    parser = _parser()
    arguments, unknown = parser.parse_known_args(argv)
    if unknown:
        if arguments.command != "run":
            parser.error(f"unrecognized arguments: {' '.join(unknown)}")
        arguments.arguments = [*arguments.arguments, *unknown]
    try:
        code = COMMANDS[arguments.command](arguments)
    except RecordsError as error:
        print(f"axonal: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `axonal list | head`: the reader has all it wanted
        # Point stdout at nothing, so that flushing it at exit does not complain.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    if argv is None and arguments.command == "run":
        # The record is complete and the streams are flushed: skip the interpreter's tear-down
        # (a tenth of a second of the database library's finalisers, added to every run).
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def _project(arguments: argparse.Namespace) -> Any:
    from axonal.records.project import find_project

    return find_project(arguments.project)


def _store(arguments: argparse.Namespace, project: Any = None) -> Any:
    from axonal.records.project import resolve_store_url
    from axonal.records.store import RecordStore

    if arguments.store:
        store = RecordStore(resolve_store_url(arguments.store, Path.cwd()))
    else:
        project = project or _project(arguments)
        store = RecordStore(project.resolved_store_url)
    _replay_spool(arguments, store, project)
    return store


def _replay_spool(arguments: argparse.Namespace, store: Any, project: Any) -> None:
    """Complete the records whose closing write a failed store left in this project's spool."""
    from axonal.records.errors import ProjectNotFoundError
    from axonal.records.spool import replay

    if project is None:
        try:
            project = _project(arguments)
        except ProjectNotFoundError:
            return
    replay(project.root, store)


def _resolve_label(store: Any, label: str) -> str:
    from axonal.records.errors import UnknownLabelError
    from axonal.records.store import RecordQuery

    if label != "last":
        return label
    newest = store.list(RecordQuery(limit=1))
    if not newest:
        raise UnknownLabelError(label, store.url)
    return newest[0]["label"]


def command_init(arguments: argparse.Namespace) -> int:
    from axonal.records.project import init_project
    from axonal.records.store import RecordStore, display_url

    root = Path(arguments.project or Path.cwd())
    project = init_project(root, arguments.name, arguments.init_store, arguments.output)
    store = RecordStore(arguments.store or project.resolved_store_url)
    store.ensure_schema(new_store=True)
    print(
        f"axonal project {project.name!r} in {project.root}\n"
        f"  records: {display_url(store.url)}\n  outputs: {project.output_dir}"
    )
    return 0


def command_run(arguments: argparse.Namespace) -> int:
    from axonal.records.project import resolve_store_url
    from axonal.records.runner import run_script

    project = _project(arguments)
    store_url = project.resolved_store_url
    if arguments.store:
        store_url = resolve_store_url(arguments.store, Path.cwd())
    if arguments.output_dir is not None:
        arguments.output_dir = arguments.output_dir.resolve()
    announce = _announcer()
    result = run_script(
        project,
        store_url,
        arguments.script,
        arguments.arguments,
        label=arguments.label,
        reason=arguments.reason,
        tags=arguments.tag,
        output_dir=arguments.output_dir,
        repeat_of=arguments.repeat_of,
        on_start=announce,
    )
    print(f"axonal: record {result.label} {result.status}", file=sys.stderr)
    return result.exit_code


def _announcer() -> Any:
    def announce(label: str) -> None:
        print(f"axonal: record {label} started", file=sys.stderr, flush=True)

    return announce


def _format_when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _format_duration(seconds: Any) -> str:
    return "" if seconds is None else f"{seconds:.2f}s"


def command_list(arguments: argparse.Namespace) -> int:
    from axonal.records.liveness import shown_status

    store = _store(arguments)
    records = store.list(_query(arguments, limit=arguments.limit or None), long=arguments.long)
    if arguments.json:
        print(json.dumps(records, default=str, indent=1))
        return 0
    lines = []
    for record in records:
        tags = ",".join(record["tags"])
        line = (
            f"{record['label']:<24} {shown_status(record):<9} "
            f"{_format_when(record['started_at'])}  "
            f"{_format_duration(record['duration']):>9}  {record['script'] or ''}"
            + (f"  [{tags}]" if tags else "")
            + (f"  {record['reason']}" if record["reason"] else "")
        )
        lines.append(line)
        if arguments.long:
            commit = (record["commit"] or "no commit")[:12] + (
                " (changed)" if record["dirty"] else ""
            )
            lines.append(
                f"    code {commit}  by {record['user']}@{record['hostname']}  "
                f"seed {record['seed']}"
            )
            if record["parameters"]:
                lines.append(f"    parameters {json.dumps(record['parameters'])}")
            if record["outcome"]:
                lines.append(f"    outcome {record['outcome']}")
    if lines:
        sys.stdout.write("\n".join(lines) + "\n")
    return 0


def command_show(arguments: argparse.Namespace) -> int:
    store = _store(arguments)
    record = store.get(_resolve_label(store, arguments.label))
    if arguments.json:
        print(json.dumps(record, default=str, indent=1))
    else:
        print(format_record(record))
    return 0


def format_record(record: dict[str, Any]) -> str:
    """A record as readable text, every field."""
    from axonal.records.liveness import shown_status

    details = record["details"]
    code = details.get("code") or {}
    platform = details.get("platform") or {}
    lines = [
        f"Label       : {record['label']}",
        f"Status      : {shown_status(record)}"
        + (" (stored as running; its process is gone)" if shown_status(record) == "lost" else ""),
        f"Started     : {_format_when(record['started_at'])} UTC",
        f"Duration    : {_format_duration(record['duration'])}",
        f"User        : {record['user']}@{record['hostname']} (pid {record['pid']})",
        f"Project     : {record['project']}",
        f"Script      : {record['script']} {' '.join(details.get('arguments') or [])}",
        f"Reason      : {record['reason'] or ''}",
        f"Outcome     : {record['outcome'] or ''}",
        f"Tags        : {', '.join(record['tags'])}",
        f"Code        : {code.get('repository') or 'not in a git repository'}"
        + (f" at {code.get('commit')}" if code.get("commit") else "")
        + (" with uncommitted changes" if code.get("dirty") else ""),
        f"Parameters  : {json.dumps(record['parameters'], indent=2)}",
        f"Seed        : {record['seed']}",
        f"Python      : {platform.get('python')} ({platform.get('python_executable')})",
        f"Platform    : {platform.get('os')}, {platform.get('cpu')}, {platform.get('cores')} "
        f"cores, {(platform.get('memory_bytes') or 0) / 2**30:.1f} GiB",
        "Packages    : "
        + ", ".join(
            f"{name} {version}" for name, version in (details.get("packages") or {}).items()
        ),
    ]
    for title, key in (("Inputs", "inputs"), ("Outputs", "outputs")):
        files = details.get(key) or []
        lines.append(f"{title:<12}: {len(files)} file{'s' if len(files) != 1 else ''}")
        lines += [
            f"    {file['path']}  {file['size']} B  sha256 {file['sha256'][:16]}" for file in files
        ]
    model = details.get("model")
    if model is None:
        lines.append("Model       : (no summary: the script did not use axonal's network)")
    else:
        lines.append(f"Model       : {len(model)} run{'s' if len(model) != 1 else ''}")
        lines += ["    " + line for line in json.dumps(model, indent=2).splitlines()]
    if details.get("failure"):
        lines.append("Failure     :")
        lines += ["    " + line for line in details["failure"].splitlines()]
    if code.get("diff"):
        lines.append("Diff        :")
        lines += ["    " + line for line in code["diff"].splitlines()]
    for stream in ("stdout", "stderr"):
        if details.get(stream):
            lines.append(f"{stream:<12}:")
            lines += ["    " + line for line in details[stream].splitlines()]
    return "\n".join(lines)


def command_diff(arguments: argparse.Namespace) -> int:
    from axonal.records.compare import diff_records, format_diff

    store = _store(arguments)
    label_a = _resolve_label(store, arguments.label_a)
    label_b = _resolve_label(store, arguments.label_b)
    differences = diff_records(store.get(label_a), store.get(label_b))
    if arguments.json:
        print(json.dumps(differences, default=str, indent=1))
    else:
        print(format_diff(label_a, label_b, differences))
    return 0


def command_tag(arguments: argparse.Namespace) -> int:
    store = _store(arguments)
    labels = [_resolve_label(store, label) for label in arguments.labels]
    store.tag(labels, [arguments.tag], remove=arguments.remove)
    return 0


def command_comment(arguments: argparse.Namespace) -> int:
    store = _store(arguments)
    store.comment(_resolve_label(store, arguments.label), arguments.text, append=arguments.append)
    return 0


def command_delete(arguments: argparse.Namespace) -> int:
    store = _store(arguments)
    count = store.delete([_resolve_label(store, label) for label in arguments.labels])
    print(f"deleted {count} record{'s' if count != 1 else ''}")
    return 0


def command_repeat(arguments: argparse.Namespace) -> int:
    from axonal.records.repeat import repeat_record
    from axonal.records.repeat_trust import confirmed_in_terminal

    project = _project(arguments)
    store = _store(arguments, project)
    result = repeat_record(
        project,
        store,
        _resolve_label(store, arguments.label),
        keep=arguments.keep,
        confirm=(lambda _description: True) if arguments.yes else confirmed_in_terminal,
    )
    print(result.report())
    return 0 if result.matches else 1


def command_export(arguments: argparse.Namespace) -> int:
    store = _store(arguments)
    if arguments.labels:
        labels = [_resolve_label(store, label) for label in arguments.labels]
    else:
        labels = [record["label"] for record in store.list(_query(arguments))]
    text = json.dumps([store.get(label) for label in labels], default=str, indent=1)
    if arguments.output:
        from axonal.records.errors import RecordsError

        try:
            arguments.output.write_text(text + "\n", encoding="utf-8")
        except OSError as error:
            raise RecordsError(
                f"Cannot write the export to {arguments.output}: {error.strerror}"
            ) from None
    else:
        print(text)
    return 0


def command_web(arguments: argparse.Namespace) -> int:
    from axonal.records.errors import ProjectNotFoundError
    from axonal.records.web import serve

    try:
        project = _project(arguments)
    except ProjectNotFoundError:
        if not arguments.store:
            raise
        project = None  # a shared store can be browsed from anywhere; repeats need a project
    serve(_store(arguments, project), arguments.host, arguments.port, project)
    return 0


COMMANDS = {
    "init": command_init,
    "run": command_run,
    "list": command_list,
    "show": command_show,
    "diff": command_diff,
    "tag": command_tag,
    "comment": command_comment,
    "delete": command_delete,
    "repeat": command_repeat,
    "export": command_export,
    "web": command_web,
}


if __name__ == "__main__":
    sys.exit(main())
