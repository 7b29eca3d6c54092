"""Output files archived by content, so that every record keeps its own outputs.

When a run ends, each output file is copied into the project's archive under its SHA-256
(`.axonal/archive/ab/cdef...`): a file two runs wrote identically is stored once, and a file a
later run overwrites stays, as it was, with the record that wrote it. Files larger than the
project's limit (`archive_max_bytes` in .axonal/project.toml, `axonal init --archive-limit`;
0 archives nothing) are only hashed. Archived copies are read-only; the record names the archive
folder, so that `axonal show` and `axonal web` find them from anywhere.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from axonal.records.errors import RecordsError

ARCHIVE_FOLDER = "archive"  # inside the project's .axonal folder
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT]?)(i?[bB])?\s*")
_SIZE_FACTORS = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}
_HEX = re.compile(r"[0-9a-f]{64}")


def parse_size(text: str | int) -> int:
    """'100MB', '2 GiB', '500k', '0' -> bytes (binary prefixes: 1 MB = 2**20 bytes)."""
    if isinstance(text, int):
        return text
    found = _SIZE.fullmatch(str(text))
    if not found:
        raise RecordsError(
            f"Cannot read the archive size limit {text!r}; expected a size such as 100MB, "
            "2GB, 500kB or 0 (archive nothing)."
        )
    number, prefix, _ = found.groups()
    return int(float(number) * _SIZE_FACTORS[prefix.lower()])


def archived_path(archive_dir: Path, sha256: str) -> Path:
    """Where the file with this SHA-256 is (or would be) archived."""
    if not _HEX.fullmatch(sha256 or ""):
        raise RecordsError(f"{sha256!r} is not a SHA-256 of an archived file.")
    return archive_dir / sha256[:2] / sha256[2:]


def archive_outputs(
    folder: Path, relative_paths: list[str], archive_dir: Path, max_bytes: int
) -> list[dict[str, Any]]:
    """Hash each file (relative to `folder`) and archive those of at most `max_bytes`; returns
    their descriptions: path, size, sha256, modification time and whether it was archived."""
    described = []
    for relative in relative_paths:
        path = folder / relative
        try:
            info = path.stat()
            archive = 0 < max_bytes and info.st_size <= max_bytes
            digest = _hash_and_copy(path, archive_dir if archive else None)
        except OSError:
            continue  # removed before we could read it: not an output any more
        described.append(
            {
                "path": relative,
                "size": info.st_size,
                "sha256": digest,
                "mtime_ns": info.st_mtime_ns,
                "archived": archive,
            }
        )
    return described


def _hash_and_copy(path: Path, archive_dir: Path | None) -> str:
    """The file's SHA-256, reading it once; with `archive_dir`, a copy is kept under it."""
    digest = hashlib.sha256()
    if archive_dir is None:
        with open(path, "rb") as source:
            for block in iter(lambda: source.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    archive_dir.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=".incoming-", dir=archive_dir)
    try:
        with open(path, "rb") as source, os.fdopen(descriptor, "wb") as copy:
            for block in iter(lambda: source.read(1 << 20), b""):
                digest.update(block)
                copy.write(block)
        sha256 = digest.hexdigest()
        final = archived_path(archive_dir, sha256)
        if final.exists():
            return sha256  # the same content is archived already (another run, or this one)
        final.parent.mkdir(exist_ok=True)
        os.chmod(temporary, 0o444)
        os.replace(temporary, final)  # atomic: concurrent runs archiving one file both succeed
        return sha256
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def output_state(record: dict[str, Any], output: dict[str, Any]) -> dict[str, Any]:
    """Where a record's output can be read and whether the file on disk still matches:
    {"archived": Path or None, "on_disk": Path, "disk": "same" | "changed" | "missing"}."""
    details = record.get("details") or {}
    output_dir = Path(details.get("output_dir") or ".")
    on_disk = output_dir / output["path"]
    archived = None
    if details.get("archive_dir") and output.get("archived"):
        candidate = archived_path(Path(details["archive_dir"]), output["sha256"])
        archived = candidate if candidate.is_file() else None
    try:
        # A record (from a shared store) names its files: never one outside its output folder.
        if not on_disk.resolve().is_relative_to(output_dir.resolve()):
            raise OSError(f"{output['path']!r} is not inside the output folder")
        info = on_disk.stat()
    except OSError:
        disk = "missing"
    else:
        unchanged = info.st_size == output["size"] and info.st_mtime_ns == output.get("mtime_ns")
        if unchanged:
            disk = "same"
        elif info.st_size != output["size"]:
            disk = "changed"
        else:  # same size, touched since: only the content can tell
            from axonal.records.files import sha256_file

            disk = "same" if sha256_file(on_disk) == output["sha256"] else "changed"
    return {"archived": archived, "on_disk": on_disk, "disk": disk}


def readable_copy(record: dict[str, Any], output: dict[str, Any]) -> Path | None:
    """The record's own copy of an output: the archived one, else the file on disk when it
    still holds what the run wrote; None when neither exists."""
    state = output_state(record, output)
    if state["archived"] is not None:
        return state["archived"]
    return state["on_disk"] if state["disk"] == "same" else None


def find_output(record: dict[str, Any], relative: str) -> dict[str, Any] | None:
    """The record's output entry for the relative path `relative`, or None."""
    for output in (record.get("details") or {}).get("outputs") or []:
        if output["path"] == relative:
            return output
    return None
