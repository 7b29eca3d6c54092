"""Clocks, the schedule of a time step, Network, run, store and restore."""

from axonal.network.base import start_scope
from axonal.network.clock import Clock, defaultclock
from axonal.network.invalid_values import InvalidValuesError, InvalidValuesWarning
from axonal.network.magic import magic_network, restore, run, store
from axonal.network.network import Network, collect, run_summaries, stop
from axonal.network.operation import NetworkOperation, network_operation
from axonal.network.random import seed

__all__ = [
    "Clock",
    "defaultclock",
    "Network",
    "NetworkOperation",
    "network_operation",
    "run",
    "store",
    "restore",
    "start_scope",
    "magic_network",
    "stop",
    "collect",
    "seed",
    "InvalidValuesError",
    "InvalidValuesWarning",
]

# Not in the user's namespace, but part of the room's API (used by axonal.records).
run_summaries = run_summaries
