"""One run of a sweep, on a Dask worker: the script in the worker's kept interpreter (or in a
process of its own, as `axonal run` starts it), and the facts of its record (the records' own
opening and closing facts), returned to the client, or written by the worker itself when the
store is shared (PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from axonal.records.code_watch import CodeVersions
from axonal.records.files import snapshot
from axonal.records.parameter_sets import read_command_line
from axonal.records.project import Project
from axonal.records.runner import ScriptContext, _closing_facts, _opening_facts, _read_facts
from axonal.sweeps.interpreters import run_in_interpreter

if TYPE_CHECKING:  # the database library loads when a record is written
    from axonal.records.finished_records import FinishedRecord
    from axonal.records.store import RecordStore

# The topic of the scheduler's event log where each attempt of a run announces itself: how a
# run retried after its worker died says so in its record.
ATTEMPT_TOPIC = "axonal-sweep-attempts"

# This worker's code versions: git is asked again only when a watched file changed.
code_versions = CodeVersions()

# What Dask's nanny puts in its worker processes' environment for the worker's own memory
# (`distributed.nanny.pre-spawn-environ`) and a run's process must not inherit: glibc given any
# MALLOC_TRIM_THRESHOLD_ also stops raising its mmap threshold, so every array above 128 kB is
# a fresh mmap, zeroed page by page (3x the page faults): a run of CUBA 4000 took twice as long.
_WORKER_ONLY_VARIABLES = ("MALLOC_TRIM_THRESHOLD_",)


def run_environment() -> dict[str, str]:
    """The environment of a run's process: this worker's, less what Dask's nanny set there for
    the worker itself (a value the user gave, different from Dask's, is kept)."""
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
    try:
        import dask

        set_by_dask = dask.config.get("distributed.nanny.pre-spawn-environ", default={}) or {}
    except ImportError:
        return environment
    for name in _WORKER_ONLY_VARIABLES:
        value = set_by_dask.get(name)
        if value is not None and environment.get(name) == str(value):
            del environment[name]
    return environment


@dataclass
class RunFacts:
    """What a worker hands back for one run: the record's fields and details, opening and
    closing (as `RecordStore.create` and `update` take them)."""

    label: str
    key: str
    fields: dict[str, Any]
    details: dict[str, Any]
    closing_fields: dict[str, Any]
    closing_details: dict[str, Any]
    written_by_worker: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _announce_attempt(
    sweep_label: str, key: str, batch: dict[str, Any] | None = None, run: str | None = None
) -> dict[str, Any]:
    attempt = {
        "sweep": sweep_label,
        "key": key,
        "run": run,  # the record's label as wanted: one per run (two runs may share a point)
        "batch": (batch or {}).get("id"),
        "session": (batch or {}).get("session"),  # which call of the sweep
        "host": os.uname().nodename,
        "pid": os.getpid(),
        "thread": threading.get_ident(),  # (a worker of several threads runs several at once)
        "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    try:
        from distributed import get_worker
        from distributed.utils import sync

        worker = get_worker()
    except (ImportError, ValueError):
        attempt["worker"] = None  # not on a Dask worker (run in the client's process)
        return attempt
    attempt["worker"] = worker.address
    try:
        # Taken by the scheduler before the script starts (not batched as `log_event` sends):
        # a run that kills its worker at once is still seen to have started there.
        sync(worker.loop, worker.scheduler.log_event, topic=ATTEMPT_TOPIC, msg=attempt)
    except Exception:  # noqa: BLE001 - a scheduler that cannot take it: sent the usual way
        worker.log_event(ATTEMPT_TOPIC, attempt)
    return attempt


def run_one(
    project: Project,
    store_url: str,
    script: str,
    arguments: list[str],
    label: str,
    key: str,
    sweep_label: str,
    write_here: bool,
    tags: list[str],
    sweep_details: dict[str, Any],
    fresh_process: bool = False,
    context: ScriptContext | None = None,
) -> RunFacts:
    """Run `script arguments` under a record labelled `label` (a suffix is added when taken):
    in this worker's kept interpreter (`interpreters`), or with `fresh_process` in a new Python
    process as `axonal run` starts one. `context`: the facts shared with the other runs of the
    batch (`records.runner.script_context`), made here when not given."""
    began = time.perf_counter()
    attempt = _announce_attempt(sweep_label, key, sweep_details.get("batch"), label)
    if write_here:
        written = _written_already(store_url, label, key)
        if written is not None:
            return written
    script_path = Path(script)
    command_line_parameters = read_command_line(arguments)
    output_dir = project.output_dir
    output_dir.mkdir(parents=True, exist_ok=True)
    before = snapshot(output_dir)
    started = datetime.now(timezone.utc).replace(tzinfo=None)
    descriptor, facts_name = tempfile.mkstemp(prefix="axonal-sweep-", suffix=".json")
    os.close(descriptor)
    command = [
        sys.executable,
        "-m",
        "axonal.sweeps.child",
        str(os.getpid()),
        facts_name,
        str(script_path),
    ]
    environment = run_environment()
    clock = time.perf_counter()
    if fresh_process:
        completed = subprocess.run(
            [*command, *arguments], capture_output=True, env=environment, cwd=project.root
        )
        returncode, stdout, stderr = completed.returncode, completed.stdout, completed.stderr
        interpreter = {"pid": None, "fresh_process": True}
    else:
        outcome = run_in_interpreter(
            str(script_path), arguments, facts_name, environment, project.root
        )
        returncode, stdout, stderr = outcome.returncode, outcome.stdout, outcome.stderr
        interpreter = outcome.interpreter
    wall_seconds = time.perf_counter() - clock
    fields, details = _opening_facts(
        project,
        script_path,
        arguments,
        command_line_parameters,
        output_dir,
        started,
        code_versions,
        context,
    )
    fields.update(label=label, pid=None, reason=f"sweep {sweep_label}")
    details["sweep"] = {
        **sweep_details,
        "attempt": attempt,
        "wall_seconds": wall_seconds,
        "interpreter": interpreter,
        "recorded_by": "worker" if write_here else "client",
    }
    facts = _read_facts(Path(facts_name), returncode, wall_seconds)
    closing_fields, closing = _closing_facts(project, facts, before, output_dir)
    closing.update(
        stdout=stdout.decode(errors="replace"),
        stderr=stderr.decode(errors="replace"),
    )
    result = RunFacts(label, key, fields, details, closing_fields, closing)
    result.extra["seconds"] = time.perf_counter() - began  # the worker's time for this run
    if write_here:
        write_record(store_url, result, tags)
        result.written_by_worker = True
    return result


def failed_facts(
    project: Project,
    script: Path,
    arguments: list[str],
    label: str,
    key: str,
    sweep_details: dict[str, Any],
    failure: str,
    status: str = "failed",
) -> RunFacts:
    """The record of a run that no script's end describes: its worker died each time (Dask
    gave it up, `status` "killed"), or axonal failed around it; `failure` says what happened."""
    all_arguments = list(arguments)
    fields, details = _opening_facts(
        project,
        script,
        all_arguments,
        read_command_line(all_arguments),
        project.output_dir,
        datetime.now(timezone.utc).replace(tzinfo=None),
    )
    fields.update(label=label, pid=None, reason=f"sweep {sweep_details.get('label')}")
    details["sweep"] = dict(sweep_details)
    closing_fields = {"status": status, "duration": None}
    return RunFacts(label, key, fields, details, closing_fields, {"failure": failure})


def _written_already(store_url: str, label: str, key: str) -> RunFacts | None:
    """A shared store's finished record of this run, written by an earlier attempt whose
    worker died before the client took its result (Dask then runs the task again): that run
    is not run, nor recorded, twice."""
    from axonal.records.errors import UnknownLabelError
    from axonal.records.store import RecordStore

    store = RecordStore(store_url)
    try:
        record = store.get(label)
    except UnknownLabelError:
        return None
    finally:
        store.close()
    sweep_details = record["details"].get("sweep") or {}
    if record["status"] != "finished" or sweep_details.get("key") != key:
        return None  # another run's record (a failed one, before --resume): this run goes on
    closing = {"status": "finished", "duration": record["duration"]}
    facts = RunFacts(label, key, {}, {"sweep": sweep_details}, closing, {})
    facts.written_by_worker = True
    return facts


def finished_record(result: RunFacts, tags: list[str]) -> FinishedRecord:
    """The whole record of a run the worker reported (opening and closing facts merged)."""
    from axonal.records.finished_records import FinishedRecord

    return FinishedRecord(
        {**result.fields, **result.closing_fields},
        {**result.details, **result.closing_details},
        tags,
    )


def write_records(store: RecordStore, results: list[RunFacts], tags: list[str]) -> None:
    """Write the records of ended runs in one transaction; each result learns its label (a
    suffix is added when taken)."""
    from axonal.records.finished_records import add_finished

    labels = add_finished(store, [finished_record(result, tags) for result in results])
    for result, label in zip(results, labels, strict=True):
        result.label = label


def write_record(store_url: str, result: RunFacts, tags: list[str]) -> str:
    """Write one run's record to the store at `store_url`; returns its label."""
    from axonal.records.store import RecordStore

    store = RecordStore(store_url)
    try:
        write_records(store, [result], tags)
    finally:
        store.close()
    return result.label
