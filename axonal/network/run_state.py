"""The run state between runs: an object's arrays (a monitor's buffers) kept where the run put them.

During a run both runners keep their buffers in one state mapping (``RunContext.state``): a
monitor's recordings, grown by replacing the array under its key. The object does not copy
them out when the run ends: it keeps reading them through that mapping (``RunShare``), during
the run (a live view, a network_operation) as after it, and the next run's state takes the
same arrays under the same keys. So there is one copy of a recording, wherever the run is.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

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
