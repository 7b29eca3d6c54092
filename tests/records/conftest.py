"""Fixtures of the run-record tests: a project in a git repository, the `axonal` command,
a throwaway PostgreSQL server and headless Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


def run_axonal(
    *arguments: str, cwd: Path, check: bool = False, timeout: float = 120, **kwargs
) -> subprocess.CompletedProcess:
    """Run the `axonal` command (as `python -m axonal.cli`) in `cwd`; returns the completed
    process with text stdout and stderr."""
    environment = {name: value for name, value in os.environ.items() if name != "AXONAL_STORE"}
    environment.update(kwargs.pop("env", {}))
    completed = subprocess.run(
        [sys.executable, "-m", "axonal.cli", *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment,
        **kwargs,
    )
    if check and completed.returncode != 0:
        raise AssertionError(
            f"axonal {' '.join(arguments)} exited with {completed.returncode}:\n"
            f"{completed.stdout}\n{completed.stderr}"
        )
    return completed


def git(folder: Path, *arguments: str) -> str:
    completed = subprocess.run(
        ["git", "-c", "user.email=test@example.org", "-c", "user.name=Test", *arguments],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout


SIMULATION_SCRIPT = textwrap.dedent(
    """
    import json
    from pathlib import Path

    import numpy as np

    from axonal.records import parameters

    p = parameters({"N": 10, "rate": 5.0, "duration": 1.0, "seed": 1, "network": {"p": 0.1}})
    rng = np.random.default_rng(p.seed)
    count = rng.poisson(p.N * p.rate * p.duration)
    t = np.sort(rng.uniform(0, p.duration, count))
    i = rng.integers(0, p.N, count)
    Path("output").mkdir(exist_ok=True)
    np.savez(f"output/spikes_{p.N}.npz", t=t, i=i)
    Path(f"output/rate_{p.N}.json").write_text(json.dumps({"spikes": int(count)}))
    print(f"{count} spikes")
    """
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh axonal project in a git repository with one committed simulation script."""
    return make_project(tmp_path / "study")


def make_project(root: Path) -> Path:
    """Make `root` a git repository holding simulate.py and default.yaml, and an axonal
    project."""
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "simulate.py").write_text(SIMULATION_SCRIPT)
    (root / "default.yaml").write_text("N: 20\nrate: 4.0\nnetwork:\n  p: 0.2\n")
    (root / ".gitignore").write_text("output/\n")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "first model")
    run_axonal("init", "--name", "study", cwd=root, check=True)
    return root


# -- PostgreSQL ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _postgres_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return candidates[-1].parent if candidates else None


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL server on a free loopback port; yields its base URL."""
    bin_dir = _postgres_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    # PostgreSQL refuses to run as root: then it runs as the `postgres` user.
    as_user: list[str] = []
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
    data = Path(tempfile.mkdtemp(prefix="axonal-pg-"))
    if as_user:
        shutil.chown(data, "postgres", "postgres")
    port = _free_port()
    subprocess.run(
        [*as_user, str(bin_dir / "initdb"), "-D", str(data / "db"), "-A", "trust", "-U",
         "postgres", "--no-sync"],
        check=True, capture_output=True,
    )  # fmt: skip
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data / "db"), "-o", options,
         "-l", str(data / "log"), "-w", "-t", "60", "start"],
        check=True, capture_output=True,
    )  # fmt: skip
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(
            [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data / "db"), "-m", "immediate",
             "stop"],
            capture_output=True,
        )  # fmt: skip
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A new empty database on the throwaway server."""
    import sqlalchemy as sa

    name = f"records_{os.getpid()}_{time.monotonic_ns()}"
    engine = sa.create_engine(
        postgres_server.replace("postgresql://", "postgresql+psycopg://") + "/postgres",
        isolation_level="AUTOCOMMIT",
    )
    with engine.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    engine.dispose()
    return f"{postgres_server}/{name}"


# -- Chromium ------------------------------------------------------------------------------


def chromium_binary() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None
