"""A task Dask runs again because its worker died after the run ended (its result died with
it): with a store the workers write into, the run is not run or recorded a second time."""

from __future__ import annotations

import textwrap

from axonal.records.project import load_project
from axonal.records.store import RecordStore
from axonal.sweeps import interpreters
from axonal.sweeps.execute import run_one

COUNTING = textwrap.dedent(
    """
    from axonal.records import parameters, report

    p = parameters({"x": 1})
    with open("runs.txt", "a") as runs:
        runs.write(f"{p.x}\\n")
    report(x=p.x)
    """
)


def _run_one(project, label, key, x):
    return run_one(
        project, project.resolved_store_url, str(project.root / "counting.py"), [f"x={x}"],
        label, key, "lost", True, ["sweep:lost"], {"key": key, "label": "lost"},
    )  # fmt: skip


def test_a_finished_run_written_by_its_worker_is_not_run_again(sweep_project, monkeypatch):
    (sweep_project / "counting.py").write_text(COUNTING)
    monkeypatch.chdir(sweep_project)
    project = load_project(sweep_project)
    try:
        first = _run_one(project, "lost-r000", "point-1", 1)
        again = _run_one(project, "lost-r000", "point-1", 1)  # the same task, run again
        assert first.written_by_worker and again.written_by_worker
        assert again.label == first.label == "lost-r000"
        assert again.closing_fields["status"] == "finished"
        assert (sweep_project / "runs.txt").read_text() == "1\n"
        # Another point that got the same label (a record of an earlier sweep) runs.
        other = _run_one(project, "lost-r000", "point-2", 2)
        assert other.label == "lost-r000_2"
        assert (sweep_project / "runs.txt").read_text() == "1\n2\n"
    finally:
        interpreters.close_all()
    store = RecordStore(project.resolved_store_url)
    try:
        assert store.count() == 2
    finally:
        store.close()
