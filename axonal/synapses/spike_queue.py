"""SpikeQueue: synapses waiting for their delayed events, keyed by the step of delivery."""

from __future__ import annotations

import numpy as np


class SpikeQueue:
    """Holds, for each future step, the synapses whose event arrives then.

    Keys are absolute step numbers of the pathway's clock, so a change of the delays between
    runs, or a restore, never loses or repeats an event: what was queued is delivered at the
    step it was queued for, exactly once.
    """

    def __init__(self):
        self._pending: dict[int, list[np.ndarray]] = {}

    def push(self, step: int, synapses: np.ndarray, delay_steps: np.ndarray | int) -> None:
        """Queue ``synapses`` (fired at ``step``) for delivery ``delay_steps`` later."""
        if np.ndim(delay_steps) == 0:
            self._pending.setdefault(step + int(delay_steps), []).append(synapses)
            return
        order = np.argsort(delay_steps, kind="stable")
        delays = delay_steps[order]
        boundaries = np.flatnonzero(np.diff(delays)) + 1
        for chunk in np.split(order, boundaries):
            self._pending.setdefault(step + int(delay_steps[chunk[0]]), []).append(synapses[chunk])

    def pop(self, step: int) -> np.ndarray | None:
        """The synapses whose events arrive at ``step`` (None if there are none)."""
        arrays = self._pending.pop(step, None)
        if arrays is None:
            return None
        return arrays[0] if len(arrays) == 1 else np.concatenate(arrays)

    def __len__(self) -> int:
        return sum(len(a) for arrays in self._pending.values() for a in arrays)

    def snapshot(self) -> dict[int, list[np.ndarray]]:
        return {step: [a.copy() for a in arrays] for step, arrays in self._pending.items()}

    def restore(self, snapshot: dict[int, list[np.ndarray]]) -> None:
        self._pending = {step: [a.copy() for a in arrays] for step, arrays in snapshot.items()}
