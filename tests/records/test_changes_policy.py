"""Tests of the policy for uncommitted changes (changes_policy.py): `axonal init --on-changed
store-diff|refuse|allow`, and `repeat` applying the stored diff."""

from __future__ import annotations

from tests.records.conftest import run_axonal
from tests.records.test_runner import label_of, store_of


def change_the_model(project):
    script = project / "simulate.py"
    script.write_text(script.read_text().replace("p.N * p.rate", "3 * p.N * p.rate"))


def test_by_default_the_diff_is_stored_and_repeat_applies_it(project):
    assert 'on_changed = "store-diff"' in (project / ".axonal" / "project.toml").read_text()
    change_the_model(project)
    label = label_of(run_axonal("run", "simulate.py", cwd=project))
    record = store_of(project).get(label)
    code = record["details"]["code"]
    assert record["dirty"] is True and code["on_changed"] == "store-diff"
    assert "+count = rng.poisson(3 * p.N * p.rate * p.duration)" in code["diff"]
    repeated = run_axonal("repeat", label, cwd=project)
    assert repeated.returncode == 0, repeated.stdout + repeated.stderr
    assert "the recorded uncommitted changes were applied" in repeated.stdout
    assert "MATCH" in repeated.stdout  # 3x the spikes, as the changed code made


def test_refuse_stops_before_the_script_starts_and_names_the_files(project):
    run_axonal("init", "--on-changed", "refuse", cwd=project, check=True)
    clean = run_axonal("run", "simulate.py", cwd=project)
    assert clean.returncode == 0, clean.stderr
    (project / "untracked.txt").write_text("not code")  # untracked files do not count
    assert run_axonal("run", "simulate.py", cwd=project).returncode == 0
    change_the_model(project)
    completed = run_axonal("run", "simulate.py", cwd=project)
    assert completed.returncode == 2 and "spikes" not in completed.stdout  # never started
    assert completed.stderr.strip() == (
        "axonal: error: The code has uncommitted changes (simulate.py) and this project "
        "refuses such runs (on_changed = refuse); commit them, or choose `axonal init "
        "--on-changed store-diff`."
    )
    assert len(store_of(project).list()) == 2


def test_allow_runs_and_records_the_change_without_its_diff(project):
    run_axonal("init", "--on-changed", "allow", cwd=project, check=True)
    change_the_model(project)
    label = label_of(run_axonal("run", "simulate.py", cwd=project))
    record = store_of(project).get(label)
    assert record["dirty"] is True and record["details"]["code"]["diff"] is None
    assert record["details"]["code"]["diff_not_stored"] is True
    shown = run_axonal("show", label, cwd=project, check=True).stdout
    assert "uncommitted changes not kept: on_changed = allow" in shown


def test_init_keeps_the_policy_and_refuses_an_unknown_one(project):
    run_axonal("init", "--on-changed", "refuse", cwd=project, check=True)
    run_axonal("init", "--name", "renamed", cwd=project, check=True)
    text = (project / ".axonal" / "project.toml").read_text()
    assert 'on_changed = "refuse"' in text and 'name = "renamed"' in text
    completed = run_axonal("init", "--on-changed", "sometimes", cwd=project)
    assert completed.returncode == 2 and "invalid choice: 'sometimes'" in completed.stderr
    (project / ".axonal" / "project.toml").write_text(text.replace("refuse", "never"))
    completed = run_axonal("list", cwd=project)
    assert completed.returncode == 2
    assert "on_changed = 'never'; expected one of store-diff, refuse, allow" in completed.stderr
