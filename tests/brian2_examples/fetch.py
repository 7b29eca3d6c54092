"""Brian 2.9.0's example scripts, fetched from its sdist once and cached outside the repository.

The examples are never copied into the repository: the first test run downloads the sdist with
pip (in a small build environment that has what Brian 2's metadata step needs), keeps its
``examples/`` folder under ``~/.cache/axonal-tests`` (or ``$AXONAL_TEST_CACHE``) and every later
run reads it from there.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

BRIAN2_VERSION = "2.9.0"
# What `pip download` needs to prepare Brian 2's metadata without build isolation.
BUILD_REQUIREMENTS = ("setuptools", "setuptools_scm", "Cython", "numpy", "wheel")


class FetchError(RuntimeError):
    """The examples could not be fetched; the message says which step failed."""


def cache_root() -> Path:
    return Path(os.environ.get("AXONAL_TEST_CACHE", Path.home() / ".cache" / "axonal-tests"))


def _run(command: list[str], step: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-15:])
        raise FetchError(f"fetching Brian {BRIAN2_VERSION}'s examples: {step} failed:\n{tail}")


def _download_sdist(into: Path) -> Path:
    build_env = cache_root() / "brian2-build-env"
    python = build_env / "bin" / "python"
    if not python.exists():
        _run([sys.executable, "-m", "venv", str(build_env)], "creating the build environment")
        _run(
            [str(python), "-m", "pip", "install", "-q", *BUILD_REQUIREMENTS],
            "installing the build requirements",
        )
    _run(
        [
            str(python), "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
            "--no-build-isolation", f"brian2=={BRIAN2_VERSION}", "-d", str(into),
        ],
        "pip download",
    )  # fmt: skip
    archives = list(into.glob(f"brian2-{BRIAN2_VERSION}.tar.gz"))
    if not archives:
        raise FetchError(f"pip download left no brian2-{BRIAN2_VERSION}.tar.gz in {into}")
    return archives[0]


def examples_folder() -> Path:
    """The folder holding Brian 2's ``examples/``, fetched on first use (safe across workers)."""
    target = cache_root() / f"brian2-{BRIAN2_VERSION}-examples"
    if (target / "examples").is_dir():
        return target / "examples"
    cache_root().mkdir(parents=True, exist_ok=True)
    with open(cache_root() / "brian2-fetch.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another xdist worker may be fetching
        if (target / "examples").is_dir():
            return target / "examples"
        with tempfile.TemporaryDirectory(dir=cache_root()) as scratch:
            archive = _download_sdist(Path(scratch))
            prefix = f"brian2-{BRIAN2_VERSION}/examples/"
            unpacked = Path(scratch) / "unpacked"
            with tarfile.open(archive) as tar:
                members = [m for m in tar.getmembers() if m.name.startswith(prefix)]
                tar.extractall(unpacked, members=members, filter="data")
            staging = Path(scratch) / "staging"
            staging.mkdir()
            shutil.move(str(unpacked / f"brian2-{BRIAN2_VERSION}" / "examples"), staging)
            shutil.move(str(staging), target)
    return target / "examples"
