"""Sweeps on real Dask processes: the LocalCluster default, a `dask scheduler` with two workers
(one killed mid-sweep), a failing run, Ctrl-C and --resume; the table against the records."""

from __future__ import annotations

import json
import os
import signal
import time

import pandas as pd
import pytest

from axonal.records.chart import chart_image, chart_points
from axonal.records.figures import figures_of
from axonal.records.project import load_project
from axonal.records.store import RecordStore
from axonal.sweeps import sweep
from axonal.sweeps.table import sweep_records
from axonal.sweeps.web_page import sweep_page
from tests.sweep.conftest import interrupted_sweep, run_axonal

pytestmark = pytest.mark.slow


def _expected_total(x, y, seed):
    return x * 10 + y + seed / 2


def test_local_cluster_sweep_records_every_run_and_keeps_failures(sweep_project, monkeypatch):
    monkeypatch.chdir(sweep_project)
    project = load_project(sweep_project)
    states = []
    table = sweep(
        "quick.py",
        {"x": [1.0, 2.0, 3.0], "y": "0:2:1", "fail_at": 3.0, "sleep": 0.2},
        seeds=2,
        workers=2,
        label="grid",
        progress=states.append,
    )
    assert len(table) == 12
    # progress: one report per run, at most one run running per worker, none at the end
    assert [state["done"] for state in states] == list(range(1, 13))
    assert all(0 <= state["running"] <= 2 for state in states)
    assert max(state["running"] for state in states) >= 1 and states[-1]["running"] == 0
    records = {
        record["label"]: record for record in sweep_records(project.resolved_store_url, "grid")
    }
    assert len(records) == 12  # one record per run, none left running
    # with SQLite the workers hand their facts back and this process writes every record
    assert {r["details"]["sweep"]["recorded_by"] for r in records.values()} == {"client"}
    assert sorted(table["label"]) == sorted(records)
    failed = table[table["status"] == "failed"]
    assert sorted(failed["x"]) == [3.0] * 4
    for label in failed["label"]:
        assert "ValueError: x=3.0 is the failing point" in records[label]["details"]["failure"]
    for row in table[table["status"] == "finished"].itertuples():
        record = records[row.label]
        figures = figures_of(record)
        # the table's cells are the record's figures, and the figures follow the parameters
        assert row.total == pytest.approx(float(figures["total"]))
        assert row.total == pytest.approx(_expected_total(row.x, row.y, row.seed))
        assert row.rate == pytest.approx(2 * row.x)  # Hz, in SI
        assert record["parameters"]["x"] == row.x and record["seed"] == str(row.seed)
        assert record["details"]["sweep"]["label"] == "grid"
        assert record["details"]["code"]["script_sha256"]  # recorded as `axonal run` records
        assert row.duration == pytest.approx(record["duration"])
    assert table.attrs["units"] == {"rate": "Hz"}
    # two worker processes ran the runs, one run at a time each
    assert table.loc[table["status"] == "finished", "pid"].nunique() >= 2
    # not in the worker's environment that Dask's nanny set for the worker itself (glibc given
    # MALLOC_TRIM_THRESHOLD_ maps every array above 128 kB anew: CUBA ran at half speed)
    assert (table.loc[table["status"] == "finished", "malloc_trim"] == 0).all()
    on_disk = pd.read_parquet(sweep_project / "sweeps" / "grid.parquet")
    assert list(on_disk["label"]) == list(table["label"])
    assert json.loads(on_disk.attrs["units"]) == {"rate": "Hz"}
    csv = pd.read_csv(sweep_project / "sweeps" / "grid.csv")
    assert csv["total"].dropna().tolist() == pytest.approx(table["total"].dropna().tolist())

    listed = run_axonal("list", "--sweep", "grid", "--limit", "0", "--json", cwd=sweep_project)
    assert sorted(r["label"] for r in json.loads(listed.stdout)) == sorted(records)
    shown = run_axonal("sweep", "show", "grid", cwd=sweep_project, check=True)
    assert "rate (Hz)" in shown.stdout and shown.stdout.count("failed") == 4

    # the web page: the table, and the records' chart filtered by the sweep's tag
    store = RecordStore(project.resolved_store_url)
    html = sweep_page(store, {"label": ["grid"], "x": ["x"], "y": ["total"]})
    assert html.count("<tr>") == 13 and "rate (Hz)" in html
    assert "/chart.png?x=x&amp;y=total&amp;tag=sweep%3Agrid" in html
    points = chart_points(store, {"x": "x", "y": "total", "tag": "sweep:grid"})
    finished_rows = table[table["status"] == "finished"]
    assert sorted((p["x"], p["y"]) for p in points) == sorted(
        zip(finished_rows.x, finished_rows.total, strict=True)
    )
    assert chart_image(store, {"x": ["x"], "y": ["total"], "tag": ["sweep:grid"]})[:4] == b"\x89PNG"
    assert "grid" in sweep_page(store, {})

    # the same label again without --resume is refused: nothing is run twice by mistake
    with pytest.raises(Exception, match="--resume"):
        sweep("quick.py", {"x": [1.0]}, label="grid")


