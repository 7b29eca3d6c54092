"""The Vogels-Abbott E/I network (COBA) written once in PyNN, summarised by four statistics.

The one source of the model (build_ei) for benchmarks/pynn_coba.py (the speed benchmark),
values_pynn_ei.py (realisations on pyNN.nest) and tests/pynn/test_ei_network.py (the same on
axonal.pynn): 4000 IF_cond_exp cells, 80 % excitatory, p = 0.02, we = 6 nS, wi = 67 nS,
delays 0.1 ms, dt = 0.1 ms, random initial v (here conductances at 0); one realisation = one
NumpyRNG seed (connectivity and initial values).
Statistics over SETTLED..DURATION ms: the mean rates of the excitatory and the inhibitory
cells, the mean coefficient of variation of the inter-spike intervals (cells with 3 spikes or
more), and the Fano factor of the network's spike count in 5 ms bins (its synchrony).
"""

from __future__ import annotations

import numpy as np

N, P, DELAY = 4000, 0.02, 0.1  # cells, connection probability, delay (ms)
W_EXC, W_INH = 0.006, 0.067  # uS
DURATION, SETTLED = 500.0, 100.0
CELL = dict(
    cm=0.2,
    tau_m=20.0,
    v_rest=-60.0,
    v_thresh=-50.0,
    v_reset=-60.0,
    tau_refrac=5.0,
    e_rev_E=0.0,
    e_rev_I=-80.0,
    tau_syn_E=5.0,
    tau_syn_I=10.0,
    i_offset=0.0,
)
STATISTICS = ("rate_exc_hz", "rate_inh_hz", "cv_isi", "fano_5ms")


def build_ei(sim, n: int, rng, initial_conductances: bool = False):
    """The network in ``sim`` (after setup): (the Population recording spikes, n_exc).

    Initial v ~ N(-65, 5) mV; with ``initial_conductances`` also gsyn_exc ~ N(0.04, 0.015) and
    gsyn_inh ~ N(0.2, 0.12) uS, as Brian 2's COBA example (the benchmark's choice). Beware:
    pyNN.nest 0.13 hands NEST initial conductances in uS where NEST takes nS (an initial
    gsyn_inh of 0.1 uS becomes 0.1 nS, measured), so on pyNN.nest they start 1000x smaller.
    """
    from pyNN.random import RandomDistribution

    n_exc = int(0.8 * n)
    cells = sim.Population(n, sim.IF_cond_exp(**CELL), label="cells")
    initial = {"v": RandomDistribution("normal", (-65.0, 5.0), rng=rng)}
    if initial_conductances:
        initial["gsyn_exc"] = RandomDistribution("normal", (0.04, 0.015), rng=rng)
        initial["gsyn_inh"] = RandomDistribution("normal", (0.2, 0.12), rng=rng)
    cells.initialize(**initial)
    connector = sim.FixedProbabilityConnector(P, allow_self_connections=False, rng=rng)
    for part, weight, receptor in (
        (cells[:n_exc], W_EXC, "excitatory"),
        (cells[n_exc:], W_INH, "inhibitory"),
    ):
        sim.Projection(
            part,
            cells,
            connector,
            sim.StaticSynapse(weight=weight, delay=DELAY),
            receptor_type=receptor,
        )
    cells.record("spikes")
    return cells, n_exc


def run_ei(sim, seed: int, **setup_extra) -> dict:
    """One realisation (conductances start at 0: see build_ei), summarised."""
    from pyNN.random import NumpyRNG

    sim.setup(timestep=0.1, min_delay=DELAY, max_delay=DELAY, **setup_extra)
    cells, n_exc = build_ei(sim, N, NumpyRNG(seed=seed))
    sim.run(DURATION)
    trains = [np.asarray(t) for t in cells.get_data().segments[0].spiketrains]
    sim.end()
    return summarise(trains, n_exc)


def summarise(trains: list[np.ndarray], n_exc: int) -> dict:
    window = (DURATION - SETTLED) / 1000.0
    kept = [t[t >= SETTLED] for t in trains]
    counts = np.array([t.size for t in kept])
    cvs = [np.std(np.diff(t)) / np.mean(np.diff(t)) for t in kept if t.size >= 3]
    every = np.concatenate(kept)
    binned = np.histogram(every, np.arange(SETTLED, DURATION + 1e-9, 5.0))[0]
    return {
        "rate_exc_hz": float(counts[:n_exc].mean() / window),
        "rate_inh_hz": float(counts[n_exc:].mean() / window),
        "cv_isi": float(np.mean(cvs)),
        "fano_5ms": float(binned.var() / binned.mean()),
    }
