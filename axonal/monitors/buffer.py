"""A growable array that monitors append to on each step, doubling when full."""

from __future__ import annotations

import numpy as np


class GrowingArray:
    """Rows appended at the end; ``data`` is a view of what was appended so far."""

    def __init__(self, dtype, row_shape: tuple[int, ...] = (), capacity: int = 1024):
        self._array = np.empty((capacity, *row_shape), dtype=dtype)
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def _reserve(self, extra: int) -> None:
        needed = self._size + extra
        if needed > len(self._array):
            capacity = max(needed, 2 * len(self._array))
            grown = np.empty((capacity, *self._array.shape[1:]), dtype=self._array.dtype)
            grown[: self._size] = self._array[: self._size]
            self._array = grown

    def append(self, row) -> None:
        self._reserve(1)
        self._array[self._size] = row
        self._size += 1

    def extend(self, rows) -> None:
        rows = np.asarray(rows)
        self._reserve(len(rows))
        self._array[self._size : self._size + len(rows)] = rows
        self._size += len(rows)

    @property
    def data(self) -> np.ndarray:
        return self._array[: self._size]

    def resize(self, size: int) -> None:
        """Keep only the first ``size`` rows (used by restore)."""
        self._size = min(size, self._size)

    def __deepcopy__(self, memo):
        copied = GrowingArray(self._array.dtype, self._array.shape[1:], max(1, self._size))
        copied.extend(self.data)
        return copied

    def replace(self, data) -> None:
        self._size = 0
        self.extend(data)
