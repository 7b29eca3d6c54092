"""Tests of `axonal repeat`: a fresh checkout at the recorded code, compared (repeat.py)."""

from __future__ import annotations

import pytest

from tests.records.conftest import git, run_axonal
from tests.records.test_runner import label_of, store_of


def test_a_deterministic_run_repeats_exactly_even_after_the_code_moved_on(project):
    original = label_of(run_axonal("run", "simulate.py", "default.yaml", "N=7", cwd=project))
    # Later work changes the model: the repeat must use the recorded commit, not this one.
    script = project / "simulate.py"
    script.write_text(script.read_text().replace("p.N * p.rate", "2 * p.N * p.rate"))
    git(project, "commit", "-q", "-am", "double the rate")
    completed = run_axonal("repeat", original, cwd=project)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "MATCH: the output files and the model summaries (spikes) are identical." in (
        completed.stdout
    )
    store = store_of(project)
    (repeat,) = [r for r in store.list() if r["label"] != original]
    assert repeat["label"] == f"{original}_repeat"
    assert repeat["reason"] == f"repeat of {original}"
    record = store.get(repeat["label"])
    assert record["details"]["repeat_of"] == original
    assert record["parameters"] == store.get(original)["parameters"]
    assert record["commit"] != git(project, "rev-parse", "HEAD").strip()


def test_uncommitted_changes_are_applied_to_the_checkout(project):
    script = project / "simulate.py"
    script.write_text(script.read_text().replace("p.N * p.rate", "3 * p.N * p.rate"))
    original = label_of(run_axonal("run", "simulate.py", cwd=project))
    completed = run_axonal("repeat", original, cwd=project)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "uncommitted changes were applied" in completed.stdout
    assert "MATCH" in completed.stdout


def commit_script(project, name: str, text: str) -> None:
    (project / name).write_text(text)
    git(project, "add", name)
    git(project, "commit", "-q", "-m", f"add {name}")


def test_a_run_that_does_not_repeat_says_what_differs(project):
    noisy = (
        "import time\nfrom pathlib import Path\n"
        "Path('output').mkdir(exist_ok=True)\n"
        "Path('output/clock.txt').write_text(str(time.time_ns()))\n"
        "Path('output/fixed.txt').write_text('same')\n"
    )
    commit_script(project, "noisy.py", noisy)
    original = label_of(run_axonal("run", "noisy.py", cwd=project))
    completed = run_axonal("repeat", original, cwd=project)
    assert completed.returncode == 1
    assert "DIFFERENT:" in completed.stdout
    assert "output clock.txt: original" in completed.stdout
    assert "fixed.txt" not in completed.stdout


@pytest.mark.slow
def test_a_model_whose_spikes_differ_is_reported(project):
    model = (
        "import os, axonal.network\n"
        "digest = 'cd' * 32 if os.environ.get('AXONAL_TEST_OTHER_SPIKES') else 'ab' * 32\n"
        "axonal.network.run_summaries = lambda: [{'monitors': [{'name': 'spikes', "
        "'spikes': 5, 'spike_digest': digest}]}]\n"
    )
    commit_script(project, "model.py", model)
    original = label_of(run_axonal("run", "model.py", cwd=project))
    same = run_axonal("repeat", original, cwd=project)
    assert same.returncode == 0 and "MATCH" in same.stdout
    changed = run_axonal("repeat", original, cwd=project, env={"AXONAL_TEST_OTHER_SPIKES": "1"})
    assert changed.returncode == 1
    assert "model [0].monitors[spikes].spike_digest" in changed.stdout


def test_a_run_outside_git_cannot_be_repeated(tmp_path):
    run_axonal("init", cwd=tmp_path, check=True)
    (tmp_path / "plain.py").write_text("print(1)\n")
    label = label_of(run_axonal("run", "plain.py", cwd=tmp_path))
    completed = run_axonal("repeat", label, cwd=tmp_path)
    assert completed.returncode == 2
    assert "was not in a git repository" in completed.stderr


def test_an_unknown_label_cannot_be_repeated(project):
    completed = run_axonal("repeat", "nope", cwd=project)
    assert completed.returncode == 2
    assert "No record labelled 'nope'" in completed.stderr
