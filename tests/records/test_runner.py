"""Tests of `axonal run`: what a record holds, and how crashes and kills end (runner.py,
launch.py)."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from axonal.records.store import RecordStore
from tests.records.conftest import git, run_axonal


def store_of(project: Path) -> RecordStore:
    return RecordStore(f"sqlite:///{project / '.axonal' / 'records.db'}")


def label_of(completed: subprocess.CompletedProcess) -> str:
    for line in completed.stderr.splitlines():
        if line.startswith("axonal: record ") and line.endswith(" started"):
            return line.split()[2]
    raise AssertionError(f"no record announced:\n{completed.stderr}")


def test_a_finished_run_records_what_a_scientist_needs(project):
    completed = run_axonal(
        "run", "simulate.py", "default.yaml", "N=30", "--reason", "first look", "--tag", "a",
        cwd=project,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    record = store_of(project).get(label_of(completed))
    details = record["details"]
    assert record["status"] == "finished" and record["reason"] == "first look"
    assert record["tags"] == ["a"] and record["script"] == "simulate.py"
    # Defaults in the script, then the file, then the command line.
    assert record["parameters"] == {
        "N": 30, "rate": 4.0, "duration": 1.0, "seed": 1, "network": {"p": 0.2}
    }  # fmt: skip
    assert record["seed"] == "1"
    head = git(project, "rev-parse", "HEAD").strip()
    assert record["commit"] == head and record["dirty"] is False
    assert details["code"]["script_sha256"] == sha256(project / "simulate.py")
    outputs = {file["path"]: file["sha256"] for file in details["outputs"]}
    assert outputs == {
        "spikes_30.npz": sha256(project / "output" / "spikes_30.npz"),
        "rate_30.json": sha256(project / "output" / "rate_30.json"),
    }
    assert [file["path"] for file in details["inputs"]] == ["default.yaml"]
    assert "spikes" in details["stdout"] and details["stdout"] in completed.stdout
    assert details["parameter_sources"]["files"][0]["text"].startswith("N: 20")
    assert details["parameter_sources"]["overrides"] == ["N=30"]
    # Only what the script imported: numpy yes, the recorder's database library no.
    assert "numpy" in details["packages"] and "sqlalchemy" not in details["packages"]
    assert details["platform"]["cores"] == os.cpu_count()
    assert details["platform"]["python"] == ".".join(map(str, sys.version_info[:3]))
    assert record["duration"] > 0 and details["failure"] is None
    assert details["model"] in (None, [])  # the script ran no axonal network


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_crash_leaves_a_failed_record_with_the_traceback(project):
    (project / "crash.py").write_text(
        "from pathlib import Path\n"
        "Path('output').mkdir(exist_ok=True)\n"
        "Path('output/partial.txt').write_text('half')\n"
        "def integrate():\n    raise ValueError('membrane potential diverged')\n"
        "integrate()\n"
    )
    completed = run_axonal("run", "crash.py", cwd=project)
    assert completed.returncode == 1
    assert "ValueError: membrane potential diverged" in completed.stderr
    record = store_of(project).get(label_of(completed))
    assert record["status"] == "failed"
    failure = record["details"]["failure"]
    assert "Traceback" in failure and "in integrate" in failure
    assert "launch.py" not in failure and "runpy" not in failure  # the script's frames only
    assert "ValueError: membrane potential diverged" in failure
    assert [file["path"] for file in record["details"]["outputs"]] == ["partial.txt"]


def test_an_exit_status_is_kept(project):
    (project / "exits.py").write_text("import sys\nprint('giving up')\nsys.exit(3)\n")
    completed = run_axonal("run", "exits.py", cwd=project)
    assert completed.returncode == 3
    record = store_of(project).get(label_of(completed))
    assert record["status"] == "failed"
    assert record["details"]["failure"] == "The script exited with status 3."


SLEEPER = (
    "import os, sys, time\nfrom pathlib import Path\n"
    "print('working', flush=True)\nPath('ready').write_text(str(os.getpid()))\ntime.sleep(60)\n"
)


def script_pid(project: Path) -> int:
    """The process id of the sleeping script (it writes it to `ready`)."""
    return int((project / "ready").read_text())


def start_sleeper(project: Path) -> tuple[subprocess.Popen, str]:
    """Start `axonal run sleeper.py`; return once its record exists and the script sleeps."""
    (project / "sleeper.py").write_text(SLEEPER)
    process = subprocess.Popen(
        [sys.executable, "-m", "axonal.cli", "run", "sleeper.py"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    label = None
    for line in process.stderr:
        if line.startswith("axonal: record "):
            label = line.split()[2]
            break
    deadline = time.monotonic() + 60
    while not (project / "ready").exists() or not (project / "ready").read_text():
        time.sleep(0.05)
        assert time.monotonic() < deadline
    assert label is not None and (project / "ready").exists()
    assert store_of(project).get(label)["status"] == "running"
    return process, label


@pytest.mark.parametrize(
    ("signum", "exit_code", "failure"),
    [
        (signal.SIGTERM, 143, "Terminated (SIGTERM)."),
        (signal.SIGINT, 130, "Interrupted (SIGINT)."),
    ],
)
def test_a_signal_leaves_a_killed_record(project, signum, exit_code, failure):
    process, label = start_sleeper(project)
    process.send_signal(signum)
    process.wait(60)
    assert process.returncode == exit_code
    record = store_of(project).get(label)
    assert record["status"] == "killed"
    assert record["details"]["failure"] == failure
    assert "working" in record["details"]["stdout"]
    assert record["duration"] is not None


def test_a_script_killed_outright_leaves_a_killed_record(project):
    process, label = start_sleeper(project)
    os.kill(script_pid(project), signal.SIGKILL)  # the script's own process
    process.wait(60)
    assert process.returncode == 128 + signal.SIGKILL
    record = store_of(project).get(label)
    assert record["status"] == "killed"
    assert record["details"]["failure"] == "The script's process was killed by SIGKILL."


MODEL_SCRIPT = """
import axonal.network

