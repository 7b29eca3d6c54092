"""`axonal run`: start a script in its own process and keep its record from start to end.

No record, no run: the checks (label, parameters, field lengths) and the record itself (status
running) come first; then the script starts (through `axonal.records.launch`), in a process
group of its own that dies with this process. While it runs, a lease in the store says this
process is alive. When the script ends, its facts (exit, parameters, packages, files, model
summary) complete the record: finished, failed (with the traceback) or killed; that closing
write goes through a local spool, so that a store that fails at the end loses nothing.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from axonal.records.archive import archive_outputs
from axonal.records.changes_policy import apply_policy, check_before_run
from axonal.records.errors import RecordsError, ScriptNotFoundError
from axonal.records.files import (
    changed_files,
    describe_files,
    files_under,
    sha256_file,
    snapshot,
)
from axonal.records.launch import PARENT_ENVIRONMENT
from axonal.records.parameter_sets import check_overrides, read_command_line, split_command_line
from axonal.records.project import PROJECT_FOLDER, Project
from axonal.records.streams import StreamTee

LABEL_PATTERN = re.compile(r"[\w.+:@-]+")
_RESERVED_ENDINGS = (".json", ".png")
# The signals `axonal run` passes on to the script (SIGHUP: the terminal was closed).
FORWARDED_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
# After SIGTERM or SIGHUP, how long the script may take to stop before it is killed.
STOP_GRACE_SECONDS = 20.0
STOP_GRACE_ENVIRONMENT = "AXONAL_STOP_GRACE_SECONDS"
# How long the streams may still be read once the script has ended.
STREAM_PATIENCE_SECONDS = 2.0
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


def check_label(label: str, what: str = "label") -> None:
    """Refuse a label that a URL, a file name or `axonal show` could not reach again."""
    reachable = (
        LABEL_PATTERN.fullmatch(label)
        and len(label) <= 200
        and label != "last"  # `show last` means the newest record
        and not label.startswith(".")  # `.`, `..`, hidden files
        and not label.endswith(_RESERVED_ENDINGS)  # the web view's /record/LABEL.json
    )
    if not reachable:
        raise RecordsError(
            f"The {what} {label!r} cannot be used; a label is at most 200 letters, digits and "
            ". _ - + : @ (no spaces or slashes), does not start with a dot, is not 'last' and "
            "does not end in .json or .png."
        )


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
    """Run `script` with `arguments` under a record; returns when the script has ended.

    No record, no run: every check, and the record's creation, come before the script starts.
    """
    # The database library's import overlaps the checks and the git queries below.
    store_import = threading.Thread(
        target=importlib.import_module, args=("axonal.records.store",), daemon=True
    )
    store_import.start()
    script_path = Path(script)
    if not script_path.is_file():
        raise ScriptNotFoundError(
            f"The script {str(script)!r} does not exist (looked in {os.getcwd()})."
        )
    if label is not None:
        check_label(label)
    if repeat_of is not None:
        check_label(repeat_of, "record to repeat")
    arguments = list(arguments)
    # Read the parameters before anything starts: a malformed file stops here, cleanly.
    command_line_parameters = read_command_line(arguments)
    check_before_run(project.on_changed, script_path)
    check_overrides(script_path, arguments)
    output_dir = (output_dir or project.output_dir).resolve()
    output_dir.mkdir(parents=True, exist_ok=True)
    started = datetime.now(timezone.utc).replace(tzinfo=None)
    fields, details = _opening_facts(
        project, script_path, arguments, command_line_parameters, output_dir, started
    )
    fields.update(
        label=label or (f"{repeat_of}_repeat" if repeat_of else default_label(started)),
        reason=reason or (f"repeat of {repeat_of}" if repeat_of else None),
        pid=os.getpid(),  # the recorder: the record is completed while this process lives
    )
    details["repeat_of"] = repeat_of
    store_import.join()
    from axonal.records.liveness import Heartbeat, lease_seconds
    from axonal.records.spool import close_record, replay
    from axonal.records.store import RecordStore, check_field_limits

    check_field_limits(fields, tags)
    store = RecordStore(store_url)
    replay(project.root, store)
    lease = lease_seconds()
    label = store.create(
        fields, details, label_is_chosen=label is not None, tags=tags, lease_seconds=lease
    )
    heartbeat = Heartbeat(store, label, lease).start()
    if on_start is not None:
        on_start(label)

    before = snapshot(output_dir)
    descriptor, facts_name = tempfile.mkstemp(prefix="axonal-run-", suffix=".json")
    os.close(descriptor)
    facts_file = Path(facts_name)
    environment = {**os.environ, "PYTHONUNBUFFERED": "1", PARENT_ENVIRONMENT: str(os.getpid())}
    command = [sys.executable, "-m", "axonal.records.launch", str(facts_file), str(script_path)]
    received: list[int] = []
    process: subprocess.Popen | None = None
    killer = _Killer()

    def forward(signum: int, _frame: Any) -> None:
        # SIGHUP (the terminal closed) ends the run like SIGTERM; the script's whole process
        # group gets the signal, as a terminal would send it.
        received.append(signum)
        if process is not None and process.poll() is None:
            _signal_script(process, signum)
            if signum in (signal.SIGTERM, signal.SIGHUP):
                killer.arm(process)

    previous = {number: signal.signal(number, forward) for number in FORWARDED_SIGNALS}
    try:
        try:
            process = subprocess.Popen(
                [*command, *arguments],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=environment,
                **_own_process_group(),
            )
        except OSError as error:
            heartbeat.stop()
            facts_file.unlink(missing_ok=True)
            store.update(
                label, {"status": "failed"}, {"failure": f"The script could not start: {error}"}
            )
            raise RecordsError(f"The script {str(script)!r} could not start: {error}") from None
        for signum in received[:1]:  # a stop that came while the script was starting
            forward(signum, None)
        script_started = time.perf_counter()
        seconds_before_script = _process_age()
        stdout = StreamTee(process.stdout, sys.stdout.buffer)
        stderr = StreamTee(process.stderr, sys.stderr.buffer)
        process.wait()
        script_ended = time.perf_counter()
    finally:
        killer.disarm()
        for number, handler in previous.items():
            signal.signal(number, handler)
    facts = _read_facts(facts_file, process.returncode, script_ended - script_started)
    if killer.fired:
        asked = next(signal.Signals(n).name for n in received if n != signal.SIGINT)
        facts["failure"] = (
            f"The script did not stop within {killer.grace:g} s of {asked}"
            " and was killed (SIGKILL)."
        )
    fields, closing = _closing_facts(project, facts, before, output_dir)
    # A background child of the script may hold its output open: take what came, do not wait.
    closing.update(stdout=stdout.text(timeout=STREAM_PATIENCE_SECONDS))
    closing.update(stderr=stderr.text(timeout=STREAM_PATIENCE_SECONDS))
    # What recording cost this run, in wall-clock seconds: before the script could start
    # (the record included), and the closing facts.
    closing["recorder_seconds"] = {
        "before_script": seconds_before_script,
        "closing": time.perf_counter() - script_ended,
    }
    heartbeat.stop()
    close_record(project.root, store, label, fields, closing)
    store.close()
    return RunResult(
        label, fields["status"], _exit_code(process.returncode), {**details, **closing}
    )


def _own_process_group() -> dict[str, Any]:
    """Popen arguments that put the script in a process group of its own, so that a stop
    reaches its child processes too; not when it runs in the terminal's foreground, where it
    must keep reading the terminal (input(), pdb) and Ctrl-C reaches it directly."""
    try:
        interactive = os.tcgetpgrp(sys.stdin.fileno()) == os.getpgrp()
    except (OSError, ValueError, AttributeError):
        interactive = False
    if interactive or not hasattr(os, "killpg"):
        return {}
    if sys.version_info >= (3, 11):
        return {"process_group": 0}
    return {"start_new_session": True}


def _signal_script(process: subprocess.Popen, signum: int) -> None:
    try:
        if os.getpgid(process.pid) == process.pid:
            os.killpg(process.pid, signum)
        else:
            process.send_signal(signum)
    except (ProcessLookupError, PermissionError):
        pass


class _Killer:
    """Kills the script when SIGTERM or SIGHUP got no end within the grace period (a compiled
    loop that does not return to Python)."""

    def __init__(self) -> None:
        self.grace = _stop_grace_seconds()
        self.fired = False
        self._timer: threading.Timer | None = None

    def arm(self, process: subprocess.Popen) -> None:
        if self._timer is None:
            self._timer = threading.Timer(self.grace, self._fire, (process,))
            self._timer.daemon = True
            self._timer.start()

    def _fire(self, process: subprocess.Popen) -> None:
        if process.poll() is None:
            self.fired = True
            _signal_script(process, signal.SIGKILL)

    def disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()


def _stop_grace_seconds() -> float:
    try:
        return float(os.environ.get(STOP_GRACE_ENVIRONMENT) or STOP_GRACE_SECONDS)
    except ValueError:
        return STOP_GRACE_SECONDS


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


def _exit_code(returncode: int) -> int:
    return 128 - returncode if returncode < 0 else returncode


@dataclass
class ScriptContext:
    """The opening facts every run of one script shares while its code does not change: the
    code version under the project's policy (with the script's hash), the platform, the user,
    and the parameter files described (by path). `axonal run` makes one per run; a sweep's
    worker one per batch of runs (`script_context`)."""

    code: dict[str, Any]
    platform: dict[str, Any]
    user: str
    parameter_files: dict[str, dict[str, Any]] = field(default_factory=dict)

    def describe_file(self, file: str, root: Path) -> dict[str, Any]:
        if file not in self.parameter_files:
            self.parameter_files[file] = {
                "path": _relative_to(Path(file), root),
                "sha256": sha256_file(file),
                "text": Path(file).read_text(encoding="utf-8", errors="replace"),
            }
        return dict(self.parameter_files[file])


def script_context(project: Project, script_path: Path, code_versions: Any = None) -> ScriptContext:
    """The facts of `script_path` shared by its runs from now on; `code_versions` (a
    `code_watch.CodeVersions`) reuses the code version of earlier calls in this process while
    no file git looks at changed."""
    # Imported here, after the script has started: they cost it no time.
    from axonal.records.code_version import code_version
    from axonal.records.environment import platform_facts, user_name

    if code_versions is None:
        version = code_version(script_path)
    else:
        version, reused = code_versions.get(script_path)
        version["reused_unchanged"] = reused  # no watched file changed since git was asked
    code = apply_policy(project.on_changed, version)
    code["script_sha256"] = sha256_file(script_path)
    return ScriptContext(code, platform_facts(), user_name())


def _opening_facts(
    project: Project,
    script_path: Path,
    arguments: list[str],
    command_line_parameters: dict[str, Any],
    output_dir: Path,
    started: datetime,
    code_versions: Any = None,
    context: ScriptContext | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The record's facts known before the script's end; `context` (`script_context`) the
    ones shared with other runs of the script, made here when not given."""
    if context is None:
        context = script_context(project, script_path, code_versions)
    code, platform = dict(context.code), dict(context.platform)
    parameter_files, overrides, _ = split_command_line(arguments)
    fields: dict[str, Any] = {
        "project": project.name,
        "status": "running",
        "started_at": started,
        "user": context.user,
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
            "files": [context.describe_file(file, project.root) for file in parameter_files],
            "overrides": overrides,
        },
        "code": code,
        "platform": platform,
    }
    return fields, details


def _read_facts(facts_file: Path, returncode: int, wall_seconds: float) -> dict[str, Any]:
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
    return {
        "status": status,
        "failure": failure,
        "exit_code": _exit_code(returncode),
        "duration": wall_seconds,  # the script's own clock died with it: the recorder's
    }


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
