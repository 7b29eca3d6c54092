"""The closing write of a record, kept in a local file until the store has it.

`axonal run` writes what it learnt at the end of a run (status, stdout, outputs, failure, model)
to a spool file in the project's .axonal/spool/ before it writes the store; the file is removed
once the store has the record. When the store cannot be written (a PostgreSQL server went down,
a network cut), the file stays, and the next `axonal` command that opens the same store in this
project writes it: nothing a run learnt is lost.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from axonal.records.errors import UnknownLabelError
from axonal.records.project import PROJECT_FOLDER

SPOOL_FOLDER = "spool"
# The closing write is tried this many times, waiting these seconds in between, before the
# record is left to the spool.
RETRY_DELAYS_SECONDS = (0.5, 1.5)


def spool_folder(project_root: Path) -> Path:
    return project_root / PROJECT_FOLDER / SPOOL_FOLDER


def store_key(store_url: str) -> str:
    """Which store an entry belongs to, without writing the URL (it may hold a password)."""
    return hashlib.sha256(store_url.encode("utf-8")).hexdigest()[:32]


def write_entry(
    project_root: Path,
    store_url: str,
    label: str,
    fields: dict[str, Any],
    details: dict[str, Any],
) -> Path:
    """Write one closing write to the spool (atomically, flushed to disk); returns its file."""
    folder = spool_folder(project_root)
    folder.mkdir(parents=True, exist_ok=True)
    entry = {"store": store_key(store_url), "label": label, "fields": fields, "details": details}
    path = folder / f"{store_key(store_url)[:12]}-{label}.json"
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "w", encoding="utf-8") as file:
        json.dump(entry, file, default=str)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
    return path


def write_with_retry(
    store: Any, label: str, fields: dict[str, Any], details: dict[str, Any]
) -> None:
    """`store.update` tried again after short waits; raises the last error."""
    for delay in (*RETRY_DELAYS_SECONDS, None):
        try:
            store.update(label, fields, details)
            return
        except UnknownLabelError:
            raise
        except Exception:  # noqa: BLE001 - any failure of the store is retried, then spooled
            if delay is None:
                raise
            time.sleep(delay)


def close_record(
    project_root: Path, store: Any, label: str, fields: dict[str, Any], details: dict[str, Any]
) -> bool:
    """Spool the closing write, write it to the store, and drop the spool file once written.

    Returns False (and says so on stderr) when the store could not take it: the spool keeps it.
    """
    path = write_entry(project_root, store.url, label, fields, details)
    try:
        write_with_retry(store, label, fields, details)
    except Exception as error:  # noqa: BLE001 - the record must survive any store failure
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        print(
            f"axonal: warning: the record {label} could not be completed in the store "
            f"({reason}); it is kept in {path} and the next axonal command in this project "
            "will write it",
            file=sys.stderr,
        )
        return False
    path.unlink(missing_ok=True)
    return True


def replay(project_root: Path, store: Any) -> list[str]:
    """Write the spooled closing writes that belong to `store`; returns their labels.

    An entry the store still cannot take stays for the next command; an entry whose record was
    deleted meanwhile is dropped with a word on stderr.
    """
    folder = spool_folder(project_root)
    if not folder.is_dir():
        return []
    key = store_key(store.url)
    written = []
    for path in sorted(folder.glob(f"{key[:12]}-*.json")):
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue  # being written by a run right now, or unreadable: not ours to judge
        if entry.get("store") != key:
            continue
        label = entry["label"]
        try:
            store.update(label, entry["fields"], entry["details"])
        except UnknownLabelError:
            print(
                f"axonal: warning: the spooled end of record {label} was dropped: the record "
                "is no longer in the store",
                file=sys.stderr,
            )
        except Exception:  # noqa: BLE001 - the store still cannot take it: keep it
            return written
        else:
            written.append(label)
            print(f"axonal: record {label} completed from the spool", file=sys.stderr)
        path.unlink(missing_ok=True)
    return written
