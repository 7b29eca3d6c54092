"""Several runs per Dask task (`batch=`), on real Dask processes: each run still recorded and
reported as it ends, a failing run does not stop its batch, the code version is checked again
at the next batch, and a worker killed mid-batch loses only the run it was running."""

from __future__ import annotations

import signal
import subprocess
import textwrap
import time

import pytest

from axonal.records.project import load_project
from axonal.sweeps import sweep
from axonal.sweeps.table import sweep_records
from tests.sweep.conftest import interrupted_sweep

pytestmark = pytest.mark.slow

# Fails at x == fail_at; at x == edit_at changes a tracked file of the project's repository;
# every run that ends writes its x to runs.txt (a run done twice would show).
BATCH_SCRIPT = textwrap.dedent(
    """
    import os
    import time

    from axonal.records import parameters, report

    p = parameters({"x": 1.0, "sleep": 0.0, "fail_at": -1.0, "edit_at": -1.0})
    if p.x == p.fail_at:
        raise ValueError(f"x={p.x} is the failing point")
    time.sleep(p.sleep)
    if p.x == p.edit_at:
        with open("notes.txt", "a") as notes:
            notes.write(f"changed by the run at x={p.x}\\n")
    with open("runs.txt", "a") as runs:
        runs.write(f"{p.x}\\n")
    report(x=p.x, pid=os.getpid())
    """
)


@pytest.fixture
def batch_project(sweep_project):
    (sweep_project / "batch.py").write_text(BATCH_SCRIPT)
    (sweep_project / "notes.txt").write_text("notes\n")
    (sweep_project / ".gitignore").write_text("runs.txt\n")
    subprocess.run(["git", "add", "batch.py", "notes.txt", ".gitignore"], cwd=sweep_project)
    subprocess.run(
        ["git", "-c", "user.email=t@example.org", "-c", "user.name=T", "commit", "-qm", "b"],
        cwd=sweep_project,
        check=True,
    )
    return sweep_project


def _by_x(records):
    return {record["parameters"]["x"]: record for record in records}


def _ran(project_root) -> list[float]:
    return sorted(float(line) for line in (project_root / "runs.txt").read_text().split())


