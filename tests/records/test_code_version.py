"""Tests of the recorded code version (axonal/records/code_version.py)."""

from axonal.records.code_version import code_version
from tests.records.conftest import git


def test_a_clean_repository_gives_its_commit(tmp_path):
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "model").mkdir()
    script = tmp_path / "model" / "run.py"
    script.write_text("print(1)\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "one")
    version = code_version(script)
    assert version["commit"] == git(tmp_path, "rev-parse", "HEAD").strip()
    assert version["branch"] == "main" and version["dirty"] is False and version["diff"] is None
    assert version["script_in_repository"] == "model/run.py"
    assert version["repository"] == str(tmp_path.resolve())


def test_changes_give_a_diff_and_untracked_files_are_listed(tmp_path):
    git(tmp_path, "init", "-q")
    script = tmp_path / "run.py"
    script.write_text("print(1)\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "one")
    script.write_text("print(2)\n")
    (tmp_path / "notes.txt").write_text("new")
    version = code_version(script)
    assert version["dirty"] is True
    assert "-print(1)\n+print(2)" in version["diff"]
    assert version["untracked"] == ["notes.txt"]


def test_a_repository_without_commits_and_no_repository_at_all(tmp_path):
    (tmp_path / "plain").mkdir()
    outside = tmp_path / "plain" / "run.py"
    outside.write_text("")
    assert code_version(outside)["repository"] is None
    git(tmp_path / "plain", "init", "-q")
    version = code_version(outside)
    assert version["repository"] is not None and version["commit"] is None
