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
# The packages of the `records` extra: without them, one line says what to install.
_RECORDS_DEPENDENCIES = ("sqlalchemy", "yaml", "psycopg", "platformdirs")


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
    init.add_argument(
        "--on-changed",
        choices=("store-diff", "refuse", "allow"),
        help="when the code has uncommitted changes: keep the diff with the record (default), "
        "refuse to run, or allow without keeping it",
    )
    init.add_argument(
        "--archive-limit",
        metavar="SIZE",
        help="archive output files up to this size with their record, e.g. 100MB (the "
        "default), 2GB; larger files are only hashed; 0 archives none",
    )

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
    listing.add_argument(
        "--figures",
        metavar="NAMES",
        help="reported figures (or parameters) to show as columns, e.g. rate,cv",
    )

    show = commands.add_parser("show", help="everything a record holds")
    show.add_argument("label", help="a label, or 'last'")
    show.add_argument("--json", action="store_true", help="as JSON")
    show.add_argument(
        "--extract",
        metavar="DIR",
        type=Path,
        help="copy the record's own (archived) output files into DIR",
    )

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

    from axonal.sweeps.cli import add_parser as add_sweep_parser

    add_sweep_parser(commands)

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
    parser.add_argument(
        "--where",
        metavar="CONDITION",
        help="condition on figures and parameters, e.g. 'rate > 5*Hz and N >= 100'",
    )
    parser.add_argument("--search", help="text in the label, reason, outcome, script or tags")
    parser.add_argument("--script", help="script path contains this")
    parser.add_argument("--sweep", metavar="LABEL", help="the records of this sweep")


def _date(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; expected YYYY-MM-DD or YYYY-MM-DDTHH:MM"
        ) from None


def _query(arguments: argparse.Namespace, limit: int | None = None, store: Any = None) -> Any:
    from axonal.records.store import ParameterFilter, RecordQuery

    until = arguments.until
    if until is not None and until.hour == until.minute == until.second == 0:
        until = until.replace(hour=23, minute=59, second=59)  # a date means the whole day
    return RecordQuery(
        tags=[*arguments.tag, *([f"sweep:{arguments.sweep}"] if arguments.sweep else [])],
        status=arguments.status,
        since=arguments.since,
        until=until,
        parameters=[ParameterFilter.parse(text) for text in arguments.param],
        where=_where(arguments.where, store),
        search=arguments.search,
        script=arguments.script,
        limit=limit,
    )


