"""SpikeSourceInhGamma: an inhomogeneous gamma renewal process, drawn step by step before a run.

Between the times ``tbins`` the process has the gamma shape ``a`` and scale ``b`` (seconds) of
that bin; a cell's chance to fire in a step is the gamma hazard over the step for the time since
its last spike, under the parameters of the step (Muller et al. 2007, the process their thinning
method draws): 1 - S(age + dt)/S(age) with S the gamma survival function, exact for any real
shape on the time grid. The spikes of each run are drawn before it (one NumPy call per step for
all cells, numbers from ``np.random``, which ``axonal.seed`` seeds) and given to a
SpikeGeneratorGroup; the time since each cell's last spike carries over to the next run.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaincc

SEQUENCES = ("a", "b", "tbins")
SCALARS = ("start", "duration")


class InhGammaTrains:
    """The parameters of every cell and the time since its last spike."""

    def __init__(self, size: int):
        self.size = size
        self.sequences = {name: [np.array([1.0])] * size for name in SEQUENCES}
        self.sequences["tbins"] = [np.array([0.0])] * size
        self.scalars = {"start": np.zeros(size), "duration": np.full(size, 1e10)}
        self.forget()

    def forget(self) -> None:
        """Back to time 0: no cell has fired yet (its first interval starts at ``start``)."""
        self.last_step = np.full(self.size, -1, dtype=np.int64)
        self.budget = np.log(np.random.random_sample(self.size))

    def check(self, label: str) -> None:
        for cell in range(self.size):
            a, b, bins = (self.sequences[name][cell] for name in SEQUENCES)
            if not (a.size == b.size == bins.size) or a.size == 0:
                raise ValueError(
                    f"{label}: cell {cell} of SpikeSourceInhGamma needs a, b and tbins of the "
                    f"same length (one value per time bin), got {a.size}, {b.size}, {bins.size}"
                )
            if np.any(a <= 0) or np.any(b <= 0):
                raise ValueError(
                    f"{label}: cell {cell} of SpikeSourceInhGamma needs positive a and b"
                )
            if bins.size > 1 and np.any(np.diff(bins) <= 0):
                raise ValueError(f"{label}: tbins of cell {cell} must increase")

    def _parameters(self, steps: np.ndarray, dt: float) -> tuple[np.ndarray, np.ndarray]:
        """Shape a and scale b (ms) in the bin each step starts in; ``steps``: a row a cell.

        Cells with the same sequences (the usual case) are looked up together."""
        a, b = np.empty(steps.shape), np.empty(steps.shape)
        kinds: dict[bytes, list[int]] = {}
        for cell in range(self.size):
            key = b"|".join(self.sequences[name][cell].tobytes() for name in SEQUENCES)
            kinds.setdefault(key, []).append(cell)
        for members in kinds.values():
            first = members[0]
            bins = self.sequences["tbins"][first]
            where = np.searchsorted(bins, steps[members] * dt + 1e-9 * dt, side="right") - 1
            where = np.maximum(where, 0)
            a[members] = self.sequences["a"][first][where]
            b[members] = self.sequences["b"][first][where] * 1e3  # s -> ms
        return a, b

    def draw(self, first_step: int, last_step: int, dt: float) -> tuple[np.ndarray, np.ndarray]:
        """(cell indices, step numbers) of the spikes emitted in steps [first, last).

        Each cell's next spike is the first step where the probability of no spike since its
        last one, the product of the steps' survival ratios, falls below a uniform number
        drawn after the last spike (``budget``, its logarithm; what is left of it carries over
        to the next run). The ratios are computed for a window of steps of all cells at once.
        """
        start = self.scalars["start"]
        stop = start + self.scalars["duration"]
        first_active = np.ceil(start / dt - 1e-9).astype(np.int64)
        position = np.full(self.size, first_step, dtype=np.int64)
        cells, fired = [], []
        window = 256
        while True:
            going = np.flatnonzero(position < last_step)
            if going.size == 0:
                break
            steps = position[:, None] + np.arange(window)[None, :]
            since = np.where(self.last_step >= 0, self.last_step + 1, first_active)
            active = (
                (steps >= first_active[:, None])
                & (steps * dt < stop[:, None] - 1e-9)
                & (steps < last_step)
            )
            age_steps = np.maximum(steps - since[:, None], 0)
            age = age_steps * dt
            a, b = self._parameters(steps, dt)
            survived = gammaincc(a, age / b)
            # S(age + dt) under a step's parameters is the next step's S(age) where the two
            # steps share their parameters and the age runs on: computed only elsewhere
            later = np.empty_like(survived)
            later[:, :-1] = survived[:, 1:]
            fresh = np.ones(survived.shape, bool)
            fresh[:, :-1] = (
                (a[:, 1:] != a[:, :-1])
                | (b[:, 1:] != b[:, :-1])
                | (age_steps[:, 1:] != age_steps[:, :-1] + 1)
            )
            later[fresh] = gammaincc(a[fresh], (age_steps[fresh] + 1) * dt / b[fresh])
            with np.errstate(divide="ignore", invalid="ignore"):
                log_ratio = np.log(later) - np.log(survived)
            # far in the tail S underflows; there the hazard has reached its limit 1/b
            tail = survived < 1e-250
            log_ratio[tail] = -dt / b[tail]
            log_ratio[~active] = 0.0
            spent = np.cumsum(log_ratio, axis=1)
            below = spent < self.budget[:, None]
            hit = below.any(axis=1) & (position < last_step)
            for cell in np.flatnonzero(hit):
                step = int(steps[cell, np.argmax(below[cell])])
                cells.append(cell)
                fired.append(step)
                self.last_step[cell] = step
                position[cell] = step + 1
                self.budget[cell] = np.log(np.random.random_sample())
            missed = ~hit & (position < last_step)
            self.budget[missed] -= spent[missed, -1]
            position[missed] = np.minimum(position[missed] + window, last_step)
        return np.asarray(cells, np.int64), np.asarray(fired, np.int64)
