"""The process of one sweep run: `axonal.records.launch`, made to die with its worker.

Usage (internal): `python -m axonal.sweeps.child PARENT_PID FACTS_FILE SCRIPT [ARGUMENTS...]`.
A worker killed outright (SIGKILL, the OOM killer) must not leave its script running on, writing
outputs that another worker's retry of the same run also writes.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent_pid: int) -> None:
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # the worker died before the line above took effect
        os._exit(128 + signal.SIGKILL)


def main() -> None:
    parent_pid, *rest = sys.argv[1:]
    _die_with_parent(int(parent_pid))
    sys.argv = [sys.argv[0], *rest]
    from axonal.records import launch

    launch.main()


if __name__ == "__main__":
    main()
