"""The client's side of a running sweep: the runs handed to Dask in batches (`batch_size`),
each run's facts taken as it ends (`worker_batch`'s events), its record written, progress
reported per run; a task Dask gave up is resubmitted or recorded.

What the workers say arrives through the scheduler's topics this process subscribes to (no
request per result): each run's start (`ATTEMPT_TOPIC`, which tells the records of a run
retried after its worker died, and what is running) and each run's facts (`RESULT_TOPIC`).
"""

from __future__ import annotations

import pickle
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from axonal.records.project import Project
from axonal.sweeps.batch_size import BatchSizes
from axonal.sweeps.execute import ATTEMPT_TOPIC, RunFacts, failed_facts, write_records
from axonal.sweeps.grid import Run
from axonal.sweeps.worker_batch import RESULT_TOPIC, run_batch

# A run Dask gave up (KilledWorker) without it ever starting (it was only queued on workers
# that died) is submitted again, at most this many times.
RESUBMISSIONS = 3
# How often the workers' thread count is asked again (workers may join or leave).
THREADS_REFRESH_SECONDS = 5.0
# Tasks handed to Dask ahead, per worker thread: one running, one waiting to start at once.
TASKS_PER_THREAD = 2


@dataclass
class Collecting:
    """A sweep's runs on Dask, from submission to records (`collect`)."""

    client: Any
    project: Project
    store_url: str
    label: str
    session: str  # this call of the sweep (a retried batch skips the runs it ended)
    script: Path
    arguments: list[str]
    tags: list[str]
    write_here: bool
    fresh_process: bool
    details: Callable[[Run], dict[str, Any]]  # a run's `details.sweep`
    sizes: BatchSizes
    futures: dict[Any, list[Run]] = field(default_factory=dict)  # the tasks not yet ended
    _unsubmitted: deque[Run] = field(default_factory=deque)
    _runs: dict[str, Run] = field(default_factory=dict)
    _recorded: set[str] = field(default_factory=set)  # runs by `_name`
    _attempts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _batch_workers: dict[str, list[tuple[Any, Any]]] = field(default_factory=dict)
    _slots: dict[tuple[Any, ...], str] = field(default_factory=dict)  # worker thread -> run
    _resubmitted: dict[str, int] = field(default_factory=dict)
    _counts: dict[str, int] = field(default_factory=dict)
    _ended_tasks: list[Any] = field(default_factory=list)
    _batches: int = 0
    _threads: int = 1
    _threads_asked: float = float("-inf")

    def collect(self, runs: list[Run], report: Callable[[dict[str, Any]], None]) -> None:
        """Run `runs`, write each one's record as it ends (all that ended together in one
        transaction, unless the workers write them), and report progress per run."""
        from axonal.records.store import RecordStore

        self._runs = {self._name(run): run for run in runs}
        self._unsubmitted = deque(runs)
        inbox: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        listening = [
            (topic, _listen(self.client, topic, self.label, partial(_post, inbox, kind)))
            for topic, kind in ((ATTEMPT_TOPIC, "attempt"), (RESULT_TOPIC, "result"))
        ]
        store = RecordStore(self.store_url)
        clock = time.monotonic()
        try:
            self._submit_more(inbox)
            while len(self._recorded) < len(runs):
                ended: dict[str, RunFacts] = {}
                for kind, item in _waiting(inbox):
                    if kind != "task" and item.get("session") != self.session:
                        continue  # a run of an earlier call with this label, ending now
                    if kind == "attempt":
                        self._attempt(item)
                    elif kind == "result":
                        if item.get("run") not in self._recorded:
                            ended.setdefault(item.get("run"), pickle.loads(item["facts"]))
                    else:
                        self._task_ended(item, ended)
                self._record(store, list(ended.values()), report, clock)
                self._submit_more(inbox)
        finally:
            store.close()
            for topic, listener in listening:
                _stop_listening(self.client, topic, self.label, listener)

    def _name(self, run: Run) -> str:
        """The run's record label as wanted: what names it in the workers' messages (two
        runs of one sweep may share a point, and so a key)."""
        return f"{self.label}-r{run.index:03d}"

    def _submit_more(self, inbox: queue.SimpleQueue) -> None:
        """Hand Dask the next batches, up to `TASKS_PER_THREAD` tasks per worker thread."""
        threads = self._worker_threads()
        while self._unsubmitted and len(self.futures) < TASKS_PER_THREAD * threads:
            size = self.sizes.next_size(len(self._unsubmitted), threads)
            batch = [self._unsubmitted.popleft() for _ in range(size)]
            self._batches += 1
            batch_id = f"{self.label}-b{self._batches}"
            specs = [
                (
                    [*self.arguments, *run.overrides()],
                    self._name(run),
                    run.key,
                    self.details(run),
                )
                for run in batch
            ]
            future = self.client.submit(
                run_batch, self.project, self.store_url, str(self.script), specs, self.label,
                self.write_here, self.tags, self.fresh_process, self.session, batch_id,
                key=f"axonal-sweep-{batch_id}-{time.time_ns()}", pure=False, retries=1,
            )  # fmt: skip
            self.futures[future] = batch
            future.add_done_callback(partial(_post, inbox, "task"))

    def _worker_threads(self) -> int:
        now = time.monotonic()
        if now - self._threads_asked > THREADS_REFRESH_SECONDS:
            self._threads_asked = now
            try:
                self._threads = max(1, sum(self.client.nthreads().values()))
            except Exception:  # noqa: BLE001 - keep the last count
                pass
        return self._threads

    def _attempt(self, message: dict[str, Any]) -> None:
        """A worker announced a run's start: the run is running there (and nothing else is)."""
        name = message.get("run")
        if name not in self._runs:
            return
        self._attempts.setdefault(name, []).append(message)
        where = (message.get("worker"), message.get("pid"))
        workers = self._batch_workers.setdefault(message.get("batch"), [])
        if where not in workers:
            workers.append(where)
        for slot, running in list(self._slots.items()):
            if running == name:
                del self._slots[slot]
        self._slots[(*where, message.get("thread"))] = name

    def _task_ended(self, future: Any, ended: dict[str, RunFacts]) -> None:
        """A batch ended: the facts of its runs not already in (a facts document too big for
        an event), or, when Dask gave the task up, the resubmission or record of the rest."""
        batch = self.futures.pop(future, None) or []
        # Kept, and released here once read: a future's `__del__` releases it otherwise, and
        # a Ctrl-C that lands in a `__del__` is ignored (the sweep went on to its end).
        self._ended_tasks.append(future)
        try:
            self._take_ended(future, batch, ended)
        finally:
            future.release()

    def _take_ended(self, future: Any, batch: list[Run], ended: dict[str, RunFacts]) -> None:
        missing = [run for run in batch if self._name(run) not in self._recorded | ended.keys()]
        if not missing:
            return  # every run's facts came as it ended: the task's result is not fetched
        try:
            for facts in future.result():
                if facts.extra.get("run") not in self._recorded:
                    ended.setdefault(facts.extra.get("run"), facts)
            error: BaseException | None = None
        except KeyboardInterrupt:
            raise
        except BaseException as failure:  # noqa: BLE001 - its workers died, Dask failed, or
            error = failure  # someone cancelled the task (a CancelledError)
        for run in missing:
            name = self._name(run)
            if name in ended:
                continue
            attempts = self._attempts.get(name, [])
            never_started = not attempts and (
                error is None or type(error).__name__ == "KilledWorker"
            )
            if never_started and self._resubmitted.get(name, 0) < RESUBMISSIONS:
                self._resubmitted[name] = self._resubmitted.get(name, 0) + 1
                self._unsubmitted.appendleft(run)
                continue
            ended[name] = self._lost(run, error, attempts)

    def _lost(self, run: Run, error: BaseException | None, attempts: list[dict]) -> RunFacts:
        """The record of a run no worker could finish (each one it ran on died, or Dask
        failed)."""
        import traceback

        killed = type(error).__name__ == "KilledWorker"
        if error is None:
            failure = "Its batch ended without running it (the task was cancelled)."
        else:
            failure = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        if killed:
            started_on = ", ".join(f"{a['worker']} (pid {a['pid']})" for a in attempts) or "none"
            failure = (
                f"Every worker that had it died, and Dask gave it up (KilledWorker: {error}). "
                f"It had started on {len(attempts)} of them: {started_on}.\n{failure}"
            )
        facts = failed_facts(
            self.project, self.script, [*self.arguments, *run.overrides()], self._name(run),
            run.key, self.details(run), failure, status="killed" if killed else "failed",
        )  # fmt: skip
        facts.extra["run"] = self._name(run)
        return facts

    def _record(
        self,
        store: Any,
        ended: list[RunFacts],
        report: Callable[[dict[str, Any]], None],
        clock: float,
    ) -> None:
        """Write the records of the runs that `ended` (one transaction) and report each."""
        if not ended:
            return
        for result in ended:
            sweep = result.details["sweep"]
            name = result.extra["run"]
            attempts = self._attempts.get(name, [])
            sweep["attempts"] = attempts
            batch = sweep.get("batch")
            moved = False
            if batch is not None:
                workers = self._batch_workers.get(batch["id"], [])
                batch["workers"] = [worker for worker, _pid in workers]
                here = (attempts[-1].get("worker"), attempts[-1].get("pid")) if attempts else None
                # its batch had started on a worker that died before this run's turn came
                moved = bool(workers) and here is not None and here != workers[0]
            sweep["retried"] = len(attempts) > 1 or moved
            if self._resubmitted.get(name):
                sweep["resubmitted"] = self._resubmitted[name]
            interpreter = sweep.get("interpreter") or {}
            self.sizes.observe(
                result.extra.get("seconds"), interpreter.get("run_in_interpreter") == 1
            )
        write_records(store, [r for r in ended if not r.written_by_worker], self.tags)
        for result in ended:
            if result.written_by_worker:
                store.update(result.label, None, {"sweep": result.details["sweep"]})
        self._recorded.update(result.extra["run"] for result in ended)
        running = sum(1 for name in self._slots.values() if name not in self._recorded)
        total = len(self._runs)
        for result in ended:
            status = result.closing_fields.get("status", "failed")
            self._counts[status] = self._counts.get(status, 0) + 1
            done = sum(self._counts.values())
            elapsed = time.monotonic() - clock
            attempts = result.details["sweep"]["attempts"]
            report(
                {
                    "done": done,
                    "total": total,
                    "finished": self._counts.get("finished", 0),
                    "failed": self._counts.get("failed", 0) + self._counts.get("killed", 0),
                    "running": running,
                    "elapsed": elapsed,
                    "eta": elapsed / done * (total - done),
                    "label": result.label,
                    "status": status,
                    "retried": result.details["sweep"]["retried"],
                    "worker": attempts[-1].get("worker") if attempts else None,
                }
            )


