"""setup, run, reset, end and the state queries of the PyNN backend."""

from __future__ import annotations

from pyNN import common
from pyNN.common.control import DEFAULT_MIN_DELAY, DEFAULT_TIMESTEP
from pyNN.recording import get_io

from axonal.network.clock import defaultclock
from axonal.pynn import simulator
from axonal.units import ms


def setup(timestep=DEFAULT_TIMESTEP, min_delay=DEFAULT_MIN_DELAY, **extra_params):
    """Start a new simulation: time step, minimum and maximum delay in ms.

    Extra parameters other simulators take (``t_flush``, ``threads`` ...) are accepted and
    ignored; ``target='numpy'|'numba'`` chooses axonal's code generation target.
    """
    max_delay = extra_params.get("max_delay", "auto")
    common.setup(timestep, min_delay, **extra_params)
    if "target" in extra_params:
        from axonal.codegen.targets import set_target

        set_target(extra_params["target"])
    simulator.state.clear()
    simulator.state.dt = timestep
    defaultclock.dt = timestep * ms
    simulator.state.min_delay = min_delay
    simulator.state.max_delay = max_delay
    simulator.state.spike_precision = extra_params.get("spike_precision", "on_grid")
    if extra_params.get("rng_seed") is not None:
        # the random numbers drawn in the run (rand() of Poisson sources, GIF, noise)
        from axonal.network.random import seed

        seed(int(extra_params["rng_seed"]))
    return rank()


def end(compatible_output=True):
    """Write the data asked for with record(..., to_file=...) and forget the network."""
    for population, variables, filename in simulator.state.write_on_end:
        io = get_io(filename)
        population.write_data(io, variables)
    simulator.state.write_on_end = []


run, run_until = common.build_run(simulator)
run_for = run
reset = common.build_reset(simulator)
initialize = common.initialize
(
    get_current_time,
    get_time_step,
    get_min_delay,
    get_max_delay,
    num_processes,
    rank,
) = common.build_state_queries(simulator)
