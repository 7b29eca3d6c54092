"""The version of the code that ran: git commit, branch, remote and the working copy's diff."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

# Longest diff kept in a record; a bigger one is cut and says so.
MAX_DIFF_CHARACTERS = 2_000_000


def _git(folder: Path, *arguments: str) -> str | None:
    try:
        completed = subprocess.run(
            ["git", "-C", str(folder), *arguments],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if completed.returncode != 0:
        return None
    return completed.stdout


def without_credentials(url: str) -> str:
    """A remote URL without the user name and password it may carry
    (`https://user:token@host/repo` becomes `https://host/repo`); an ssh user name such as
    `git@` is kept, a password is never."""
    scheme, separator, rest = url.partition("://")
    if not separator:
        return url  # a path, or scp-like user@host:path (no password there)
    authority, slash, path = rest.partition("/")
    userinfo, at, host = authority.rpartition("@")
    if not at:
        return url
    user, colon, _password = userinfo.partition(":")
    keep_user = scheme.lower() in ("ssh", "git+ssh", "ssh+git") and not colon
    return f"{scheme}://{user + '@' if keep_user else ''}{host}{slash}{path}"


def code_version(script: Path) -> dict[str, Any]:
    """Where `script` lives in git and at which commit; {'repository': None} outside git."""
    folder = script.resolve().parent
    top = _git(folder, "rev-parse", "--show-toplevel")
    if top is None:
        return {"repository": None, "commit": None, "dirty": None, "diff": None}
    root = Path(top.strip())
    commit = _git(root, "rev-parse", "--verify", "--quiet", "HEAD")
    branch = _git(root, "rev-parse", "--abbrev-ref", "HEAD")
    remote = _git(root, "config", "--get", "remote.origin.url")
    diff = _git(root, "diff", "HEAD", "--no-color", "--no-ext-diff", "--binary") if commit else None
    untracked = _git(root, "ls-files", "--others", "--exclude-standard")
    untracked_files = untracked.splitlines() if untracked else []
    if diff and len(diff) > MAX_DIFF_CHARACTERS:
        diff = diff[:MAX_DIFF_CHARACTERS] + "\n[diff cut: longer than the record keeps]\n"
    return {
        "repository": str(root),
        "remote": without_credentials(remote.strip()) if remote else None,
        "commit": commit.strip() if commit else None,
        "branch": branch.strip() if branch else None,
        "dirty": bool(diff),
        "diff": diff or None,
        "untracked": untracked_files,
        "script_in_repository": str(script.resolve().relative_to(root)),
    }
