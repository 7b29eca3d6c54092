"""Faults around `axonal run` (issue 12, items 7-10 and 15): a refused run must not run, a
store that fails at the end must not lose the record, and a closed terminal, a SIGKILL or a
script that ignores SIGTERM must not leave a record "running" or a script behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from axonal.records.liveness import shown_status
from tests.records.conftest import run_axonal
from tests.records.test_runner import label_of, records_in, script_pid, start_sleeper, store_of

# Writes its output at once: a script that started would overwrite it.
OVERWRITER = (
    "import time\nfrom pathlib import Path\n"
    "Path('output').mkdir(exist_ok=True)\n"
    "Path('started').write_text('yes')\n"
    "Path('output/figure.txt').write_text(str(time.time()))\n"
)


def test_a_refused_label_does_not_run_the_script(project):
    (project / "figure.py").write_text(OVERWRITER)
    run_axonal("run", "figure.py", "--label", "figure6", cwd=project, check=True)
    figure = (project / "output" / "figure.txt").read_text()
    (project / "started").unlink()
    completed = run_axonal("run", "figure.py", "--label", "figure6", cwd=project)
    assert completed.returncode == 2 and "'figure6' exists already" in completed.stderr
    assert not (project / "started").exists()
    assert (project / "output" / "figure.txt").read_text() == figure  # figure6's output kept
    assert records_in(project) == ["figure6"]


def test_an_unreachable_store_does_not_run_the_script(project):
    (project / "figure.py").write_text(OVERWRITER)
    completed = run_axonal(
        "--store", "postgresql://nobody@127.0.0.1:1/none", "run", "figure.py", cwd=project
    )
    assert completed.returncode == 2 and "failed" in completed.stderr
    assert not (project / "started").exists()


@pytest.mark.parametrize("label", ["last", "x.json", "plot.png", "..", ".hidden", "a" * 201])
def test_labels_that_could_not_be_reached_again_are_refused(project, label):
    (project / "figure.py").write_text(OVERWRITER)
    completed = run_axonal("run", "figure.py", "--label", label, cwd=project)
    assert completed.returncode == 2 and "cannot be used" in completed.stderr
    assert not (project / "started").exists() and records_in(project) == []


def test_the_hidden_repeat_of_option_follows_the_label_rules(project):
    (project / "figure.py").write_text(OVERWRITER)
    completed = run_axonal("run", "figure.py", "--repeat-of", "../x", cwd=project)
    assert completed.returncode == 2 and "record to repeat '../x' cannot be used" in (
        completed.stderr
    )
    assert not (project / "started").exists()


# -- the closing write --------------------------------------------------------------------------

# Makes its own PostgreSQL database refuse connections, as a server going down would.
STORE_GOES_DOWN = """
import os, sys
import psycopg
from pathlib import Path

server, name = os.environ["TEST_SERVER"], os.environ["TEST_DATABASE"]
print("simulated 42 spikes", flush=True)
Path("output").mkdir(exist_ok=True)
Path("output/result.txt").write_text("42")
with psycopg.connect(server + "/postgres", autocommit=True) as connection:
    connection.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
    connection.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
    )
