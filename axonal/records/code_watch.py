"""The code version of many runs from one process (a sweep's worker): `code_version` computed
with git once, and reused while every file and folder git would look at keeps its size and
modification time (a few hundred `stat` calls, no git process); anything else computes it anew.
"""

from __future__ import annotations

import os
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from axonal.records.code_version import _git, code_version

# Beyond this many watched paths, checking them costs about what git does: always ask git.
MAX_WATCHED_PATHS = 20_000

Fingerprint = tuple[tuple[str, int, int] | tuple[str, None, None], ...]


@dataclass
class _Known:
    paths: tuple[str, ...]  # the files, folders and git files whose state is the fingerprint
    fingerprint: Fingerprint
    version: dict[str, Any]


class CodeVersions:
    """`code_version(script)`, reused while nothing git would see has changed.

    Watched: the tracked and untracked (not ignored) files, every folder of the working copy
    that git does not ignore (a new file changes its folder's modification time), and git's
    HEAD, index and the branch's ref (a commit, a checkout). A change to any of them, even one
    that leaves the code as it was, makes the next call ask git again."""

    def __init__(self) -> None:
        self._known: dict[str, _Known] = {}
        self._lock = threading.Lock()

    def get(self, script: Path) -> tuple[dict[str, Any], bool]:
        """(the code version of `script`, whether it was reused rather than asked of git)."""
        folder = str(script.resolve().parent)
        with self._lock:
            known = self._known.get(folder)
        if known is not None and _fingerprint(known.paths) == known.fingerprint:
            return _with_script(known.version, script), True
        paths = _watched_paths(Path(folder))
        fingerprint = _fingerprint(paths) if paths else ()
        version = code_version(script)
        if paths and _fingerprint(paths) == fingerprint:
            # Nothing changed while git looked: the version belongs to this fingerprint.
            with self._lock:
                self._known[folder] = _Known(paths, fingerprint, version)
        return dict(version), False


def _with_script(version: dict[str, Any], script: Path) -> dict[str, Any]:
    root = version.get("repository")
    if root is None:
        return dict(version)
    return {**version, "script_in_repository": str(script.resolve().relative_to(root))}


def _fingerprint(paths: tuple[str, ...]) -> Fingerprint:
    state = []
    for path in paths:
        try:
            info = os.stat(path)
        except OSError:
            state.append((path, None, None))
            continue
        state.append((path, info.st_size, info.st_mtime_ns))
    return tuple(state)


def _watched_paths(folder: Path) -> tuple[str, ...]:
    """What to stat for the repository holding `folder`; () when it is not in git (or is too
    big to watch this way)."""
    top = _git(folder, "rev-parse", "--show-toplevel")
    if top is None:
        return ()
    root = Path(top.strip())
    listed = _git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    git_paths = _git(
        root, "rev-parse", "--absolute-git-dir", "--git-common-dir", "--symbolic-full-name", "HEAD"
    )
    if listed is None or git_paths is None:
        return ()
    git_dir, common_dir, *head = git_paths.splitlines()
    common = (root / common_dir).resolve() if not os.path.isabs(common_dir) else Path(common_dir)
    files = {str(root / name) for name in listed.split("\0") if name}
    ignored_folders = _ignored_folders(root)
    folders = []
    for current, subfolders, _names in os.walk(root):
        folders.append(current)
        subfolders[:] = [
            name
            for name in subfolders
            if name != ".git" and os.path.join(current, name) not in ignored_folders
        ]
    git_files = [
        os.path.join(git_dir, "HEAD"),
        os.path.join(git_dir, "index"),
        str(common / "packed-refs"),
    ]
    if head and head[0].startswith("refs/"):
        git_files.append(str(common / head[0]))
    paths = (*sorted(files), *folders, *git_files)
    return paths if len(paths) <= MAX_WATCHED_PATHS else ()


def _ignored_folders(root: Path) -> set[str]:
    """Folders that git's ignore rules match themselves (`build/`, `.venv`): nothing created
    in them is code. A folder whose files all happen to be ignored (`logs/` under `*.log`) is
    not one of them: a new `logs/helper.py` would be untracked code."""
    candidates = _git(
        root, "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory"
    )
    folders = [name for name in (candidates or "").split("\0") if name.endswith("/")]
    if not folders:
        return set()
    try:
        matched = subprocess.run(
            ["git", "-C", str(root), "check-ignore", "-z", "--stdin"],
            input="\0".join(folders),
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return set()  # watch them all: slower, never wrong
    return {str(root / name.rstrip("/")) for name in matched.split("\0") if name}
