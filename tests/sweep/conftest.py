"""Fixtures of the sweep tests: a project holding a quick script, real Dask processes."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.records.conftest import (  # noqa: F401 - fixtures shared with the records' tests
    _free_port,
    make_project,
    postgres_server,
    postgres_url,
    run_axonal,
)

pytest.importorskip("distributed")
pytest.importorskip("pandas")

# A run that takes `sleep` seconds, fails at x == fail_at, and reports figures computed from its
# parameters (so that the table can be checked against them).
QUICK_SCRIPT = textwrap.dedent(
    """
    import os
    import time

    from axonal.records import parameters, report
    from axonal.units import Hz

    p = parameters({"x": 1.0, "y": 0, "seed": 0, "sleep": 0.0, "fail_at": -1.0})
    if p.x == p.fail_at:
        raise ValueError(f"x={p.x} is the failing point")
    time.sleep(p.sleep)
    report(total=p.x * 10 + p.y + p.seed / 2, rate=p.x * 2 * Hz, pid=os.getpid(), kind="quick",
           malloc_trim=int("MALLOC_TRIM_THRESHOLD_" in os.environ))
    """
)


@pytest.fixture
def sweep_project(tmp_path: Path) -> Path:
    """A project (git repository) holding quick.py."""
    root = make_project(tmp_path / "study")
    (root / "quick.py").write_text(QUICK_SCRIPT)
    subprocess.run(["git", "add", "quick.py"], cwd=root, check=True)
    subprocess.run(
        ["git", "-c", "user.email=t@example.org", "-c", "user.name=T", "commit", "-qm", "quick"],
        cwd=root,
        check=True,
    )
    return root


def interrupted_sweep(arguments: list[str], cwd: Path, after: str) -> tuple[int, str]:
    """Run ``axonal sweep ARGUMENTS``, send it SIGINT (Ctrl-C) once a progress line starting
    with ``after`` appears, and give its exit status and everything it wrote to stderr."""
    command = [sys.executable, "-m", "axonal.cli", "sweep", *arguments]
    process = subprocess.Popen(
        command, cwd=cwd, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    lines = []
    for line in process.stderr:
        lines.append(line)
        if line.startswith(after):
            process.send_signal(signal.SIGINT)
            break
    rest = process.communicate(timeout=120)[1]
    return process.returncode, "".join(lines) + rest


def _dask_command() -> list[str]:
    found = Path(sys.executable).with_name("dask")
    return [str(found)] if found.exists() else [shutil.which("dask") or "dask"]


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the dask process ended with {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


class DaskProcesses:
    """A `dask scheduler` and `dask worker` processes on 127.0.0.1, started by the test."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = _free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.processes: list[subprocess.Popen] = []
        self.workers: dict[str, subprocess.Popen] = {}

    def _start(self, *arguments: str, log: str, **environment: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [*_dask_command(), *arguments],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=open(self.folder / log, "wb"),  # noqa: SIM115 - closed with the process
            env={**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False", **environment},
        )
        self.processes.append(process)
        return process

    def start_scheduler(self, allowed_failures: int | None = None) -> None:
        """`allowed_failures`: how many workers may die running one task before the scheduler
        gives it up (KilledWorker); Dask's default is 3."""
        limit = (
            {}
            if allowed_failures is None
            else {"DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": str(allowed_failures)}
        )
        process = self._start(
            "scheduler", "--host", "127.0.0.1", "--port", str(self.port),
            "--no-dashboard", log="scheduler.log", **limit,
        )  # fmt: skip
        _wait_for_port(self.port, process)

    def start_worker(self, name: str, nanny: bool = False) -> None:
        """A worker of one thread; with `nanny`, a worker that dies is started again."""
        port = _free_port()
        process = self._start(
            "worker", self.address, "--host", "127.0.0.1", "--worker-port", str(port),
            "--nthreads", "1", "--nanny" if nanny else "--no-nanny", "--no-dashboard",
            "--name", name, log=f"worker-{name}.log",
        )  # fmt: skip
        self.workers[f"tcp://127.0.0.1:{port}"] = process

    def wait_for_workers(self, count: int) -> None:
        from distributed import Client

        with Client(self.address, timeout=60) as client:
            client.wait_for_workers(count, timeout=120)

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def dask_processes(tmp_path: Path) -> Iterator[DaskProcesses]:
    processes = DaskProcesses(tmp_path)
    try:
        yield processes
    finally:
        processes.stop()
