"""Whether a record that says "running" still has a process behind it.

A record is completed by the `axonal run` that made it. While the run goes on, that process
renews the record's lease in the store (`Heartbeat`); if it was killed outright (SIGKILL, a
reboot, a lost node), the lease runs out and the record shows as "lost" from any host. On the
host that ran it, a gone process shows it as "lost" at once.
"""

from __future__ import annotations

import os
import socket
import threading
from datetime import datetime, timezone
from typing import Any

# How long a lease lasts without renewal, and how often a run renews it. The margin covers a
# store that is slow to answer (a busy SQLite lock waits up to two minutes).
LEASE_SECONDS = 300.0
RENEWALS_PER_LEASE = 10
LEASE_ENVIRONMENT_VARIABLE = "AXONAL_LEASE_SECONDS"


def lease_seconds() -> float:
    """The lease of a new run (LEASE_SECONDS unless $AXONAL_LEASE_SECONDS says otherwise)."""
    try:
        return float(os.environ.get(LEASE_ENVIRONMENT_VARIABLE) or LEASE_SECONDS)
    except ValueError:
        return LEASE_SECONDS


def shown_status(
    record: dict[str, Any], hostname: str | None = None, now: datetime | None = None
) -> str:
    """The status to show: the stored one, or "lost" for a running record whose process is
    gone (seen on its own host) or whose lease has run out (seen from anywhere)."""
    if record.get("status") != "running":
        return record.get("status") or ""
    pid = record.get("pid")
    if pid and record.get("hostname") == (hostname or socket.gethostname()):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return "lost"
        except PermissionError:
            pass  # alive, owned by someone else
    expires = record.get("lease_expires_at")
    if isinstance(expires, str):
        expires = datetime.fromisoformat(expires)
    if expires is not None:
        now = now or datetime.now(timezone.utc).replace(tzinfo=None)
        if expires < now:
            return "lost"
    return "running"


class Heartbeat:
    """Renews a running record's lease from a background thread until stopped."""

    def __init__(self, store: Any, label: str, seconds: float):
        self._store = store
        self._label = label
        self._seconds = seconds
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="axonal-lease", daemon=True)

    def start(self) -> Heartbeat:
        self._thread.start()
        return self

    def _beat(self) -> None:
        while not self._stopped.wait(self._seconds / RENEWALS_PER_LEASE):
            try:
                self._store.renew_lease(self._label, self._seconds)
            except Exception:  # noqa: BLE001 - an unreachable store: try again next beat
                pass

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)
