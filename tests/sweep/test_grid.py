"""The grid of a sweep: values, ranges, product and zip, seeds, and the errors."""

import re

import pytest

from axonal.sweeps.grid import GridError, expand, parse_assignments, parse_values


def test_values_lists_and_ranges():
    assert parse_values("n", "1,2,3") == [1, 2, 3]
    assert parse_values("mode", "fast,slow") == ["fast", "slow"]
    assert parse_values("n", "0:10:3") == [0, 3, 6, 9]  # stop excluded, as range()
    assert parse_values("w", "0:1:0.25") == [0, 0.25, 0.5, 0.75]
    assert parse_values("w", "0.1:0.4:0.1") == [0.1, 0.2, 0.3]  # rounded, no 0.30000000000000004
    assert parse_values("n", "5:0:-2") == [5, 3, 1]
    assert parse_values("pair", "[1,2],[3,4]") == [[1, 2], [3, 4]]


@pytest.mark.parametrize(
    "text, message",
    [
        ("0:1:0", "step 0"),
        ("1:0:1", "is empty"),
        ("a:b", "must be numbers"),
        ("1:2:3:4", "start:stop"),
    ],
)
def test_bad_ranges_name_the_parameter(text, message):
    with pytest.raises(GridError, match=message) as caught:
        parse_values("drive", text)
    assert "'drive'" in str(caught.value)


def test_product_then_seeds_in_order():
    runs = expand(parse_assignments(["a=1,2", "b=x,y,z"]), seeds=2)
    assert len(runs) == 12
    assert [run.index for run in runs] == list(range(12))
    assert runs[0].parameters == {"a": 1, "b": "x"} and runs[0].seed == 0
    assert runs[1].parameters == {"a": 1, "b": "x"} and runs[1].seed == 1
    assert runs[-1].parameters == {"a": 2, "b": "z"} and runs[-1].seed == 1
    assert len({run.key for run in runs}) == 12
    assert runs[1].overrides() == ["a=1", "b=x", "seed=1"]


def test_zip_pairs_values_and_checks_lengths():
    runs = expand({"a": [1, 2, 3], "b": "10:40:10"}, zip_values=True)
    assert [run.parameters for run in runs] == [
        {"a": 1, "b": 10},
        {"a": 2, "b": 20},
        {"a": 3, "b": 30},
    ]
    assert all(run.seed is None and "seed" not in " ".join(run.overrides()) for run in runs)
    with pytest.raises(GridError, match="as many values"):
        expand({"a": [1, 2], "b": [1, 2, 3]}, zip_values=True)


def test_explicit_seeds_and_scalars():
    runs = expand({"a": 5, "b": range(2)}, seeds=[7, 11])
    assert [(run.parameters["b"], run.seed) for run in runs] == [(0, 7), (0, 11), (1, 7), (1, 11)]
    with pytest.raises(GridError, match="at least 1"):
        expand({"a": [1]}, seeds=0)
    with pytest.raises(GridError, match="expected name=v1,v2"):
        parse_assignments(["novalues"])


def test_command_line_errors_are_one_line_naming_the_parameter(sweep_project):
    from tests.sweep.conftest import run_axonal

    bad_range = run_axonal("sweep", "quick.py", "x=1:0", cwd=sweep_project)
    assert bad_range.returncode == 2
    assert bad_range.stderr.strip().startswith("axonal: error: The range for 'x'")
    missing = run_axonal("sweep", "nothere.py", "x=1,2", cwd=sweep_project)
    assert missing.returncode == 2 and "nothere.py" in missing.stderr
    unknown = run_axonal("sweep", "show", "nosuchsweep", cwd=sweep_project)
    assert unknown.returncode == 2 and "nosuchsweep" in unknown.stderr
    assert "Traceback" not in bad_range.stderr + missing.stderr + unknown.stderr


def test_what_axonal_run_refuses_is_refused_before_any_run(sweep_project, monkeypatch):
    """A misspelt parameter, a value of the wrong kind, or (under on_changed = refuse) changed
    code: refused before a worker starts, as `axonal run` refuses, and nothing is recorded."""
    from axonal.records.changes_policy import UncommittedChangesError
    from axonal.records.errors import RecordsError
    from axonal.records.project import load_project
    from axonal.sweeps import sweep
    from axonal.sweeps.table import sweep_records

    monkeypatch.chdir(sweep_project)
    project = load_project(sweep_project)
    with pytest.raises(RecordsError, match="'xx'"):
        sweep("quick.py", {"xx": [1.0, 2.0]}, label="typo", project=project)
    with pytest.raises(RecordsError, match="'y=many' does not fit"):
        sweep("quick.py", {"x": [1.0], "y": ["many"]}, label="kind", project=project)
    (sweep_project / "quick.py").write_text(
        (sweep_project / "quick.py").read_text() + "# changed\n"
    )
    config = sweep_project / ".axonal" / "project.toml"
    config.write_text(re.sub(r"on_changed = .*", 'on_changed = "refuse"', config.read_text()))
    with pytest.raises(UncommittedChangesError, match="quick.py"):
        sweep("quick.py", {"x": [1.0]}, label="dirty", project=load_project(sweep_project))
    for label in ("typo", "kind", "dirty"):
        assert sweep_records(project.resolved_store_url, label) == []
