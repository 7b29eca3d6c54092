"""What `axonal run` does when the script's git working copy has uncommitted changes.

The project chooses (`axonal init --on-changed POLICY`, `on_changed` in .axonal/project.toml):
`store-diff` (the default) keeps the diff with the record, and `axonal repeat` applies it to the
checkout; `refuse` stops before the script starts and names the changed files; `allow` runs and
records that the code had changes, without keeping them (the run cannot be repeated exactly).
Only tracked files count, as for `git diff`: untracked files are listed in the record either way.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from axonal.records.errors import RecordsError


class UncommittedChangesError(RecordsError):
    """The project refuses runs from a working copy with uncommitted changes."""


def check_before_run(policy: str, script: Path) -> None:
    """Under the `refuse` policy, raise when tracked files of the script's repository differ
    from its last commit (one `git status`); other policies cost nothing here."""
    if policy != "refuse":
        return
    try:
        completed = subprocess.run(
            ["git", "-C", str(script.resolve().parent), "status", "--porcelain",
             "--untracked-files=no"],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return
    if completed.returncode != 0:
        return  # not in git: nothing to refuse (the record says so)
    changed = [line[3:] for line in completed.stdout.splitlines() if line.strip()]
    if changed:
        shown = ", ".join(changed[:10]) + (
            f" and {len(changed) - 10} more" if len(changed) > 10 else ""
        )
        raise UncommittedChangesError(
            f"The code has uncommitted changes ({shown}) and this project refuses such runs "
            "(on_changed = refuse); commit them, or choose `axonal init --on-changed store-diff`."
        )


def apply_policy(policy: str, code: dict[str, Any]) -> dict[str, Any]:
    """The code version as the record keeps it under `policy` (the diff dropped for `allow`)."""
    code = {**code, "on_changed": policy}
    if policy == "allow" and code.get("diff"):
        code["diff"] = None
        code["diff_not_stored"] = True
    return code
