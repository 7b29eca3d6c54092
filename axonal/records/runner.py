"""`axonal run`: start a script in its own process and keep its record from start to end.

The script starts at once (through `axonal.records.launch`); while it runs, this process opens
the store and writes the record (status running), so that the database library's import and the
git queries cost the script no time. When the script ends, its facts (exit, parameters, packages,
files, model summary) complete the record: finished, failed (with the traceback) or killed.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from axonal.records.archive import archive_outputs
from axonal.records.changes_policy import apply_policy, check_before_run
from axonal.records.errors import DuplicateLabelError, RecordsError, ScriptNotFoundError
from axonal.records.files import (
    changed_files,
    describe_files,
    files_under,
    sha256_file,
    snapshot,
)
from axonal.records.parameter_sets import read_command_line, split_command_line
from axonal.records.project import PROJECT_FOLDER, Project
from axonal.records.streams import StreamTee

LABEL_PATTERN = re.compile(r"[\w.+:@-]+")
# Folders whose files are never a run's inputs (code, environments, the records themselves).
_NOT_INPUTS = (PROJECT_FOLDER, ".git", ".venv", "venv", "site-packages", "__pycache__")


@dataclass
class RunResult:
    """What `run_script` reports back: the record's label, its status and the exit code."""

    label: str
    status: str
    exit_code: int
    details: dict[str, Any] = field(default_factory=dict)


def default_label(now: datetime) -> str:
    return now.strftime("%Y%m%d-%H%M%S")


def _relative_to(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path.resolve())


def _seed_text(parameters: dict[str, Any] | None) -> str | None:
    seed = (parameters or {}).get("seed")
    return None if seed is None else str(seed)


def run_script(
    project: Project,
    store_url: str,
    script: str | Path,
    arguments: Sequence[str] = (),
    label: str | None = None,
    reason: str | None = None,
    tags: Sequence[str] = (),
    output_dir: Path | None = None,
    repeat_of: str | None = None,
    on_start: Callable[[str], None] | None = None,
) -> RunResult:
    """Run `script` with `arguments` under a record; returns when the script has ended."""
    script_path = Path(script)
    if not script_path.is_file():
        raise ScriptNotFoundError(
            f"The script {str(script)!r} does not exist (looked in {os.getcwd()})."
        )
    if label is not None and not LABEL_PATTERN.fullmatch(label):
        raise RecordsError(
            f"The label {label!r} cannot be used; a label is letters, digits and . _ - + : @ "
            "(no spaces or slashes)."
        )
    arguments = list(arguments)
    # Read the parameters before anything starts: a malformed file stops here, cleanly.
    command_line_parameters = read_command_line(arguments)
    check_before_run(project.on_changed, script_path)
    output_dir = (output_dir or project.output_dir).resolve()
    output_dir.mkdir(parents=True, exist_ok=True)
    before = snapshot(output_dir)
    started = datetime.now(timezone.utc).replace(tzinfo=None)

    descriptor, facts_name = tempfile.mkstemp(prefix="axonal-run-", suffix=".json")
    os.close(descriptor)
    facts_file = Path(facts_name)
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "axonal.records.launch", str(facts_file), str(script_path)]
    process = subprocess.Popen(
        [*command, *arguments], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment
    )
    script_started = time.perf_counter()
    seconds_before_script = _process_age()
    stdout = StreamTee(process.stdout, sys.stdout.buffer)
    stderr = StreamTee(process.stderr, sys.stderr.buffer)
    received: list[int] = []

    def forward(signum: int, _frame: Any) -> None:
        received.append(signum)
        if process.poll() is None:
            process.send_signal(signum)

    previous = {
        number: signal.signal(number, forward) for number in (signal.SIGTERM, signal.SIGINT)
    }
    try:
        # The script is running; meanwhile, make its record.
        fields, details = _opening_facts(
            project, script_path, arguments, command_line_parameters, output_dir, started
        )
        fields.update(
            label=label or (f"{repeat_of}_repeat" if repeat_of else default_label(started)),
            reason=reason or (f"repeat of {repeat_of}" if repeat_of else None),
            pid=process.pid,
        )
        details["repeat_of"] = repeat_of
        try:
            from axonal.records.store import RecordStore

            store = RecordStore(store_url)
            if label is not None and store.exists(label):
                raise DuplicateLabelError(
                    f"A record labelled {label!r} exists already; choose another --label."
                )
            label = store.create(fields, details, label_is_chosen=label is not None, tags=tags)
        except Exception:
            # No record, no run: a run that nobody can find again is what this tool prevents.
            _stop(process)
            facts_file.unlink(missing_ok=True)
            raise
        record_ready = time.perf_counter()
        if on_start is not None:
            on_start(label)
        process.wait()
        script_ended = time.perf_counter()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    facts = _read_facts(facts_file, process.returncode)
    fields, closing = _closing_facts(project, facts, before, output_dir)
    closing.update(stdout=stdout.text(), stderr=stderr.text())
    # What recording cost this run, in wall-clock seconds: before the script could start,
    # waiting for the opening record once the script had ended, and the closing facts.
    closing["recorder_seconds"] = {
        "before_script": seconds_before_script,
        "waiting_for_record": max(0.0, record_ready - script_ended),
        "closing": time.perf_counter() - max(script_ended, record_ready),
        "record_written_after": record_ready - script_started,
    }
    store.update(label, fields, closing)
    store.close()
    return RunResult(
        label, fields["status"], _exit_code(process.returncode), {**details, **closing}
    )