def _post(inbox: queue.SimpleQueue, kind: str, item: Any) -> None:
    inbox.put((kind, item))


def _waiting(inbox: queue.SimpleQueue) -> list[tuple[str, Any]]:
    """What arrived: at least one item (waiting for it; Ctrl-C can still stop the wait), and
    whatever else came meanwhile."""
    while True:
        try:
            items = [inbox.get(timeout=0.5)]
            break
        except queue.Empty:
            continue
    while True:
        try:
            items.append(inbox.get_nowait())
        except queue.Empty:
            return items


# Per client and topic, the sweeps listening (by label): one subscription serves them all.
_listeners: dict[tuple[str, str], dict[str, Callable[[dict[str, Any]], None]]] = {}
_listeners_lock = threading.Lock()


def _listen(client: Any, topic: str, label: str, handler: Callable) -> Callable:
    """Call `handler(message)` for each message of the sweep `label` on `topic`."""
    with _listeners_lock:
        routes = _listeners.setdefault((client.id, topic), {})
        first = not routes
        routes[label] = handler
    if first:
        client.subscribe_topic(topic, partial(_dispatch, client.id, topic))
    return handler


def _dispatch(client_id: str, topic: str, event: tuple[float, Any]) -> None:
    """On the client's event loop: the message to the sweep it is about (nothing slow here)."""
    _time, message = event
    if isinstance(message, dict):
        handler = _listeners.get((client_id, topic), {}).get(message.get("sweep"))
        if handler is not None:
            handler(message)


def _stop_listening(client: Any, topic: str, label: str, handler: Callable) -> None:
    with _listeners_lock:
        routes = _listeners.get((client.id, topic), {})
        if routes.get(label) is handler:
            del routes[label]
        last = not routes
        if last:
            _listeners.pop((client.id, topic), None)
    if last:
        try:
            client.unsubscribe_topic(topic)
        except Exception:  # noqa: BLE001 - a client already closing
            pass
