"""Tests of the code version reused between runs of one process (axonal/records/code_watch.py):
equal to what git says, and asked of git again after every change git would see."""

import os

from axonal.records.code_version import code_version
from axonal.records.code_watch import CodeVersions
from tests.records.conftest import git


def _repository(folder):
    git(folder, "init", "-q", "-b", "main")
    (folder / ".gitignore").write_text("*.log\nbuild/\n")
    (folder / "model").mkdir()
    (folder / "model" / "run.py").write_text("x = 1\n")
    (folder / "model" / "helper.py").write_text("y = 1\n")
    (folder / "logs").mkdir()
    (folder / "logs" / "old.log").write_text("log\n")  # a folder whose files are all ignored
    (folder / "build").mkdir()  # an ignored folder
    git(folder, "add", ".")
    git(folder, "commit", "-q", "-m", "one")
    return folder / "model" / "run.py"


def _check(versions, script):
    """The cached version and whether it was reused, after checking it against git's."""
    version, reused = versions.get(script)
    fresh = code_version(script)
    assert {k: v for k, v in version.items() if k != "reused_unchanged"} == fresh
    return version, reused


def test_reused_only_while_nothing_git_would_see_changed(tmp_path):
    script = _repository(tmp_path)
    versions = CodeVersions()
    assert _check(versions, script)[1] is False
    assert _check(versions, script)[1] is True
    # A file created in an ignored folder: not code, still reused.
    (tmp_path / "build" / "generated.py").write_text("z = 1\n")
    assert _check(versions, script)[1] is True
    # An ignored file in a folder git looks into: its folder changed, git is asked (same answer).
    (tmp_path / "logs" / "new.log").write_text("log\n")
    version, reused = _check(versions, script)
    assert not reused and version["untracked"] == []

    (tmp_path / "model" / "helper.py").write_text("y = 2\n")  # same size: the time tells
    version, reused = _check(versions, script)
    assert not reused and version["dirty"] and "+y = 2" in version["diff"]
    assert _check(versions, script)[1] is True

    # Untracked code in a folder that held only ignored files.
    (tmp_path / "logs" / "analysis.py").write_text("a = 1\n")
    version, reused = _check(versions, script)
    assert not reused and version["untracked"] == ["logs/analysis.py"]

    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "two")
    version, reused = _check(versions, script)
    assert not reused and version["commit"] == git(tmp_path, "rev-parse", "HEAD").strip()
    assert version["dirty"] is False

    (tmp_path / "package").mkdir()  # a new folder with a new file
    (tmp_path / "package" / "module.py").write_text("m = 1\n")
    version, reused = _check(versions, script)
    assert not reused and version["untracked"] == ["package/module.py"]
    os.remove(tmp_path / "package" / "module.py")
    assert _check(versions, script)[1] is False

    git(tmp_path, "checkout", "-q", "-b", "other")
    version, reused = _check(versions, script)
    assert not reused and version["branch"] == "other"


def test_each_script_of_a_folder_gets_its_own_path_and_a_script_outside_git_works(tmp_path):
    (tmp_path / "repository").mkdir()
    script = _repository(tmp_path / "repository")
    other = script.with_name("helper.py")
    versions = CodeVersions()
    versions.get(script)
    version, reused = versions.get(other)
    assert reused and version["script_in_repository"] == "model/helper.py"
    (tmp_path / "plain").mkdir()
    outside = tmp_path / "plain" / "run.py"
    outside.write_text("")
    assert versions.get(outside) == (
        {"repository": None, "commit": None, "dirty": None, "diff": None},
        False,
    )
    assert versions.get(outside)[1] is False