def run_summaries():
    return [{
        "target": "numpy", "dt": 0.0001, "duration": 1.0, "seed": 42, "wall_time": 0.3,
        "groups": [{"name": "neurons", "N": 100, "equations": "dv/dt = -v/tau : volt"}],
        "synapses": [{"name": "synapses", "count": 1000}],
        "monitors": [{"name": "spikes", "kind": "SpikeMonitor", "spikes": 123,
                      "spike_digest": "ab" * 32}],
    }]

axonal.network.run_summaries = run_summaries  # stands in for the network room's function
"""


def test_the_model_summary_comes_from_axonal_itself(project):
    (project / "model.py").write_text(MODEL_SCRIPT)
    completed = run_axonal("run", "model.py", cwd=project)
    assert completed.returncode == 0, completed.stderr
    record = store_of(project).get(label_of(completed))
    (summary,) = record["details"]["model"]
    assert summary["groups"] == [
        {"name": "neurons", "N": 100, "equations": "dv/dt = -v/tau : volt"}
    ]
    assert summary["monitors"][0]["spike_digest"] == "ab" * 32
    assert record["seed"] == "42"  # no seed parameter: the simulator's seed is kept


def test_uncommitted_changes_are_recorded_as_a_diff(project):
    script = project / "simulate.py"
    script.write_text(script.read_text() + "print('changed')\n")
    completed = run_axonal("run", "simulate.py", cwd=project)
    record = store_of(project).get(label_of(completed))
    assert record["dirty"] is True
    assert "+print('changed')" in record["details"]["code"]["diff"]


def test_a_run_outside_git_is_still_recorded(tmp_path):
    run_axonal("init", cwd=tmp_path, check=True)
    (tmp_path / "plain.py").write_text("import sys\nprint(sys.argv[1:])\n")
    completed = run_axonal("run", "plain.py", "--fast", "x", cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert "['--fast', 'x']" in completed.stdout  # arguments axonal does not know pass through
    record = store_of(tmp_path).get(label_of(completed))
    assert record["commit"] is None and record["details"]["code"]["repository"] is None
    assert record["status"] == "finished"


def records_in(project: Path) -> list[str]:
    return [record["label"] for record in store_of(project).list()]


def test_a_missing_script_is_a_clear_error_and_records_nothing(project):
    before = records_in(project)
    completed = run_axonal("run", "absent.py", cwd=project)
    assert completed.returncode == 2
    assert "The script 'absent.py' does not exist" in completed.stderr
    assert records_in(project) == before


def test_a_malformed_parameter_file_is_a_clear_error_and_records_nothing(project):
    run_axonal("run", "simulate.py", cwd=project, check=True)
    before = records_in(project)
    (project / "broken.yaml").write_text("N: 20\nrate: [4.0\n")
    completed = run_axonal("run", "simulate.py", "broken.yaml", cwd=project)
    assert completed.returncode == 2
    assert "broken.yaml, line 3: invalid YAML" in completed.stderr
    assert records_in(project) == before and len(before) == 1


def test_a_chosen_label_that_exists_is_refused(project):
    run_axonal("run", "simulate.py", "--label", "baseline", cwd=project, check=True)
    completed = run_axonal("run", "simulate.py", "--label", "baseline", cwd=project)
    assert completed.returncode == 2
    assert "'baseline' exists already" in completed.stderr
    assert records_in(project) == ["baseline"]


def test_a_label_that_would_not_survive_a_url_is_refused(project):
    completed = run_axonal("run", "simulate.py", "--label", "my run/2", cwd=project)
    assert completed.returncode == 2
    assert "The label 'my run/2' cannot be used" in completed.stderr
    assert records_in(project) == []


def test_the_seed_given_to_axonal_is_recorded(project):
    (project / "seeded.py").write_text("from axonal import seed\nseed(1234)\n")
    completed = run_axonal("run", "seeded.py", cwd=project)
    assert completed.returncode == 0, completed.stderr
    assert store_of(project).get(label_of(completed))["seed"] == "1234"


def test_ctrl_c_from_a_terminal_reaches_the_script_twice_and_is_recorded_once(project):
    process, label = start_sleeper(project)
    os.kill(script_pid(project), signal.SIGINT)  # the terminal signals the whole process group ...
    process.send_signal(signal.SIGINT)  # ... and `axonal run` forwards its own copy
    process.wait(60)
    assert process.returncode == 130
    record = store_of(project).get(label)
    assert record["status"] == "killed"
    assert record["details"]["failure"] == "Interrupted (SIGINT)."


def test_a_store_that_cannot_be_reached_stops_the_script_and_says_so(project):
    (project / "late.py").write_text(
        "import time\nfrom pathlib import Path\ntime.sleep(20)\nPath('done').write_text('x')\n"
    )
    completed = run_axonal(
        "--store", "postgresql://nobody@127.0.0.1:1/none", "run", "late.py", cwd=project
    )
    assert completed.returncode == 2
    assert "The record store postgresql://nobody@127.0.0.1:1/none failed" in completed.stderr
    assert not (project / "done").exists()  # no record, no run
