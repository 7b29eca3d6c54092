"""What `axonal repeat` may believe of a record before it runs the code the record names.

A record is data anyone with write access to a shared store can forge. Repeating runs code, so
the commit must be a commit id, the script a path inside the checkout, the diff only touch
files inside it, the repository a plain location (not a git option or transport command), and
a record made by someone else is described and confirmed before it runs.
"""

from __future__ import annotations

import re
import socket
from pathlib import Path, PurePosixPath
from typing import Any

from axonal.records.environment import user_name
from axonal.records.errors import RepeatError

_COMMIT = re.compile(r"[0-9a-f]{7,64}")
_DIFF_PATH = re.compile(r"^(?:diff --git a/(\S+) b/(\S+)|(?:---|\+\+\+) (?:[ab]/)?(\S+))", re.M)


def inside(relative: str, what: str, label: str) -> PurePosixPath:
    """`relative` as a path that stays inside the checkout, or a RepeatError."""
    path = PurePosixPath(relative)
    if not relative or path.is_absolute() or ".." in path.parts or "\\" in relative:
        raise RepeatError(
            f"Record {label} cannot be repeated: its {what} {relative!r} is not a path inside "
            "the repository (the record may have been altered)."
        )
    return path


def checked_code(code: dict[str, Any], label: str) -> dict[str, Any]:
    """The record's code version, refused when a part of it could make a repeat run or write
    something other than the recorded script in a checkout."""
    commit = str(code.get("commit") or "")
    if not _COMMIT.fullmatch(commit):
        raise RepeatError(
            f"Record {label} cannot be repeated: its commit {commit!r} is not a git commit id."
        )
    inside(str(code.get("script_in_repository") or ""), "script", label)
    for source_name in ("repository", "remote"):
        source = code.get(source_name)
        if source and (str(source).startswith("-") or "::" in str(source)):
            raise RepeatError(
                f"Record {label} cannot be repeated: its {source_name} {source!r} is not a "
                "repository location."
            )
    for match in _DIFF_PATH.finditer(code.get("diff") or ""):
        for path in filter(None, match.groups()):
            if path != "/dev/null":
                inside(path, "diff touches", label)
    return code


def made_elsewhere(record: dict[str, Any]) -> bool:
    """Whether the record was made by another user or on another host than this one."""
    return record.get("user") != user_name() or record.get("hostname") != (socket.gethostname())


def describe(record: dict[str, Any]) -> str:
    """What repeating `record` will run, for the person who must agree to it."""
    details = record.get("details") or {}
    code = details.get("code") or {}
    changed = sorted(
        {path for match in _DIFF_PATH.finditer(code.get("diff") or "") for path in match.groups()}
        - {None, "/dev/null"}
    )
    lines = [
        f"Record {record['label']} was made by {record.get('user')}@{record.get('hostname')}.",
        "Repeating it runs, on this machine and as you:",
        f"  script     {code.get('script_in_repository')}",
        f"  commit     {code.get('commit')} of {code.get('repository') or code.get('remote')}",
        f"  arguments  {' '.join(details.get('arguments') or []) or '(none)'}",
    ]
    if changed:
        lines.append(f"  with uncommitted changes to {', '.join(changed)}")
    return "\n".join(lines)


def confirmed_in_terminal(description: str) -> bool:
    """Ask on the terminal; False when there is none to ask on."""
    import sys

    if not sys.stdin.isatty():
        return False
    print(description, file=sys.stderr)
    try:
        answer = input("Run it? [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def script_in_checkout(checkout_dir: Path, code: dict[str, Any], label: str) -> Path:
    """The recorded script's path in the checkout, checked once more after the checkout
    (a symbolic link in the repository must not lead outside it)."""
    script = (checkout_dir / inside(code["script_in_repository"], "script", label)).resolve()
    if not script.is_relative_to(checkout_dir.resolve()):
        raise RepeatError(
            f"Record {label} cannot be repeated: its script leads outside the checkout."
        )
    return script