def test_function_sweep_reports_what_it_returns_and_the_next_sweep_reuses_the_interpreter(
    sweep_project, monkeypatch
):
    from distributed import Client, LocalCluster

    monkeypatch.chdir(sweep_project)

    def square(x, seed):
        return {"square": x * x, "seed_seen": seed}

    options = {"n_workers": 1, "threads_per_worker": 1, "dashboard_address": ":0"}
    with LocalCluster(**options) as cluster, Client(cluster) as client:
        table = sweep(square, {"x": [1, 2, 3]}, seeds=[5], client=client, label="fn")
        again = sweep("quick.py", {"x": [4.0]}, client=client, label="again")
    assert table["square"].tolist() == [1, 4, 9]
    assert table["seed_seen"].tolist() == [5, 5, 5]
    assert set(table["status"]) == set(again["status"]) == {"finished"}
    # one worker kept one interpreter for both sweeps: runs 1-3, then run 4
    store_url = load_project(sweep_project).resolved_store_url
    first = [r["details"]["sweep"]["interpreter"] for r in sweep_records(store_url, "fn")]
    (second,) = [r["details"]["sweep"]["interpreter"] for r in sweep_records(store_url, "again")]
    assert {each["pid"] for each in first} == {second["pid"]}
    assert sorted(each["run_in_interpreter"] for each in first) == [1, 2, 3]
    assert second["run_in_interpreter"] == 4 and second["reused"]


def _interpreters_started_ahead() -> list[int]:
    """On a worker: the pids of the interpreters its preload started (once they are up)."""
    from axonal.sweeps import interpreters

    with interpreters._lock:
        starting = list(interpreters._starting.values())
    return [future.result().process.pid for future in starting] or [
        each.process.pid for each in interpreters._idle
    ]


def test_the_sweeps_own_cluster_starts_each_workers_interpreter_before_any_run(
    sweep_project, monkeypatch
):
    from axonal.sweeps.run import _client, _close

    monkeypatch.chdir(sweep_project)
    project = load_project(sweep_project)
    client, cluster = _client(None, 2, project.root)
    try:
        ahead = client.run(_interpreters_started_ahead)
        table = sweep("quick.py", {"x": [1.0, 2.0, 3.0, 4.0]}, client=client, label="ahead")
    finally:
        _close(client, cluster)
    assert sorted(len(pids) for pids in ahead.values()) == [1, 1]  # one per worker
    interpreters = [
        record["details"]["sweep"]["interpreter"]
        for record in sweep_records(project.resolved_store_url, "ahead")
    ]
    assert set(table["status"]) == {"finished"} and len(interpreters) == 4
    # every run ran in an interpreter started ahead (none was started for a run)
    assert {each["pid"] for each in interpreters} <= {pid for (pid,) in ahead.values()}


