"""Copies of a run's stdout and stderr, taken from the script's pipes while still printing."""

from __future__ import annotations

import threading
from typing import BinaryIO

# Longest stream kept in a record: the first and the last half of this many bytes.
MAX_STREAM_BYTES = 1_000_000


class StreamTee:
    """Copies everything read from `source` to `sink` as it comes, and keeps it for the record."""

    def __init__(self, source: BinaryIO, sink: BinaryIO):
        self._source = source
        self._sink = sink
        self._head = bytearray()
        self._tail = bytearray()
        self._cut = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._pump, daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        read = getattr(self._source, "read1", self._source.read)
        while True:
            try:
                block = read(65536)
            except (OSError, ValueError):
                break
            if not block:
                break
            try:
                self._sink.write(block)
                self._sink.flush()
            except (OSError, ValueError):
                pass
            with self._lock:
                self._keep(block)

    def _keep(self, block: bytes) -> None:
        half = MAX_STREAM_BYTES // 2
        room = half - len(self._head)
        if room > 0:
            self._head += block[:room]
            block = block[room:]
        if block:
            self._tail += block
            if len(self._tail) > half:
                del self._tail[: len(self._tail) - half]
                self._cut = True

    def text(self, timeout: float = 10.0) -> str:
        """Everything read once the source has closed, or after `timeout` seconds what came so
        far (a background child may hold the stream open); at most the first and last half-MB."""
        self._thread.join(timeout)
        with self._lock:
            middle = b"\n[... cut: longer than a record keeps ...]\n" if self._cut else b""
            data = bytes(self._head) + middle + bytes(self._tail)
        return data.decode("utf-8", errors="replace")