"""


def test_a_store_that_fails_at_the_end_keeps_the_record_in_the_spool(project, postgres_url):
    import psycopg

    server, name = postgres_url.rsplit("/", 1)
    (project / "down.py").write_text(STORE_GOES_DOWN)
    completed = run_axonal(
        "--store", postgres_url, "run", "down.py", "--label", "down", cwd=project,
        env={"TEST_SERVER": server, "TEST_DATABASE": name},
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert "could not be completed in the store" in completed.stderr
    assert len(list((project / ".axonal" / "spool").glob("*.json"))) == 1
    with psycopg.connect(server + "/postgres", autocommit=True) as connection:
        connection.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
    # The next command writes what the run learnt.
    listed = run_axonal("--store", postgres_url, "list", cwd=project, check=True)
    assert "record down completed from the spool" in listed.stderr
    assert "finished" in listed.stdout
    record = store_of_url(postgres_url).get("down")
    assert record["status"] == "finished" and record["duration"] > 0
    assert "simulated 42 spikes" in record["details"]["stdout"]
    assert [file["path"] for file in record["details"]["outputs"]] == ["result.txt"]
    assert list((project / ".axonal" / "spool").glob("*.json")) == []


def store_of_url(url: str):
    from axonal.records.store import RecordStore

    return RecordStore(url)


def test_a_seed_longer_than_the_store_keeps_is_refused_before_the_run(project, postgres_url):
    (project / "figure.py").write_text(OVERWRITER)
    completed = run_axonal(
        "--store", postgres_url, "run", "figure.py", "seed=" + "7" * 70, cwd=project
    )
    assert completed.returncode == 2
    assert "The record's seed '7777" in completed.stderr and "at most 64" in completed.stderr
    assert not (project / "started").exists()


def test_a_long_seed_chosen_by_the_script_still_completes_the_record(project, postgres_url):
    (project / "seeded.py").write_text(
        f"from axonal.records import parameters\np = parameters({{'seed': '{'s' * 80}', 'N': 1}})\n"
    )
    completed = run_axonal("--store", postgres_url, "run", "seeded.py", cwd=project)
    assert completed.returncode == 0, completed.stderr
    record = store_of_url(postgres_url).get(label_of(completed))
    assert record["status"] == "finished"
    assert record["seed"] == "s" * 61 + "..."
    assert record["parameters"]["seed"] == "s" * 80  # kept whole where it has room


def test_parameter_names_sharing_their_first_200_characters_complete_the_record(project):
    long_a, long_b = "a" * 200 + "x", "a" * 200 + "y"
    (project / "long.py").write_text(
        f"from axonal.records import parameters\np = parameters({{'{long_a}': 1, '{long_b}': 2}})\n"
    )
    completed = run_axonal("run", "long.py", cwd=project)
    assert completed.returncode == 0, completed.stderr
    record = store_of(project).get(label_of(completed))
    assert record["status"] == "finished"
    assert record["parameters"] == {long_a: 1, long_b: 2}


# -- signals ------------------------------------------------------------------------------------


def test_a_closed_terminal_sighup_leaves_a_killed_record(project):
    process, label = start_sleeper(project)
    process.send_signal(signal.SIGHUP)
    process.wait(60)
    assert process.returncode == 128 + signal.SIGHUP
    record = store_of(project).get(label)
    assert record["status"] == "killed"
    assert record["details"]["failure"] == "Hangup (SIGHUP)."
    assert "working" in record["details"]["stdout"]


def gone(pid: int, seconds: float = 10.0) -> bool:
    """Whether process `pid` ends within `seconds` (a zombie waiting for a reaper has ended)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


SLEEPER_WITH_CHILD = (
    "import os, subprocess, time\nfrom pathlib import Path\n"
    "child = subprocess.Popen(['sleep', '60'])\n"
    "Path('child').write_text(str(child.pid))\n"
    "print('working', flush=True)\nPath('ready').write_text(str(os.getpid()))\ntime.sleep(60)\n"
)


