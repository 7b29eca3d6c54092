"""Tests of projects: init, finding one from a subfolder, store URLs (project.py)."""

import pytest

from axonal.records.errors import ProjectNotFoundError
from axonal.records.project import find_project, init_project, resolve_store_url


def test_a_project_is_found_from_a_subfolder_and_keeps_its_settings(tmp_path, monkeypatch):
    init_project(tmp_path, name="cortex", output="Data")
    (tmp_path / "analysis" / "figures").mkdir(parents=True)
    project = find_project(tmp_path / "analysis" / "figures")
    assert (project.root, project.name, project.output) == (tmp_path.resolve(), "cortex", "Data")
    assert project.output_dir == (tmp_path / "Data").resolve()
    monkeypatch.delenv("AXONAL_STORE", raising=False)
    assert project.resolved_store_url == f"sqlite:///{tmp_path.resolve()}/.axonal/records.db"
    again = init_project(tmp_path, store_url="postgresql://lab@db/records")
    assert again.name == "cortex" and again.output == "Data"  # kept
    monkeypatch.setenv("AXONAL_STORE", "postgresql://other/db")
    assert find_project(tmp_path).resolved_store_url == "postgresql://other/db"


def test_no_project_says_how_to_make_one(tmp_path):
    with pytest.raises(ProjectNotFoundError, match="run `axonal init`"):
        find_project(tmp_path)


def test_only_relative_sqlite_paths_are_resolved(tmp_path):
    assert resolve_store_url("sqlite:///r.db", tmp_path) == f"sqlite:///{tmp_path}/r.db"
    assert resolve_store_url("sqlite:////abs/r.db", tmp_path) == "sqlite:////abs/r.db"
    assert resolve_store_url("postgresql://h/db", tmp_path) == "postgresql://h/db"
