"""setup, run, reset, end and the state queries of the PyNN backend."""

from __future__ import annotations

import numbers

from pyNN import common
from pyNN.common.control import DEFAULT_MIN_DELAY, DEFAULT_TIMESTEP
from pyNN.recording import get_io

from axonal.network.clock import defaultclock
from axonal.network.random import seed
from axonal.pynn import simulator
from axonal.units import ms

# pyNN.nest's default seed: the same script gives the same spikes on every run.
DEFAULT_RNG_SEED = 42


def setup(timestep=DEFAULT_TIMESTEP, min_delay=DEFAULT_MIN_DELAY, **extra_params):
    """Start a new simulation: time step, minimum and maximum delay in ms.

    Extra parameters other simulators take (``t_flush``, ``threads`` ...) are accepted and
    ignored; ``target='numpy'|'numba'`` chooses axonal's code generation target.

    ``rng_seed`` seeds the random numbers drawn in the run (Poisson and gamma sources, noisy
    currents, GIF's stochastic firing): by default ``DEFAULT_RNG_SEED`` (42, pyNN.nest's
    default), so that a script gives the same result each time it runs, as on NEST;
    ``rng_seed=None`` draws a fresh seed. PyNN's own ``NumpyRNG`` (connectivity, initial
    values) has its own seed. As everywhere in axonal, seeding also seeds ``numpy.random``.
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
    rng_seed = extra_params.get("rng_seed", DEFAULT_RNG_SEED)
    if rng_seed is not None and not isinstance(rng_seed, numbers.Integral):
        raise ValueError(f"setup(): rng_seed must be a whole number or None, not {rng_seed!r}")
    seed(None if rng_seed is None else int(rng_seed))
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
