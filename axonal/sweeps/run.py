"""`axonal.sweep(...)`: every point of a grid run on Dask, each run recorded as `axonal run`
records it, all under one sweep label; returns the sweep's table.

Dask schedules (a LocalCluster of N worker processes, a running `dask scheduler`, or the
caller's Client); nothing here decides where a run goes. With SQLite only this process writes
records (the workers hand back their facts); with a shared store (PostgreSQL) workers write.
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from axonal.records.errors import RecordsError, ScriptNotFoundError
from axonal.records.project import Project, find_project
from axonal.sweeps.batch_size import BatchSizes, check_batch
from axonal.sweeps.collect import Collecting
from axonal.sweeps.grid import Run, expand
from axonal.sweeps.table import SWEEP_TAG_PREFIX, sweep_table, write_table

_CALL_FUNCTION = Path(__file__).with_name("call_function.py")


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C during a sweep: what had not started was cancelled; finished runs are recorded."""

    def __init__(self, table: Any):
        super().__init__("sweep interrupted")
        self.table = table


def sweep_tag(label: str) -> str:
    """The tag every record of the sweep `label` carries (`axonal list --sweep LABEL`)."""
    return f"{SWEEP_TAG_PREFIX}{label}"


def sweep(
    function_or_script: Callable[..., Any] | str | os.PathLike,
    grid: Mapping[str, Any],
    seeds: int | Sequence[int] | None = None,
    client: Any = None,
    workers: int | None = None,
    zip: bool = False,  # noqa: A002 - the name the API documents (`--zip` on the command line)
    label: str | None = None,
    scheduler: str | None = None,
    parameter_files: Sequence[str] = (),
    resume: bool = False,
    project: Project | None = None,
    store_url: str | None = None,
    progress: Callable[[dict[str, Any]], None] | None = None,
    fresh_process: bool = False,
    batch: int | str | None = None,
) -> Any:
    """Run `function_or_script` at every point of `grid` (times each seed) on Dask; return the
    sweep's pandas table (a row per run: parameters, seed, status, duration, figures).

    A script gets each point as `name=value` arguments (read with `axonal.parameters`); a
    function is called with the point as keyword arguments (and `seed=`), and a dict it returns
    is reported as the run's figures. `client`: a `dask.distributed.Client` to use; else
    `scheduler` (an address such as tcp://host:8786); else a LocalCluster of `workers` worker
    processes (default: the machine's cores), one run at a time each. `resume=True` runs only
    the points that have no finished record in this sweep. The table is also written to
    `sweeps/LABEL.csv` and `.parquet` in the project.

    Each worker keeps a Python interpreter for the runs (imports and compiled kernels reused),
    putting axonal's and the process's state back before every run, and replacing it after a
    run that failed or left threads or objects behind; `fresh_process=True` starts every run in
    a new process instead, as `axonal run` does.

    Short runs go to Dask several to a task (`batch_size`): about a second of work per task,
    from the runs' durations as the sweep measures them, smaller tasks near the end; each
    run's record and progress still come as it ends. `batch=N` puts N runs in each task.
    """
    project = project or find_project()
    store_url = store_url or project.resolved_store_url
    started = datetime.now(timezone.utc)
    label = label or "sweep-" + started.strftime("%Y%m%d-%H%M%S")
    _check_label(label)
    batch = check_batch(batch)
    runs = expand(grid, seeds, zip_values=zip)
    script, arguments, target = _what_to_run(function_or_script, project, label)
    arguments = [*[str(Path(f).resolve()) for f in parameter_files], *arguments]
    if not callable(function_or_script):
        _check_before_sweep(project, script, arguments, runs)
    own_client = client is None
    # The cluster starts while this process asks the store what the sweep has done (its
    # workers start their interpreters at once: `axonal.sweeps.preload`).
    starting = _ClientStarting(scheduler, workers, project.root) if own_client else None
    try:
        done_keys = _finished_keys(store_url, label) if resume else set()
        if not resume and done_keys == set() and _has_records(store_url, label):
            raise RecordsError(
                f"The sweep {label!r} has records already; use --resume to run what is "
                "missing, or choose another --label."
            )
        if starting is not None:
            client, own_cluster = starting.result()
    except BaseException:
        if starting is not None:
            starting.abandon()
        raise
    to_run = [run for run in runs if run.key not in done_keys]
    collecting = Collecting(
        client=client,
        project=project,
        store_url=store_url,
        label=label,
        session=f"{label}:{uuid.uuid4().hex}",
        script=script,
        arguments=arguments,
        tags=[sweep_tag(label)],
        write_here=not store_url.startswith("sqlite"),
        fresh_process=fresh_process,
        details=lambda run: _sweep_details(label, run, target, len(runs)),
        sizes=BatchSizes(batch),
    )
    closing = None
    try:
        collecting.collect(to_run, progress or (lambda _state: None))
    except KeyboardInterrupt:
        client.cancel([future for future in collecting.futures if not future.done()])
        if own_client:
            closing = _close_in_background(client, own_cluster)
        table = _finish(project, store_url, label, runs)
        _join(closing)
        raise SweepInterrupted(table) from None
    except BaseException:
        if own_client:
            _join(_close_in_background(client, own_cluster))
        raise
    # Every record is written: the cluster shuts down while the table is made.
    if own_client:
        closing = _close_in_background(client, own_cluster)
    table = _finish(project, store_url, label, runs)
    _join(closing)
    return table


