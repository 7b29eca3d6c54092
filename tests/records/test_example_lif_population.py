"""The new user's day from the issue, on examples/records/lif_population.py: init, three runs
with different parameters, then find, compare, tag and repeat them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.records.conftest import git, run_axonal
from tests.records.test_runner import label_of, store_of

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "records"


@pytest.mark.slow
def test_three_runs_found_compared_tagged_and_repeated(tmp_path):
    project = tmp_path / "lab"
    shutil.copytree(EXAMPLE, project)
    (project / ".gitignore").write_text("output/\n")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "example")
    assert run_axonal("init", cwd=project).returncode == 0

    labels = []
    for mean in (1.1, 1.3, 1.5):
        completed = run_axonal(
            "run", "lif_population.py", "parameters.yaml", f"drive.mean={mean}", "duration=0.1",
            "--reason", f"drive {mean}", cwd=project,
        )  # fmt: skip
        assert completed.returncode == 0, completed.stderr
        labels.append(label_of(completed))

    found = run_axonal("list", "--param", "drive.mean>1.2", cwd=project).stdout.splitlines()
    assert [line.split()[0] for line in found] == labels[:0:-1]
    diff = run_axonal("diff", labels[0], labels[2], cwd=project).stdout
    assert "drive.mean: a=1.1  b=1.5" in diff and "code: same" in diff
    assert "constants.neurongroup.drive: a=1.1  b=1.5" in diff
    # A stronger drive fires faster: the reported rates order the runs.
    rates = [store_of(project).get(label)["details"]["figures"]["rate"] for label in labels]
    assert [rate["unit"] for rate in rates] == ["Hz"] * 3
    assert rates[0]["value"] < rates[1]["value"] < rates[2]["value"]
    middle = (rates[0]["value"] + rates[1]["value"]) / 2
    found = run_axonal("list", "--where", f"rate > {middle}*Hz", cwd=project).stdout.splitlines()
    assert [line.split()[0] for line in found] == labels[:0:-1]
    assert run_axonal("tag", "strong", labels[2], cwd=project).returncode == 0
    assert store_of(project).get(labels[2])["tags"] == ["strong"]

    repeated = run_axonal("repeat", labels[1], cwd=project)
    assert repeated.returncode == 0, repeated.stdout + repeated.stderr
    assert "MATCH" in repeated.stdout
    outputs = store_of(project).get(labels[1])["details"]["outputs"]
    assert sorted(file["path"] for file in outputs) == [
        "lif_N100_mean1.3_seed1.npz",
        "lif_N100_mean1.3_seed1.txt",
        "lif_N100_mean1.3_seed1_v.npz",
    ]
