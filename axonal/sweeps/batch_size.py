"""How many runs of a sweep go in one Dask task: enough that Dask's per-task cost is small
against the task's work, few enough that the workers stay balanced to the end.

Dask handles each task (submission, scheduling, the worker's transitions, the result's trip
back) at a few milliseconds of CPU across the processes: nothing beside a run of seconds, a
third of the cost of a 40 ms run. `BatchSizes` groups short runs so that a task holds about
`TASK_SECONDS` of work, from the runs' own durations as the sweep measures them (the first
tasks hold one run each, until a run has been timed), and hands out smaller tasks as the
sweep nears its end (guided self-scheduling: at most the unsubmitted runs / (2 x the workers'
threads)), so that no worker is left with a long task while the others are idle. A run of a
second or more is a task of its own. `batch=N` fixes the size instead.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from typing import Any

# The work one task aims at (seconds of the workers' time per task, runs and their facts).
TASK_SECONDS = 1.0
# The runs timed last that the estimate of a run's duration is made from.
RECENT_RUNS = 16


def check_batch(batch: Any) -> int | None:
    """`batch` as the sweep takes it: None (or "auto") to choose, else a whole number >= 1."""
    if batch is None or (isinstance(batch, str) and batch.strip().lower() == "auto"):
        return None
    if isinstance(batch, str):
        try:
            batch = int(batch.strip())
        except ValueError:
            batch = None
    if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
        raise ValueError(
            f"sweep(batch=...): expected a whole number of runs per Dask task (1 or more) or "
            f"'auto', got {batch!r}."
        )
    return batch


class BatchSizes:
    """The size of the next task, from the runs timed so far (or the size the user fixed)."""

    def __init__(self, fixed: int | None = None):
        self.fixed = fixed
        self._recent: deque[float] = deque(maxlen=RECENT_RUNS)
        self._first_runs: deque[float] = deque(maxlen=RECENT_RUNS)

    def observe(self, seconds: float | None, first_in_its_interpreter: bool = False) -> None:
        """A run took `seconds` of its worker's time (its script, facts and reset). A new
        interpreter's first run (imports, kernels loaded or compiled) counts only while no
        other run has been timed."""
        if seconds is None or seconds < 0:
            return
        (self._first_runs if first_in_its_interpreter else self._recent).append(seconds)

    def run_seconds(self) -> float | None:
        """The median duration of the runs timed last (None before any)."""
        timed = self._recent or self._first_runs
        return statistics.median(timed) if timed else None

    def next_size(self, unsubmitted: int, threads: int) -> int:
        """How many of the `unsubmitted` runs the next task takes, for workers of `threads`
        threads in all."""
        if unsubmitted <= 0:
            return 0
        if self.fixed is not None:
            return min(self.fixed, unsubmitted)
        seconds = self.run_seconds()
        if seconds is None:
            return 1  # nothing timed yet: one run per task until one is
        by_duration = max(1, int(TASK_SECONDS / max(seconds, 1e-3)))
        for_balance = math.ceil(unsubmitted / (2 * max(1, threads)))
        return max(1, min(by_duration, for_balance, unsubmitted))
