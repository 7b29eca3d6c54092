"""The run state between runs: objects keep their arrays (monitor buffers, last events) in it.

During a run both runners keep their buffers in one state mapping (``RunContext.state``): a
monitor's recordings, grown by replacing the array under its key. The object does not copy
them out when the run ends: it keeps reading them through that mapping (``RunShare``), during
the run (a live view, a network_operation) as after it, and the next run's state takes the
same arrays under the same keys. So there is one copy of a recording, wherever the run is.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from axonal.codegen.schedule import event_keys

__all__: list[str] = []  # internal room: nothing here is part of the user's namespace


class RunShare:
    """The arrays of one object under ``keys`` in the state mapping of its latest run.

    ``join(state)`` at planning gives the new run's state the arrays (no copy) and reads them
    there from then on; ``settle()`` when a run ended keeps only the object's own entries
    (the run's other buffers may be freed).
    """

    def __init__(self, keys: Iterable[str] = ()):
        self.keys = list(keys)
        self.state: dict[str, object] = {}
        # Entries before this one are settled (see ``settle_rows``).
        self.settled = 0

    def join(self, state: dict) -> None:
        if state is self.state:
            return
        for key in self.keys:
            if key in self.state:
                state[key] = self.state[key]
        self.state = state

    def settle(self) -> None:
        self.state = {key: self.state[key] for key in self.keys if key in self.state}

    def used(self, count_key: str) -> int:
        """The entries used, from the count array under ``count_key`` (0 before any run)."""
        count = self.state.get(count_key)
        return 0 if count is None else int(count[0])

    def settle_rows(self, count_key: str, settle) -> int:
        """The entries used; ``settle(first, used)`` is called first on the entries not yet
        settled (in place: e.g. the compiled loop's times put on the monitor's clock, while
        that clock's dt is the one they were recorded with). A step undone may have taken
        settled entries back: they are settled again when recorded again."""
        used = self.used(count_key)
        first = min(self.settled, used)
        if first < used:
            settle(first, used)
        self.settled = used
        return used

    def view(self, key: str, used: int) -> np.ndarray | None:
        array = self.state.get(key)
        return None if array is None else array[:used]

    def replace(self, arrays: dict[str, np.ndarray], count_key: str, used: int) -> None:
        """Put copies of ``arrays`` (the first ``used`` entries each) under their keys, as a
        restore does; the next run appends after them."""
        state = {key: np.array(value, copy=True) for key, value in arrays.items()}
        state[count_key] = np.array([used], np.int64)
        self.state, self.settled = state, used


class LastEvents(RunShare):
    """A group's events of the last step that ran: the run state's event buffers
    (``event_keys(group, event)``: the elements, and how many), read between runs as during
    them; the next run detects into the same buffers."""

    def __init__(self, owner: str, events: Iterable[str] = ()):
        super().__init__()
        self.owner = owner
        self.names: list[str] = []
        self.declare(events)

    def declare(self, events: Iterable[str]) -> None:
        for event in events:
            if event not in self.names:
                self.names.append(event)
                self.keys.extend(event_keys(self.owner, event))

    def load(self, state: dict, events: Iterable[str], size: int) -> None:
        """Before a run: the event buffers in ``state``, at least ``size`` long, holding the
        last step's events (read by the first step before its threshold runs)."""
        self.declare(events)
        self.join(state)
        for event in events:
            buffer_key, count_key = event_keys(self.owner, event)
            if count_key not in state:
                state[count_key] = np.zeros(1, np.int64)
            buffer = state.get(buffer_key)
            if buffer is None or len(buffer) < size:
                larger = np.zeros(size, np.int64)
                if buffer is not None:
                    larger[: len(buffer)] = buffer
                state[buffer_key] = larger

    def found(self) -> dict[str, np.ndarray]:
        """The elements that had each event in the last step (copies)."""
        found = {}
        for event in self.names:
            buffer_key, count_key = event_keys(self.owner, event)
            count = self.state.get(count_key)
            if count is None:
                found[event] = np.zeros(0, np.int64)
            else:
                found[event] = self.state[buffer_key][: count[0]].copy()
        return found
