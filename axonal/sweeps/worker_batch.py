"""One Dask task of a sweep, on a worker: a batch of runs one after another (`execute.run_one`),
the facts they share computed once for the batch, and each run's facts sent to the client as
soon as it ends (a scheduler event), so that progress and records follow the runs, not the
batches, and a worker that dies mid-batch loses only the run it was running.

Messages (the scheduler's event log, `Client.subscribe_topic` on the client):
- `ATTEMPT_TOPIC`: each run's start, taken by the scheduler before the script starts.
- `RESULT_TOPIC`: each run's facts (pickled), sent when it ends (a facts document above
  `MAX_EVENT_BYTES` comes with the task's result only).
- `ended_topic(session)`: the runs (their records' labels as wanted) of this sweep (this call
  of `axonal.sweep`) that ended, which a batch run again after its worker died skips (their
  facts reached the scheduler, and the client with it).
"""

from __future__ import annotations

import pickle
import traceback
from pathlib import Path
from typing import Any

from axonal.records.project import Project
from axonal.sweeps.execute import RunFacts, code_versions, failed_facts, run_one

RESULT_TOPIC = "axonal-sweep-results"
# Facts bigger than this travel with the task's result only (the scheduler keeps the last
# events of a topic in memory: Dask's `distributed.admin.low-level-log-length`, 1000).
MAX_EVENT_BYTES = 256_000


def ended_topic(session: str) -> str:
    """The topic of the runs that ended in the sweep `session` (one call of `axonal.sweep`)."""
    return f"axonal-sweep-ended:{session}"


def run_batch(
    project: Project,
    store_url: str,
    script: str,
    runs: list[tuple[list[str], str, str, dict[str, Any]]],
    sweep_label: str,
    write_here: bool,
    tags: list[str],
    fresh_process: bool,
    session: str,
    batch_id: str,
) -> list[RunFacts]:
    """Run each of `runs` (arguments, record label, key, sweep details) in turn, and return
    their facts (each also sent to the client when its run ends). A run whose end the
    scheduler saw already (this batch ran before on a worker that died) is skipped; a run that
    raises in axonal's own code is a failed record, and the batch goes on; once the client has
    cancelled the task, no further run starts."""
    from axonal.records.runner import script_context

    ended = _ended_before(session)
    context = script_context(project, Path(script), code_versions)
    results = []
    for position, (arguments, label, key, details) in enumerate(runs):
        if label in ended:
            continue
        if _cancelled():
            break
        batch = {"id": batch_id, "session": session, "size": len(runs), "position": position}
        try:
            result = run_one(
                project, store_url, script, arguments, label, key, sweep_label, write_here,
                tags, {**details, "batch": batch}, fresh_process, context=context,
            )  # fmt: skip
        except Exception:  # noqa: BLE001 - axonal's own failure: recorded, the batch goes on
            result = failed_facts(
                project, Path(script), arguments, label, key, {**details, "batch": batch},
                "The sweep failed to run or record this run:\n" + traceback.format_exc(),
            )  # fmt: skip
        result.extra["run"] = label  # (the record's label may get a suffix when written)
        _send_result(sweep_label, session, result)
        results.append(result)
    return results


def _worker() -> Any:
    try:
        from distributed import get_worker

        return get_worker()
    except (ImportError, ValueError):
        return None  # not on a Dask worker


def _ended_before(session: str) -> set[str]:
    """The runs (labels) of the sweep whose end the scheduler has seen (one request)."""
    worker = _worker()
    if worker is None:
        return set()
    try:
        from distributed.utils import sync

        events = sync(worker.loop, worker.scheduler.events, topic=ended_topic(session))
    except Exception:  # noqa: BLE001 - a scheduler without the event log: nothing skipped
        return set()
    return {message.get("run") for _time, message in events if isinstance(message, dict)}


def _cancelled() -> bool:
    """Whether the client cancelled (or the scheduler released) the task running here."""
    worker = _worker()
    if worker is None:
        return False
    try:
        from distributed.worker import thread_state

        task = worker.state.tasks.get(thread_state.key)
    except (AttributeError, ImportError):
        return False
    return task is None or task.state in ("cancelled", "released")


def _send_result(sweep_label: str, session: str, result: RunFacts) -> None:
    """The run's facts to the client and its end to the scheduler's log, in one message
    stream with the task's own (they reach the scheduler before the task's end)."""
    worker = _worker()
    if worker is None:
        return
    facts = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    if len(facts) <= MAX_EVENT_BYTES:
        # (the end first: once the client has the facts, the scheduler has the end)
        run = result.extra["run"]
        worker.log_event(ended_topic(session), {"run": run})
        message = {"sweep": sweep_label, "session": session, "run": run, "facts": facts}
        worker.log_event(RESULT_TOPIC, message)
