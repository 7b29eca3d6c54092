"""Files a run read and wrote: SHA-256 hashes, folder snapshots and an open() watcher."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path
from typing import Any

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_CODE_SUFFIXES = (".py", ".pyc", ".so", ".pyd", ".pth", ".dist-info", ".egg-info")


def sha256_file(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, as hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under `folder` as relative path -> (size, modification time in ns)."""
    state: dict[str, tuple[int, int]] = {}
    if not folder.is_dir():
        return state
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                pending.append(Path(entry.path))
            elif entry.is_file():
                info = entry.stat()
                relative = os.path.relpath(entry.path, folder)
                state[relative] = (info.st_size, info.st_mtime_ns)
    return state


def changed_files(
    before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]
) -> list[str]:
    """Relative paths created or modified between two snapshots."""
    return sorted(path for path, state in after.items() if before.get(path) != state)


def describe_files(folder: Path, relative_paths: list[str]) -> list[dict[str, Any]]:
    """Path (relative to `folder`), size and SHA-256 of each file that still exists."""
    described = []
    for relative in relative_paths:
        path = folder / relative
        try:
            described.append(
                {"path": relative, "size": path.stat().st_size, "sha256": sha256_file(path)}
            )
        except OSError:
            continue
    return described


class FileWatcher:
    """Sees every file this process opens through Python (an audit hook): which it read, which
    it wrote. Precise even when a sweep's runs write into one folder at the same time."""

    _installed = False
    _active: FileWatcher | None = None

    def __init__(self) -> None:
        self.read: set[str] = set()
        self.written: set[str] = set()

    def __enter__(self) -> FileWatcher:
        if not FileWatcher._installed:
            # Audit hooks cannot be removed; one hook serves every watcher in turn.
            sys.addaudithook(FileWatcher._hook)
            FileWatcher._installed = True
        FileWatcher._active = self
        return self

    def __exit__(self, *_exc: object) -> None:
        FileWatcher._active = None

    @staticmethod
    def _hook(event: str, arguments: tuple[Any, ...]) -> None:
        watcher = FileWatcher._active
        if watcher is None or event != "open":
            return
        path, mode, flags = arguments
        if isinstance(path, int) or path is None:
            return
        try:
            path = os.fsdecode(path)
        except TypeError:
            return
        if mode is not None:
            writing = any(letter in mode for letter in "wax+")
        else:
            writing = bool(flags & _WRITE_FLAGS)
        if writing:
            watcher.written.add(os.path.abspath(path))
        elif not path.endswith(_CODE_SUFFIXES):
            watcher.read.add(os.path.abspath(path))


def files_under(paths: set[str], folder: Path, exclude: tuple[Path, ...] = ()) -> list[str]:
    """Those of `paths` that are existing files under `folder` (and not under `exclude`),
    relative to it."""
    folder_text = str(folder.resolve()) + os.sep
    excluded = tuple(str(path.resolve()) + os.sep for path in exclude)
    selected = []
    for path in paths:
        if path.startswith(folder_text) and not path.startswith(excluded) and os.path.isfile(path):
            selected.append(os.path.relpath(path, folder))
    return sorted(selected)
