"""The PyNN backend's simulator state: one axonal Network, its time step, the cells' IDs."""

from __future__ import annotations

import itertools
import logging

import numpy as np
from pyNN import common

from axonal.network import Network
from axonal.units import second

name = "axonal"
logger = logging.getLogger("PyNN")

# PyNN's time unit is the millisecond; axonal's raw times are seconds.
MS = 1e-3

_names = itertools.count()


def unique_name(kind: str) -> str:
    """An object name no other object of this process has (Network.store keys by name)."""
    return f"pynn_{kind}_{next(_names)}"


class ID(int, common.IDMixin):
    """A cell of a Population, known to PyNN by a whole number."""

    def __init__(self, n):
        int.__init__(n)
        common.IDMixin.__init__(self)


class State(common.control.BaseState):
    """Time, time step, delays and the Network the Populations and Projections are built in."""

    def __init__(self):
        common.control.BaseState.__init__(self)
        self.mpi_rank = 0
        self.num_processes = 1
        self.spike_precision = "on_grid"
        self.dt = 0.1
        self.min_delay = "auto"
        self.max_delay = "auto"
        self.network = None
        self.clear()

    # -- time --------------------------------------------------------------------------
    @property
    def t(self) -> float:
        return self.network.t_ / MS

    @property
    def dt_seconds(self) -> float:
        return self.dt * MS

    def _get_min_delay(self):
        if self._min_delay == "auto":
            # the smallest delay of the network's connections, as NEST computes it
            delays = [p._smallest_delay() for p in self.projections]
            delays = [d for d in delays if d is not None]
            return min(delays) if delays else self.dt
        return self._min_delay

    def _set_min_delay(self, delay):
        self._min_delay = delay

    min_delay = property(_get_min_delay, _set_min_delay)

    def _get_max_delay(self):
        if self._max_delay == "auto":
            return 1e12
        return self._max_delay

    def _set_max_delay(self, delay):
        self._max_delay = delay

    max_delay = property(_get_max_delay, _set_max_delay)

    # -- building ----------------------------------------------------------------------
    def add(self, *objects) -> None:
        self.network.add(*objects)

    def remove(self, *objects) -> None:
        self.network.remove(*objects)

    # -- running -----------------------------------------------------------------------
    def run(self, simtime: float) -> None:
        """Advance by ``simtime`` ms; recorders and current sources are brought up to date."""
        steps = int(round(simtime / self.dt))
        self.run_end = self.t + steps * self.dt
        for prepare in list(self.before_run_hooks):
            prepare()
        if not self.running and "initial" not in self.network._stored:
            self.network.store("initial")
        self.running = True
        if steps > 0:
            self.network.run(steps * self.dt_seconds * second, namespace={})
        # Runs end on the grid: t is a whole number of steps (PyNN compares times exactly).
        self.network.t_ = round(self.network.t_ / self.dt_seconds) * self.dt_seconds

    def run_until(self, tstop: float) -> None:
        self.run(tstop - self.t)

    def clear(self) -> None:
        """Forget the network: setup() starts a new one."""
        self.recorders = set()
        self.populations = []
        self.projections = []
        self.current_sources = []
        self.before_run_hooks = []
        self.reset_hooks = []
        self.id_counter = 0
        self.segment_counter = -1
        self.network = Network(name=unique_name("network"))
        self.running = False
        self.reset()

    def reset(self) -> None:
        """Time back to 0, state variables to their initial values; parameters are kept."""
        if "initial" in self.network._stored:
            kept = [population._parameter_arrays() for population in self.populations]
            self.network.restore("initial")
            for population, arrays in zip(self.populations, kept, strict=True):
                population._restore_parameter_arrays(arrays)
        self.network.t_ = 0.0
        for population in self.populations:
            population._reapply_initial_values()
        for hook in list(self.reset_hooks):
            hook()
        self.running = False
        self.t_start = 0
        self.segment_counter += 1


state = State()


def ids(first: int, size: int) -> np.ndarray:
    """``size`` new IDs from ``first`` on, as PyNN's object array."""
    cells = np.empty(size, dtype=object)
    cells[:] = [ID(n) for n in range(first, first + size)]
    return cells