def _where(text: str | None, store: Any) -> Any:
    """A --where condition, parsed and (with a store) checked against the names it holds."""
    from axonal.records.figure_queries import checked_condition
    from axonal.records.where import parse_condition

    if store is None:
        return parse_condition(text) if text else None
    return checked_condition(store, text)


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
    except ModuleNotFoundError as error:
        if error.name not in _RECORDS_DEPENDENCIES:
            raise
        print(
            f"axonal: error: the run records need {error.name}, which is not installed; "
            "install them with: pip install 'axonal[records]'",
            file=sys.stderr,
        )
        return EXIT_USAGE
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
    from axonal.records.archive import parse_size
    from axonal.records.project import init_project
    from axonal.records.store import RecordStore, display_url

    root = Path(arguments.project or Path.cwd())
    limit = None if arguments.archive_limit is None else parse_size(arguments.archive_limit)
    project = init_project(
        root,
        arguments.name,
        arguments.init_store,
        arguments.output,
        on_changed=arguments.on_changed,
        archive_max_bytes=limit,
    )
    store = RecordStore(arguments.store or project.resolved_store_url)
    store.ensure_schema(new_store=True)
    print(
        f"axonal project {project.name!r} in {project.root}\n"
        f"  records: {display_url(store.url)}\n  outputs: {project.output_dir}\n"
        f"  archive: {project.archive_dir} (files up to {project.archive_max_bytes} bytes)\n"
        f"  uncommitted changes: {project.on_changed}"
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
    from axonal.records.figure_queries import add_figure_columns
    from axonal.records.liveness import shown_status

    store = _store(arguments)
    query = _query(arguments, limit=arguments.limit or None, store=store)
    records = store.list(query, long=arguments.long)
    columns = add_figure_columns(store, records, arguments.figures)
    if arguments.json:
        print(json.dumps(records, default=str, indent=1))
        return 0
    lines = []
    widths = {
        name: max([len(name), *(len(record["figures"][name]) for record in records)])
        for name in columns
    }
    if columns and records:
        lines.append(
            f"{'label':<24} {'status':<9} "
            + " ".join(f"{name:>{widths[name]}}" for name in columns)
            + f"  {'started':<19}  {'duration':>9}  script"
        )
    for record in records:
        tags = ",".join(record["tags"])
        figures = "".join(f"{record['figures'][name]:>{widths[name]}} " for name in columns)
        line = (
            f"{record['label']:<24} {shown_status(record):<9} {figures}"
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
                # An appended comment adds lines: keep them inside this record's block.
                lines.append("    outcome " + record["outcome"].replace("\n", "\n            "))
    if lines:
        sys.stdout.write("\n".join(lines) + "\n")
    return 0


def command_show(arguments: argparse.Namespace) -> int:
    store = _store(arguments)
    record = store.get(_resolve_label(store, arguments.label))
    if arguments.extract is not None:
        return _extract(record, arguments.extract)
    if arguments.json:
        print(json.dumps(record, default=str, indent=1))
    else:
        print(format_record(record))
    return 0


def _extract(record: dict[str, Any], folder: Path) -> int:
    """Copy the record's own outputs into `folder` (keeping their relative paths)."""
    import shutil

    from axonal.records.archive import readable_copy

    missing = []
    for output in record["details"].get("outputs") or []:
        source = readable_copy(record, output)
        if source is None:
            missing.append(output["path"])
            continue
        destination = folder / output["path"]
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
        print(f"{destination}  sha256 {output['sha256'][:16]}")
    for path in missing:
        print(
            f"axonal: {path} was not archived (larger than the limit) and the file on disk has "
            "changed or is gone",
            file=sys.stderr,
        )
    return 1 if missing else 0


def _output_lines(record: dict[str, Any]) -> list[str]:
    from axonal.records.archive import output_state

    lines = []
    for output in record["details"].get("outputs") or []:
        state = output_state(record, output)
        kept = "archived" if state["archived"] else "not archived"
        disk = {
            "same": "on disk: same",
            "changed": "on disk: CHANGED since this run",
            "missing": "on disk: missing",
        }[state["disk"]]
        lines.append(
            f"    {output['path']}  {output['size']} B  sha256 {output['sha256'][:16]}  "
            f"{kept}; {disk}"
        )
    return lines


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
    figures = details.get("figures") or {}
    lines.append(f"Figures     : {len(figures)}")
    lines += [f"    {name} = {figure.get('text')}" for name, figure in figures.items()]
    inputs = details.get("inputs") or []
    lines.append(f"Inputs      : {len(inputs)} file{'s' if len(inputs) != 1 else ''}")
    lines += [
        f"    {file['path']}  {file['size']} B  sha256 {file['sha256'][:16]}" for file in inputs
    ]
    outputs = details.get("outputs") or []
    lines.append(f"Outputs     : {len(outputs)} file{'s' if len(outputs) != 1 else ''}")
    lines += _output_lines(record)
    from axonal.records.model_summary import format_model

    lines += format_model(details.get("model"))
    if details.get("failure"):
        lines.append("Failure     :")
        lines += ["    " + line for line in details["failure"].splitlines()]
    if code.get("diff_not_stored"):
        lines.append("Diff        : (uncommitted changes not kept: on_changed = allow)")
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
        labels = [record["label"] for record in store.list(_query(arguments, store=store))]
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


def command_sweep(arguments: argparse.Namespace) -> int:
    from axonal.records.project import resolve_store_url
    from axonal.sweeps.cli import command_sweep as sweep

    project = _project(arguments)
    store_url = project.resolved_store_url
    if arguments.store:
        store_url = resolve_store_url(arguments.store, Path.cwd())
    return sweep(arguments, project, store_url)


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
    "sweep": command_sweep,
}


if __name__ == "__main__":
    sys.exit(main())
