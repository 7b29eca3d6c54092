"""Tests of the command line's small promises: multi-line outcomes in `list -l`, the one line
naming the records extra, and repeats from a project folder above the repository."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.records.conftest import git, run_axonal
from tests.records.test_runner import label_of


def test_an_appended_comment_stays_inside_its_record_in_list_l(project):
    first = label_of(run_axonal("run", "simulate.py", "--label", "one", cwd=project))
    run_axonal("run", "simulate.py", "--label", "two", cwd=project)
    run_axonal("comment", first, "rate too high", cwd=project, check=True)
    run_axonal("comment", first, "fixed by a lower drive", "--append", cwd=project, check=True)
    lines = run_axonal("list", "-l", cwd=project, check=True).stdout.splitlines()
    # Every line of a record but its first is indented: a reader (or a script) sees two records.
    starts = [line.split()[0] for line in lines if not line.startswith(" ")]
    assert starts == ["two", "one"]
    at = lines.index("    outcome rate too high")
    assert lines[at + 1] == "            fixed by a lower drive"


def test_without_the_records_packages_init_says_which_extra_to_install(tmp_path):
    program = textwrap.dedent(
        """
        import sys
        sys.modules["sqlalchemy"] = None  # as if it were not installed
        from axonal.cli import main
        sys.exit(main(["init"]))
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", program], cwd=tmp_path, capture_output=True, text=True
    )
    assert completed.returncode == 2
    assert completed.stderr == (
        "axonal: error: the run records need sqlalchemy, which is not installed; install them "
        "with: pip install 'axonal[records]'\n"
    )


def test_a_repeat_from_a_project_above_the_repository_finds_its_outputs(tmp_path):
    """The project folder holds the repository (study/.git) and the output folder; the old
    outputs must not be reported missing because the repeat wrote them elsewhere."""
    root = tmp_path / "lab"
    study = root / "study"
    study.mkdir(parents=True)
    git(study, "init", "-q", "-b", "main")
    (study / "sim.py").write_text(
        "from pathlib import Path\nPath('output').mkdir(exist_ok=True)\n"
        "Path('output/a.txt').write_text('hello')\n"
    )
    git(study, "add", ".")
    git(study, "commit", "-q", "-m", "sim")
    run_axonal("init", cwd=root, check=True)
    label = label_of(run_axonal("run", "study/sim.py", cwd=root))
    completed = run_axonal("repeat", label, cwd=root)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "MATCH" in completed.stdout and "absent" not in completed.stdout