def test_batched_runs_are_recorded_and_reported_one_by_one(batch_project, monkeypatch):
    monkeypatch.chdir(batch_project)
    seen = []
    table = sweep(
        "batch.py",
        {"x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "sleep": 0.4, "fail_at": 2.0, "edit_at": 3.0},
        workers=1,
        batch=3,
        label="batched",
        progress=lambda state: seen.append((time.monotonic(), state)),
    )
    records = _by_x(sweep_records(load_project(batch_project).resolved_store_url, "batched"))
    assert sorted(records) == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert {x: r["status"] for x, r in records.items()} == {
        1.0: "finished", 2.0: "failed", 3.0: "finished",
        4.0: "finished", 5.0: "finished", 6.0: "finished",
    }  # fmt: skip
    assert "ValueError: x=2.0 is the failing point" in records[2.0]["details"]["failure"]
    # two tasks of three runs, in order; the failing run's batch went on after it
    batches = {x: r["details"]["sweep"]["batch"] for x, r in records.items()}
    assert batches[1.0]["id"] == batches[2.0]["id"] == batches[3.0]["id"] != batches[4.0]["id"]
    assert [batches[x]["position"] for x in sorted(batches)] == [0, 1, 2, 0, 1, 2]
    assert {b["size"] for b in batches.values()} == {3}
    assert _ran(batch_project) == [1.0, 3.0, 4.0, 5.0, 6.0]
    # progress came run by run as each ended (0.4 s apart), not three at a time per task
    assert [state["done"] for _t, state in seen] == [1, 2, 3, 4, 5, 6]
    ends = [t for t, state in seen if state["status"] == "finished"]
    assert all(later - earlier > 0.25 for earlier, later in zip(ends, ends[1:], strict=False))
    assert seen[-1][1]["failed"] == 1 and seen[-1][1]["finished"] == 5
    # the code version is checked once per batch: the second batch saw the first one's edit
    code = {x: r["details"]["code"] for x, r in records.items()}
    assert [code[x]["dirty"] for x in sorted(code)] == [False] * 3 + [True] * 3
    assert "changed by the run at x=3.0" in code[4.0]["diff"]
    assert not code[4.0]["reused_unchanged"]
    assert set(table["status"]) == {"finished", "failed"} and not table["retried"].any()


def test_a_worker_killed_mid_batch_loses_only_the_run_it_was_running(
    batch_project, dask_processes, monkeypatch
):
    monkeypatch.chdir(batch_project)
    dask_processes.start_scheduler()
    dask_processes.start_worker("a")
    dask_processes.start_worker("b")
    dask_processes.wait_for_workers(2)
    killed: list[str] = []

    def kill_the_worker_of_the_first_run(state):
        if not killed:  # its batch has two more runs to go: the next one is running now
            dask_processes.workers[state["worker"]].send_signal(signal.SIGKILL)
            killed.append(state["worker"])

    table = sweep(
        "batch.py",
        {"x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "sleep": 1.0},
        scheduler=dask_processes.address,
        batch=3,
        label="mid-batch",
        progress=kill_the_worker_of_the_first_run,
    )
    records = _by_x(sweep_records(load_project(batch_project).resolved_store_url, "mid-batch"))
    assert set(table["status"]) == {"finished"}
    assert sorted(records) == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    # every run ended exactly once: the one finished before the kill was not run again
    assert _ran(batch_project) == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    sweep_of = {x: r["details"]["sweep"] for x, r in records.items()}
    first = next(x for x, s in sweep_of.items() if s["attempts"][0]["worker"] == killed[0])
    hit = sorted(
        (s["batch"]["position"], x)
        for x, s in sweep_of.items()
        if s["batch"]["id"] == sweep_of[first]["batch"]["id"]
    )
    (_p0, done_before), (_p1, running), (_p2, waiting) = hit
    assert [a["worker"] for a in sweep_of[done_before]["attempts"]] == [killed[0]]
    assert not sweep_of[done_before]["retried"]
    # the run it was running: started again on the other worker, and its record says so
    attempts = [a["worker"] for a in sweep_of[running]["attempts"]]
    assert attempts[0] == killed[0] and attempts[1] != killed[0] and len(attempts) == 2
    assert sweep_of[running]["retried"]
    # the run after it had not started: it ran on the other worker, retried with its batch
    assert [a["worker"] for a in sweep_of[waiting]["attempts"]] != [killed[0]]
    assert sweep_of[waiting]["retried"]
    assert sweep_of[waiting]["batch"]["workers"][0] == killed[0]
    assert int(table["retried"].sum()) == 2


def test_a_point_given_twice_is_run_and_recorded_twice(sweep_project, monkeypatch):
    monkeypatch.chdir(sweep_project)

    def square(x, seed):
        return {"square": x * x}

    table = sweep(square, {"x": [2, 2, 3]}, seeds=[0], workers=1, batch=2, label="twice")
    assert table["square"].tolist() == [4, 4, 9] and set(table["status"]) == {"finished"}
    records = sweep_records(load_project(sweep_project).resolved_store_url, "twice")
    assert sorted(r["label"] for r in records) == ["twice-r000", "twice-r001", "twice-r002"]


def test_ctrl_c_stops_a_running_batch_after_the_run_in_progress(batch_project, dask_processes):
    dask_processes.start_scheduler()
    dask_processes.start_worker("a")
    dask_processes.start_worker("b")
    dask_processes.wait_for_workers(2)
    arguments = ["batch.py", "x=1:10:1", "sleep=1.0", "--batch", "3",
                 "--scheduler", dask_processes.address, "--label", "cut3"]  # fmt: skip
    returncode, output = interrupted_sweep(arguments, batch_project, after="[1/9]")
    assert returncode == 130, output
    recorded = sweep_records(load_project(batch_project).resolved_store_url, "cut3")
    time.sleep(3.5)  # longer than a run: each worker's run in progress has ended by now
    # Each worker ends the run it had started and starts no other of its cancelled batch
    # (two batches of three were running: without the stop, six runs would have ended). At
    # the Ctrl-C each worker had ended at most its first run (one result had reached the
    # client; the other worker's first may have been on its way) and was in its second.
    ended = _ran(batch_project)
    assert recorded and len(ended) <= 4, (ended, recorded)
