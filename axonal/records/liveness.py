"""Whether a record that says "running" still has a process behind it.

A record is completed by the `axonal run` that made it; if that process itself was killed
outright (SIGKILL, a reboot), the record stays "running" for ever. On the host that ran it, a
gone process shows it as "lost" instead; elsewhere nothing can be known, and it stays as stored.
"""

from __future__ import annotations

import os
import socket
from typing import Any


def shown_status(record: dict[str, Any]) -> str:
    """The status to show: the stored one, or "lost" for a running record whose process is gone."""
    if record.get("status") != "running" or record.get("hostname") != socket.gethostname():
        return record.get("status") or ""
    pid = record.get("pid")
    if not pid:
        return "running"
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return "lost"
    except PermissionError:
        pass  # alive, owned by someone else
    return "running"