def _process_age() -> float | None:
    """Seconds since this process started (Python's start-up and imports included), or None
    where /proc cannot tell."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            start_ticks = int(stat.read().rpartition(")")[2].split()[19])
        with open("/proc/uptime", encoding="ascii") as uptime:
            now = float(uptime.read().split()[0])
        return max(0.0, now - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return None


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _exit_code(returncode: int) -> int:
    return 128 - returncode if returncode < 0 else returncode


def _opening_facts(
    project: Project,
    script_path: Path,
    arguments: list[str],
    command_line_parameters: dict[str, Any],
    output_dir: Path,
    started: datetime,
) -> tuple[dict[str, Any], dict[str, Any]]:
    # Imported here, after the script has started: they cost it no time.
    from axonal.records.code_version import code_version
    from axonal.records.environment import platform_facts, user_name

    platform = platform_facts()
    code = apply_policy(project.on_changed, code_version(script_path))
    code["script_sha256"] = sha256_file(script_path)
    parameter_files, overrides, _ = split_command_line(arguments)
    fields: dict[str, Any] = {
        "project": project.name,
        "status": "running",
        "started_at": started,
        "user": user_name(),
        "hostname": platform["hostname"],
        "script": _relative_to(script_path, project.root),
        "commit": code.get("commit"),
        "dirty": code.get("dirty"),
        "seed": _seed_text(command_line_parameters),
        "parameters": command_line_parameters,
    }
    details: dict[str, Any] = {
        "arguments": arguments,
        "working_directory": os.getcwd(),
        "output_dir": str(output_dir),
        "parameter_sources": {
            "files": [
                {
                    "path": _relative_to(Path(file), project.root),
                    "sha256": sha256_file(file),
                    "text": Path(file).read_text(encoding="utf-8", errors="replace"),
                }
                for file in parameter_files
            ],
            "overrides": overrides,
        },
        "code": code,
        "platform": platform,
    }
    return fields, details


def _read_facts(facts_file: Path, returncode: int) -> dict[str, Any]:
    """The facts the script's process wrote; when it died before writing them, what we know."""
    try:
        text = facts_file.read_text(encoding="utf-8")
        facts = json.loads(text) if text else None
    except (OSError, json.JSONDecodeError):
        facts = None
    finally:
        facts_file.unlink(missing_ok=True)
    if facts is not None:
        return facts
    if returncode < 0:
        name = signal.Signals(-returncode).name
        status, failure = "killed", f"The script's process was killed by {name}."
    else:
        status = "failed"
        failure = f"The script's process ended with status {returncode} before reporting."
    return {"status": status, "failure": failure, "exit_code": _exit_code(returncode)}


def _closing_facts(
    project: Project, facts: dict[str, Any], before: dict[str, tuple[int, int]], output_dir: Path
) -> tuple[dict[str, Any], dict[str, Any]]:
    fields: dict[str, Any] = {"status": facts["status"], "duration": facts.get("duration")}
    details: dict[str, Any] = {
        "failure": facts.get("failure"),
        "packages": facts.get("packages") or {},
        "model": facts.get("model"),
        "figures": facts.get("figures") or {},
    }
    if details["model"] and facts.get("constants"):
        from axonal.records.model_summary import attach_constants

        attach_constants(details["model"], facts["constants"])
    # Files the script's process wrote are exact even when other runs share the folder; when it
    # wrote none through Python (compiled code, child processes), the folder's changes stand in.
    written = files_under(set(facts.get("written") or []), output_dir)
    outputs = written or changed_files(before, snapshot(output_dir))
    details["outputs"] = archive_outputs(
        output_dir, outputs, project.archive_dir, project.archive_max_bytes
    )
    details["archive_dir"] = str(project.archive_dir)
    excluded = (*(project.root / name for name in _NOT_INPUTS), output_dir)
    read = {
        path
        for path in facts.get("read") or []
        if not any(f"{os.sep}{name}{os.sep}" in path for name in _NOT_INPUTS)
    }
    details["inputs"] = describe_files(project.root, files_under(read, project.root, excluded))
    if facts.get("parameters") is not None:
        fields["parameters"] = facts["parameters"]
        fields["seed"] = _seed_text(facts["parameters"])
    if not fields.get("seed") and facts.get("seed") is not None:
        fields["seed"] = str(facts["seed"])  # what the script gave axonal's seed()
    if not fields.get("seed") and details["model"]:
        seeds = [summary.get("seed") for summary in details["model"] if summary.get("seed")]
        if seeds:
            fields["seed"] = str(seeds[-1])
    return fields, details
