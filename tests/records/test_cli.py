"""Tests of the `axonal` command: a new user's day with init, run, list, show, diff, tag,
comment, delete and export (axonal/cli.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from axonal.cli import main
from tests.records.conftest import make_project, run_axonal
from tests.records.test_runner import label_of, store_of


@pytest.fixture(scope="module")
def three_runs(tmp_path_factory) -> tuple[Path, list[str]]:
    """A project where simulate.py ran three times with different parameters."""
    project = make_project(tmp_path_factory.mktemp("cli") / "study")
    labels = [
        label_of(run_axonal("run", "simulate.py", "default.yaml", f"N={n}", "--tag", tag,
                            "--label", f"n{n}", cwd=project))
        for n, tag in ((10, "small"), (50, "small"), (200, "large"))
    ]  # fmt: skip
    return project, labels


@pytest.fixture
def axonal(capsys):
    """The `axonal` command called in this process (what the console script calls)."""

    def call(project: Path, *arguments: str) -> subprocess.CompletedProcess:
        capsys.readouterr()
        code = main(["--project", str(project), *arguments])
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(arguments, code, out, err)

    return call


def test_init_makes_a_project_that_keeps_its_records_out_of_git(tmp_path):
    completed = run_axonal("init", "--name", "cortex", "--output", "Data", cwd=tmp_path)
    assert completed.returncode == 0 and "axonal project 'cortex'" in completed.stdout
    config = (tmp_path / ".axonal" / "project.toml").read_text()
    assert 'name = "cortex"' in config and 'output = "Data"' in config
    assert (tmp_path / ".axonal" / ".gitignore").read_text() == "*\n"
    assert (tmp_path / "Data").is_dir() and (tmp_path / ".axonal" / "records.db").is_file()


def test_outside_a_project_the_command_says_what_to_do(tmp_path):
    (tmp_path / "s.py").write_text("print(1)\n")
    completed = run_axonal("run", "s.py", cwd=tmp_path)
    assert completed.returncode == 2
    assert "No axonal project in" in completed.stderr and "axonal init" in completed.stderr


def test_list_shows_the_runs_newest_first_and_filters_them(three_runs, axonal):
    project, labels = three_runs
    listed = axonal(project, "list").stdout.splitlines()
    assert [line.split()[0] for line in listed] == labels[::-1]
    assert all("finished" in line for line in listed)
    small = axonal(project, "list", "--tag", "small").stdout.splitlines()
    assert [line.split()[0] for line in small] == ["n50", "n10"]
    big = axonal(project, "list", "--param", "N>20", "--param", "rate=4").stdout.splitlines()
    assert [line.split()[0] for line in big] == ["n200", "n50"]
    assert axonal(project, "list", "--status", "failed").stdout == ""
    long = axonal(project, "list", "-l", "--limit", "1").stdout
    assert '"N": 200' in long and "code " in long
    as_json = json.loads(axonal(project, "list", "--json").stdout)
    assert [record["label"] for record in as_json] == labels[::-1]


def test_show_prints_every_part_of_a_record(three_runs, axonal):
    project, _ = three_runs
    text = axonal(project, "show", "n50").stdout
    for expected in (
        "Label       : n50",
        "Status      : finished",
        "Tags        : small",
        '"N": 50',
        "Seed        : 1",
        "Outputs     : 2 files",
        "spikes_50.npz",
        "Packages    : ",
        "numpy",
        "stdout      :",
    ):
        assert expected in text
    assert json.loads(axonal(project, "show", "last", "--json").stdout)["label"] == "n200"


def test_diff_names_what_differs(three_runs, axonal):
    project, _ = three_runs
    text = axonal(project, "diff", "n10", "n50").stdout
    assert "Differences between n10 (a) and n50 (b):" in text
    assert "parameters: 1 difference" in text and "N: a=10  b=50" in text
    assert "code: same" in text and "platform: same" in text
    assert "outputs: 4 differences" in text  # each run wrote two files of its own
    differences = json.loads(axonal(project, "diff", "n10", "n10", "--json").stdout)
    assert all(found == [] for found in differences.values())


def test_tag_comment_and_delete_change_the_record(tmp_path, axonal):
    project = make_project(tmp_path / "study")
    label = label_of(run_axonal("run", "simulate.py", cwd=project))
    assert axonal(project, "tag", "figure6", label).returncode == 0
    assert axonal(project, "comment", label, "the rate is too high").returncode == 0
    assert axonal(project, "comment", "--append", label, "check tau").returncode == 0
    record = store_of(project).get(label)
    assert record["tags"] == ["figure6"] and record["outcome"] == "the rate is too high\ncheck tau"
    assert axonal(project, "tag", "--remove", "figure6", label).returncode == 0
    assert store_of(project).get(label)["tags"] == []
    assert axonal(project, "delete", label).stdout == "deleted 1 record\n"
    assert store_of(project).list() == []


@pytest.mark.parametrize(
    "arguments",
    [
        ("show", "nope"),
        ("diff", "n10", "nope"),
        ("tag", "x", "nope"),
        ("comment", "nope", "text"),
        ("delete", "n10", "nope"),
        ("export", "nope"),
    ],
)
def test_an_unknown_label_is_a_clear_error_and_loses_nothing(three_runs, arguments, axonal):
    project, labels = three_runs
    completed = axonal(project, *arguments)
    assert completed.returncode == 2
    assert "axonal: error: No record labelled 'nope'" in completed.stderr
    assert [r["label"] for r in store_of(project).list()] == labels[::-1]


def test_export_writes_whole_records_as_json(three_runs, tmp_path, axonal):
    project, _ = three_runs
    target = tmp_path / "records.json"
    assert axonal(project, "export", "--tag", "small", "-o", str(target)).returncode == 0
    exported = json.loads(target.read_text())
    assert [record["label"] for record in exported] == ["n50", "n10"]
    assert exported[0]["details"]["outputs"] and exported[0]["parameters"]["N"] == 50


def test_a_store_url_on_the_command_line_wins(tmp_path, three_runs, axonal):
    project, _ = three_runs
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert axonal(project, "--store", other, "list").stdout == ""
    completed = run_axonal("list", cwd=project, env={"AXONAL_STORE": other})
    assert completed.stdout == ""


@pytest.mark.slow
def test_a_sweep_of_eight_concurrent_runs_loses_nothing(tmp_path):
    project = make_project(tmp_path / "study")
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "axonal.cli", "run", "simulate.py", f"N={n}", "--tag", "sweep"],
            cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for n in range(1, 9)
    ]  # fmt: skip
    results = [process.communicate(timeout=300) for process in processes]
    failures = [
        err for process, (_, err) in zip(processes, results, strict=True) if process.returncode
    ]
    assert failures == []
    assert not any("locked" in err for _, err in results)
    records = store_of(project).list(long=True)
    assert len(records) == 8 and len({record["label"] for record in records}) == 8
    assert {record["status"] for record in records} == {"finished"}
    assert sorted(record["parameters"]["N"] for record in records) == list(range(1, 9))
    for record in records:  # each run claimed its own files, though all wrote to output/
        outputs = store_of(project).get(record["label"])["details"]["outputs"]
        n = record["parameters"]["N"]
        assert sorted(file["path"] for file in outputs) == [f"rate_{n}.json", f"spikes_{n}.npz"]


@pytest.mark.postgres
def test_a_lab_store_on_postgresql_serves_the_whole_workflow(tmp_path, postgres_url, axonal):
    project = make_project(tmp_path / "study")
    assert run_axonal("init", "--store", postgres_url, cwd=project).returncode == 0
    assert f'store = "{postgres_url}"' in (project / ".axonal" / "project.toml").read_text()
    labels = [
        label_of(run_axonal("run", "simulate.py", f"N={n}", "--tag", "pg", cwd=project))
        for n in (5, 6)
    ]
    listed = axonal(project, "list", "--tag", "pg", "--param", "N>=5").stdout.splitlines()
    assert [line.split()[0] for line in listed] == labels[::-1]
    assert "N: a=5  b=6" in axonal(project, "diff", *labels).stdout
    repeated = run_axonal("repeat", labels[0], cwd=project)
    assert repeated.returncode == 0 and "MATCH" in repeated.stdout, repeated.stderr
    assert store_of(project).list() == []  # nothing went to the SQLite store of the first init
