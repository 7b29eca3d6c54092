"""Faults of sweeps on a running `dask scheduler` (real processes on 127.0.0.1): Ctrl-C on a
sweep whose scheduler and workers live on, and a run that kills every worker it runs on
(Dask gives it up: KilledWorker) while the sweep goes on."""

from __future__ import annotations

import textwrap
import time

import pandas as pd
import pytest

from axonal.records.project import load_project
from axonal.sweeps import sweep
from axonal.sweeps.table import sweep_records
from tests.sweep.conftest import interrupted_sweep, run_axonal

pytestmark = pytest.mark.slow

# Kills the Dask worker that runs it (its parent: the worker's kept interpreter, or the run's
# own process, is the worker's child) when x == kill_at.
KILLER_SCRIPT = textwrap.dedent(
    """
    import os
    import signal

    from axonal.records import parameters, report

    p = parameters({"x": 1.0, "kill_at": -1.0})
    if p.x == p.kill_at:
        os.kill(os.getppid(), signal.SIGKILL)
        signal.pause()  # dies with the worker
    report(square=p.x**2)
    """
)


def _scheduler_tasks(address: str) -> int:
    from distributed import Client

    with Client(address, timeout=30) as client:
        return client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks))


def test_ctrl_c_with_a_remote_scheduler_cancels_the_rest_and_resume_finishes(
    sweep_project, dask_processes
):
    dask_processes.start_scheduler()
    dask_processes.start_worker("a")
    dask_processes.start_worker("b")
    dask_processes.wait_for_workers(2)
    arguments = ["quick.py", "x=1:11:1", "sleep=1.0",
                 "--scheduler", dask_processes.address, "--label", "remote-cut"]  # fmt: skip
    returncode, output = interrupted_sweep(arguments, sweep_project, after="[2/10]")
    assert returncode == 130, output
    assert "interrupted" in output.lower(), output
    store_url = load_project(sweep_project).resolved_store_url
    first = sweep_records(store_url, "remote-cut")
    assert 2 <= len(first) < 10 and {r["status"] for r in first} == {"finished"}
    # What had not started is gone from the scheduler; what was running ends, unrecorded (the
    # client that would write its record has left): no record appears later, none "running".
    deadline = time.monotonic() + 30
    while _scheduler_tasks(dask_processes.address) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _scheduler_tasks(dask_processes.address) == 0
    time.sleep(1.5)  # longer than a run: one still running when Ctrl-C came has ended by now
    assert len(sweep_records(store_url, "remote-cut")) == len(first)
    table = pd.read_csv(sweep_project / "sweeps" / "remote-cut.csv")
    assert (table["status"] == "missing").sum() == 10 - len(first)

    resumed = run_axonal(
        "sweep", "quick.py", "x=1:11:1", "sleep=1.0", "--scheduler", dask_processes.address,
        "--label", "remote-cut", "--resume", cwd=sweep_project, timeout=300,
    )  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    records = sweep_records(store_url, "remote-cut")
    assert len(records) == 10 and {r["status"] for r in records} == {"finished"}
    assert sorted(r["parameters"]["x"] for r in records) == [float(x) for x in range(1, 11)]
    # The workers (and their kept interpreters) outlived the interrupted client.
    later = [r for r in records if r["label"] not in {f["label"] for f in first}]
    assert any(r["details"]["sweep"]["interpreter"]["reused"] for r in later)


def test_a_run_that_kills_every_worker_is_recorded_killed_and_the_sweep_goes_on(
    sweep_project, dask_processes, monkeypatch
):
    (sweep_project / "killer.py").write_text(KILLER_SCRIPT)
    monkeypatch.chdir(sweep_project)
    dask_processes.start_scheduler(allowed_failures=1)  # given up after 2 workers died
    dask_processes.start_worker("a", nanny=True)
    dask_processes.start_worker("b", nanny=True)
    dask_processes.wait_for_workers(2)
    seen = []
    table = sweep(
        "killer.py",
        {"x": [1.0, 2.0, 3.0, 4.0, 5.0], "kill_at": 3.0},
        scheduler=dask_processes.address,
        label="killer",
        progress=seen.append,
    )
    store_url = load_project(sweep_project).resolved_store_url
    records = {r["parameters"]["x"]: r for r in sweep_records(store_url, "killer")}
    assert sorted(records) == [1.0, 2.0, 3.0, 4.0, 5.0]  # nothing lost, nothing left running
    assert {x: r["status"] for x, r in records.items()} == {
        1.0: "finished", 2.0: "finished", 3.0: "killed", 4.0: "finished", 5.0: "finished"
    }  # fmt: skip
    killed = records[3.0]
    assert "Every worker that had it died" in killed["details"]["failure"]
    assert "KilledWorker" in killed["details"]["failure"]
    attempts = killed["details"]["sweep"]["attempts"]
    assert len(attempts) >= 2 and killed["details"]["sweep"]["retried"]
    assert len({attempt["pid"] for attempt in attempts}) == len(attempts)  # a new worker each
    for x in (1.0, 2.0, 4.0, 5.0):
        assert records[x]["details"]["figures"]["square"]["value"] == x**2
    row = table.set_index("x").loc[3.0]
    assert row["status"] == "killed" and bool(row["retried"])
    assert seen[-1]["done"] == 5 and seen[-1]["failed"] == 1 and seen[-1]["finished"] == 4