def test_sigkill_of_axonal_run_takes_the_script_along_and_the_record_is_lost(project, tmp_path):
    temporary = tmp_path / "tmp"  # where the run's temporary files go
    temporary.mkdir()
    (project / "sleeper.py").write_text(SLEEPER_WITH_CHILD)
    process = subprocess.Popen(
        [sys.executable, "-m", "axonal.cli", "run", "sleeper.py"],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "AXONAL_LEASE_SECONDS": "1", "TMPDIR": str(temporary)},
        stdin=subprocess.DEVNULL,  # a batch job: the script gets a process group of its own
    )  # fmt: skip
    label = process.stderr.readline().split()[2]
    deadline = time.monotonic() + 60
    while not (project / "ready").exists() or not (project / "ready").read_text():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(1.5)  # longer than the lease: only its renewals keep it running
    record = store_of(project).get(label)
    assert shown_status(record, hostname="elsewhere") == "running"
    process.kill()
    process.wait(10)
    assert gone(script_pid(project)), "the script outlived its recorder"
    assert gone(int((project / "child").read_text())), "the script's child outlived it"
    record = store_of(project).get(label)
    assert record["status"] == "running"  # nobody could complete it ...
    assert shown_status(record) == "lost"  # ... and this host sees its process is gone
    time.sleep(1.2)
    assert shown_status(store_of(project).get(label), hostname="elsewhere") == "lost"
    listed = run_axonal("list", cwd=project, check=True)
    assert f"{label}" in listed.stdout and "lost" in listed.stdout
    assert list(temporary.iterdir()) == []  # no facts file left behind


IGNORES_SIGTERM = (
    "import os, signal, time\nfrom pathlib import Path\n"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)  # as a compiled loop that never returns\n"
    "print('working', flush=True)\nPath('ready').write_text(str(os.getpid()))\ntime.sleep(60)\n"
)


def test_a_script_that_does_not_stop_on_sigterm_is_killed_after_the_grace(project):
    (project / "stubborn.py").write_text(IGNORES_SIGTERM)
    process = subprocess.Popen(
        [sys.executable, "-m", "axonal.cli", "run", "stubborn.py"],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "AXONAL_STOP_GRACE_SECONDS": "1"},
    )  # fmt: skip
    label = process.stderr.readline().split()[2]
    deadline = time.monotonic() + 60
    while not (project / "ready").exists() or not (project / "ready").read_text():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    process.wait(30)
    record = store_of(project).get(label)
    assert record["status"] == "killed"
    assert record["details"]["failure"] == (
        "The script did not stop within 1 s of SIGTERM and was killed (SIGKILL)."
    )
    assert record["duration"] is not None
    assert gone(script_pid(project), 1)


def test_a_background_child_holding_stdout_does_not_hold_the_record(project):
    (project / "spawns.py").write_text(
        "import subprocess\nsubprocess.Popen(['sleep', '30'])\nprint('done', flush=True)\n"
    )
    began = time.monotonic()
    completed = run_axonal("run", "spawns.py", cwd=project, timeout=60)
    assert completed.returncode == 0, completed.stderr
    assert time.monotonic() - began < 15  # was 20 s of waiting on the pipes, plus start-up
    record = store_of(project).get(label_of(completed))
    assert record["status"] == "finished" and "done" in record["details"]["stdout"]


# -- the store and the command line -----------------------------------------------------------


def test_an_emptied_store_file_is_not_silently_made_anew(project):
    run_axonal("run", "simulate.py", cwd=project, check=True)
    database = project / ".axonal" / "records.db"
    for name in ("records.db-wal", "records.db-shm"):
        (project / ".axonal" / name).unlink(missing_ok=True)
    database.write_bytes(b"")
    old = time.time() - 60
    os.utime(database, (old, old))
    completed = run_axonal("list", cwd=project)
    assert completed.returncode == 2
    assert "is an empty file (0 bytes): the records it held are gone" in completed.stderr
    assert database.stat().st_size == 0
    run_axonal("init", cwd=project, check=True)  # asked for: a new store
    assert run_axonal("list", cwd=project, check=True).stdout == ""


def test_export_to_a_folder_that_does_not_exist_is_a_clear_error(project):
    run_axonal("run", "simulate.py", cwd=project, check=True)
    completed = run_axonal("export", "-o", "/nonexistent/x.json", cwd=project)
    assert completed.returncode == 2
    assert "Cannot write the export to /nonexistent/x.json" in completed.stderr
    assert "Traceback" not in completed.stderr
