"""A forged record must not make `axonal repeat` run other code (issue 12, item 11), and git
remote URLs are recorded without their credentials (item 12)."""

from __future__ import annotations

import json

import pytest

from axonal.records.code_version import without_credentials
from tests.records.conftest import git, run_axonal
from tests.records.test_runner import label_of, store_of


def forge(project, label: str, code_changes=None, **fields) -> None:
    """Change record `label` as someone with write access to the store could."""
    store = store_of(project)
    code = {**store.get(label)["details"]["code"], **(code_changes or {})}
    store.update(label, fields or None, {"code": code})


@pytest.fixture
def evil(tmp_path):
    """A script outside the project that leaves a mark when run."""
    marker = tmp_path / "pwned"
    script = tmp_path / "evil.py"
    script.write_text(f"from pathlib import Path\nPath({str(marker)!r}).write_text('x')\n")
    return script, marker


@pytest.mark.parametrize(
    ("code_changes", "message"),
    [
        ({"script_in_repository": "../../../../{evil}"}, "its script '../../"),
        ({"script_in_repository": "{evil}"}, "is not a path inside the repository"),
        ({"commit": "--upload-pack=touch pwned"}, "is not a git commit id"),
        ({"repository": "-uhack", "remote": None}, "its repository '-uhack' is not a repository"),
        ({"repository": "/nonexistent", "remote": "ext::sh -c touch% pwned"}, "its remote"),
        (
            {"diff": "diff --git a/../../x b/../../x\n--- a/../../x\n+++ b/../../x\n"},
            "its diff touches '../../x'",
        ),
    ],
)
def test_a_forged_record_is_refused_before_anything_runs(project, evil, code_changes, message):
    script, marker = evil
    label = label_of(run_axonal("run", "simulate.py", cwd=project))
    changes = {name: value and value.format(evil=script) for name, value in code_changes.items()}
    forge(project, label, changes)
    completed = run_axonal("repeat", label, "--yes", cwd=project)
    assert completed.returncode == 2, completed.stdout + completed.stderr
    assert message.format(evil=script) in completed.stderr
    assert not marker.exists()
    assert len(store_of(project).list()) == 1  # no repeat record either


def test_a_record_made_by_someone_else_runs_only_when_confirmed(project):
    label = label_of(run_axonal("run", "simulate.py", cwd=project))
    forge(project, label, user="mallory")
    refused = run_axonal("repeat", label, cwd=project, input="")  # no terminal to ask on
    assert refused.returncode == 2
    assert f"Record {label} was made by mallory@" in refused.stderr and "--yes" in refused.stderr
    assert len(store_of(project).list()) == 1
    confirmed = run_axonal("repeat", label, "--yes", cwd=project)
    assert confirmed.returncode == 0, confirmed.stdout + confirmed.stderr
    assert "MATCH" in confirmed.stdout


def test_recorded_arguments_cannot_set_axonal_options_of_the_repeat(project, tmp_path):
    label = label_of(run_axonal("run", "simulate.py", cwd=project))
    elsewhere = tmp_path / "elsewhere"
    store = store_of(project)
    store.update(label, None, {"arguments": ["--output-dir", str(elsewhere)]})
    completed = run_axonal("repeat", label, cwd=project)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert not elsewhere.exists()  # the words went to the script, which ignores them
    repeat = [r for r in store.list() if r["label"] != label][0]
    assert store.get(repeat["label"])["details"]["arguments"][-2:] == [
        "--output-dir",
        str(elsewhere),
    ]


@pytest.mark.parametrize(
    ("url", "stored"),
    [
        ("https://alice:s3cret@example.org/lab/model.git", "https://example.org/lab/model.git"),
        ("https://ghp_token123@github.com/lab/model.git", "https://github.com/lab/model.git"),
        ("http://user:p%40ss@host:8080/x", "http://host:8080/x"),
        ("ssh://git@example.org/lab/model.git", "ssh://git@example.org/lab/model.git"),
        ("ssh://git:pw@example.org/lab/model.git", "ssh://example.org/lab/model.git"),
        ("git@github.com:lab/model.git", "git@github.com:lab/model.git"),
        ("/srv/git/model.git", "/srv/git/model.git"),
    ],
)
def test_remote_urls_lose_their_credentials(url, stored):
    assert without_credentials(url) == stored


def test_a_remote_with_a_token_is_stored_without_it(project):
    git(project, "remote", "add", "origin", "https://alice:s3cret@example.org/lab/model.git")
    label = label_of(run_axonal("run", "simulate.py", cwd=project))
    record = store_of(project).get(label)
    assert record["details"]["code"]["remote"] == "https://example.org/lab/model.git"
    shown = run_axonal("show", label, "--json", cwd=project, check=True).stdout
    assert "s3cret" not in shown and "alice" not in shown
    assert json.loads(shown)["details"]["code"]["remote"] == "https://example.org/lab/model.git"