def test_ctrl_c_keeps_finished_records_and_resume_runs_the_rest(sweep_project):
    arguments = ["quick.py", "x=1:7:1", "sleep=1.5", "--workers", "1", "--label", "cut"]
    returncode, output = interrupted_sweep(arguments, sweep_project, after="[1/6]")
    assert returncode == 130, output
    project = load_project(sweep_project)
    first = sweep_records(project.resolved_store_url, "cut")
    finished = [r for r in first if r["status"] == "finished"]
    assert 1 <= len(finished) < 6
    assert all(r["status"] != "running" for r in first)
    table = pd.read_csv(sweep_project / "sweeps" / "cut.csv")
    assert (table["status"] == "missing").sum() == 6 - len(first)

    resumed = run_axonal(
        "sweep",
        "quick.py",
        "x=1:7:1",
        "sleep=0",
        "--workers",
        "1",
        "--label",
        "cut",
        "--resume",
        cwd=sweep_project,
        timeout=300,
    )
    # sleep is a grid parameter here too, so the points differ: resume keys are exact
    assert resumed.returncode == 0, resumed.stderr
    again = run_axonal(
        "sweep",
        "quick.py",
        "x=1:7:1",
        "sleep=0",
        "--workers",
        "1",
        "--label",
        "cut",
        "--resume",
        cwd=sweep_project,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr
    assert "[1/" not in again.stderr  # nothing missing: nothing run
    records = sweep_records(project.resolved_store_url, "cut")
    assert len(records) == len(first) + 6


def test_killed_worker_runs_are_retried_and_recorded(sweep_project, dask_processes, monkeypatch):
    monkeypatch.chdir(sweep_project)
    dask_processes.start_scheduler()
    dask_processes.start_worker("a")
    dask_processes.start_worker("b")
    dask_processes.wait_for_workers(2)
    killed: list[str] = []
    killed_pids: list[int] = []
    interpreters_before: list[int] = []

    def kill_one_worker(state):
        if not killed:
            address, process = next(iter(dask_processes.workers.items()))
            interpreters_before.extend(_interpreters_of(process.pid, wait=0))
            process.send_signal(signal.SIGKILL)
            killed.append(address)
            killed_pids.append(process.pid)

    table = sweep(
        "quick.py",
        {"x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "sleep": 2.0},
        scheduler=dask_processes.address,
        label="killed",
        progress=kill_one_worker,
    )
    project = load_project(sweep_project)
    records = sweep_records(project.resolved_store_url, "killed")
    assert set(table["status"]) == {"finished"} and len(records) == 6  # nothing lost
    retried = [r for r in records if r["details"]["sweep"]["retried"]]
    assert retried, "the killed worker was running a run; it must have been retried"
    for record in retried:
        attempts = record["details"]["sweep"]["attempts"]
        assert [a["worker"] for a in attempts][0] == killed[0]
        assert attempts[-1]["worker"] != killed[0]
    assert table["retried"].sum() == len(retried)
    # the killed worker's interpreter died with it (its run did not go on to finish twice)
    assert interpreters_before  # it had one (it ran a run)
    assert _interpreters_of(killed_pids[0]) == []
    assert all(r["details"]["sweep"]["interpreter"]["pid"] for r in records)


def _interpreters_of(worker_pid: int, wait: float = 10) -> list[int]:
    """The live `axonal.sweeps.interpreter` processes started by the worker `worker_pid`."""
    deadline = time.monotonic() + wait
    while True:
        found = []
        for entry in os.listdir("/proc"):
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as stream:
                    argv = stream.read().split(b"\0")
            except OSError:
                continue
            if b"axonal.sweeps.interpreter" in argv and str(worker_pid).encode() in argv:
                found.append(int(entry))
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


@pytest.mark.postgres
def test_workers_write_records_into_a_shared_store(sweep_project, postgres_url, monkeypatch):
    monkeypatch.chdir(sweep_project)
    table = sweep(
        "quick.py", {"x": [1.0, 2.0, 3.0]}, seeds=2, workers=2, label="shared",
        store_url=postgres_url,
    )  # fmt: skip
    records = sweep_records(postgres_url, "shared")
    assert len(records) == 6 and {r["status"] for r in records} == {"finished"}
    # written by the worker processes, not by this one
    assert {r["details"]["sweep"]["recorded_by"] for r in records} == {"worker"}
    assert all(r["details"]["sweep"]["attempts"][0]["pid"] != os.getpid() for r in records)
    assert sorted(table["total"]) == sorted(
        _expected_total(x, 0, s) for x in (1, 2, 3) for s in (0, 1)
    )
    assert not (sweep_project / ".axonal" / "records.db").exists() or not sweep_records(
        load_project(sweep_project).resolved_store_url, "shared"
    )