def _finish(project: Project, store_url: str, label: str, runs: list[Run]) -> Any:
    table = sweep_table(store_url, label, runs)
    write_table(table, project.root / "sweeps", label)
    return table


def _check_label(label: str) -> None:
    from axonal.records.runner import LABEL_PATTERN

    if not LABEL_PATTERN.fullmatch(label):
        raise RecordsError(
            f"The sweep label {label!r} cannot be used; a label is letters, digits and "
            ". _ - + : @ (no spaces or slashes)."
        )


def _check_before_sweep(project: Project, script: Path, arguments: list[str], runs: list[Run]):
    """What `axonal run` checks before a script starts, for every point, before any starts: the
    project's policy on uncommitted changes, and that each override names one of the script's
    parameters with a value of its kind."""
    from axonal.records.changes_policy import check_before_run
    from axonal.records.parameter_sets import check_overrides

    check_before_run(project.on_changed, script)
    for run in runs:
        check_overrides(script, [*arguments, *run.overrides()])


def _what_to_run(
    function_or_script: Any, project: Project, label: str
) -> tuple[Path, list[str], str]:
    """(script, leading arguments, what the records call it) for a script or a function."""
    if callable(function_or_script):
        import cloudpickle

        folder = project.root / ".axonal" / "sweeps" / label
        folder.mkdir(parents=True, exist_ok=True)
        pickled = folder / "function.pkl"
        pickled.write_bytes(cloudpickle.dumps(function_or_script))
        name = getattr(function_or_script, "__qualname__", repr(function_or_script))
        module = getattr(function_or_script, "__module__", "")
        return _CALL_FUNCTION, [str(pickled)], f"{module}:{name}"
    script = Path(function_or_script)
    if not script.is_file():
        raise ScriptNotFoundError(
            f"The script {str(function_or_script)!r} does not exist (looked in {os.getcwd()})."
        )
    return script.resolve(), [], str(script)


def _sweep_details(label: str, run: Run, target: str, total: int) -> dict[str, Any]:
    return {
        "label": label,
        "index": run.index,
        "key": run.key,
        "point": run.parameters,
        "seed": run.seed,
        "runs": total,
        "target": target,
    }


# What the sweep's own LocalCluster leaves out: the workers' statistical profiler samples every
# thread 100 times a second (for the dashboard's profile page), CPU the runs need.
_OWN_CLUSTER_CONFIG = {"distributed.worker.profile.enabled": False}


def _client(
    scheduler: str | None, workers: int | None, folder: Path | None = None
) -> tuple[Any, Any]:
    import dask
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler), None
    preload = {}
    if folder is not None:  # each worker starts its interpreter for the runs in `folder`
        preload = {"preload": ["axonal.sweeps.preload"], "preload_argv": [f"--folder={folder}"]}
    with dask.config.set(_OWN_CLUSTER_CONFIG):
        cluster = LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,  # one simulation at a time per worker process
            processes=True,
            dashboard_address=":0",  # any free port: two sweeps on one machine do not collide
            **preload,
        )
    return Client(cluster), cluster


class _ClientStarting:
    """`_client(...)` started in a thread of its own (while the sweep checks its runs)."""

    def __init__(self, scheduler: str | None, workers: int | None, folder: Path):
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(1, thread_name_prefix="axonal-sweep-cluster")
        self._future = self._pool.submit(_client, scheduler, workers, folder)
        self._pool.shutdown(wait=False)

    def result(self) -> tuple[Any, Any]:
        return self._future.result()

    def abandon(self) -> None:
        """The sweep stops before any run: the client and cluster are closed once started."""

        def close(future: Any) -> None:
            if future.exception() is None:
                _close(*future.result())

        self._future.add_done_callback(close)


def _close(client: Any, cluster: Any) -> None:
    client.close()
    if cluster is not None:
        cluster.close()


def _close_in_background(client: Any, cluster: Any) -> Any:
    import threading

    closing = threading.Thread(target=_close, args=(client, cluster), name="axonal-sweep-close")
    closing.start()
    return closing


def _join(closing: Any) -> None:
    if closing is not None:
        closing.join()


def _finished_keys(store_url: str, label: str) -> set[str]:
    from axonal.sweeps.table import sweep_records

    return {
        (record["details"].get("sweep") or {}).get("key")
        for record in sweep_records(store_url, label)
        if record["status"] == "finished"
    }


def _has_records(store_url: str, label: str) -> bool:
    from axonal.records.store import RecordQuery, RecordStore

    store = RecordStore(store_url)
    try:
        return store.count(RecordQuery(tags=[sweep_tag(label)])) > 0
    finally:
        store.close()


def print_progress(state: dict[str, Any], stream: Any = sys.stderr) -> None:
    """One line per finished run: counts, ETA, and the run's record."""
    eta = time.strftime("%H:%M:%S", time.gmtime(state["eta"]))
    retried = " (retried after its worker died)" if state["retried"] else ""
    print(
        f"[{state['done']}/{state['total']}] done {state['finished']} failed {state['failed']} "
        f"running {state['running']} ETA {eta}  {state['label']} {state['status']}{retried}",
        file=stream,
        flush=True,
    )
