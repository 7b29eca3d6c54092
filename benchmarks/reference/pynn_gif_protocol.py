"""GIF_cond_exp protocols written once in PyNN: run on pyNN.nest (values_pynn_gif.py) and on
axonal.pynn (tests/pynn/test_gif.py).

- "sharp": one cell whose firing is made nearly deterministic (lambda0 = 1e10 Hz, delta_v =
  0.001 mV: it fires in the step v crosses v_t - 0.014 mV), under a current step: spike times
  and the traces of v, i_eta and v_t compare step by step.
- "stochastic": CELLS cells with PyNN's default parameters under the same step: the number of
  spikes per cell in each BIN_MS bin, whose mean and variance over cells give a sampling error.
"""

from __future__ import annotations

import numpy as np

CELLS = 400
DURATION = 1000.0
ONSET = 20.0
SHARP_AMPLITUDE = 1.5  # nA: v would settle 20 mV above v_t_star without adaptation
STOCHASTIC_AMPLITUDE = 1.0  # nA: 3 mV above it, where the hazard decides
BIN_MS = 25.0
SAMPLING = 0.5


def run_sharp(sim) -> dict:
    sim.setup(timestep=0.1, min_delay=0.1)
    cell = sim.Population(1, sim.GIF_cond_exp(lambda0=1e10, delta_v=0.001))
    sim.StepCurrentSource(times=[ONSET], amplitudes=[SHARP_AMPLITUDE]).inject_into(cell)
    cell.record(["spikes", "v", "i_eta", "v_t"], sampling_interval=SAMPLING)
    sim.run(DURATION)
    segment = cell.get_data().segments[0]
    result = {"spike_times": [float(t) for t in segment.spiketrains[0].magnitude]}
    for name in ("v", "i_eta", "v_t"):
        result[name] = [round(float(x), 6) for x in segment.filter(name=name)[0].magnitude[:, 0]]
    sim.end()
    return result


def run_stochastic(sim, seed: int) -> dict:
    sim.setup(timestep=0.1, min_delay=0.1, rng_seed=seed)
    cells = sim.Population(CELLS, sim.GIF_cond_exp())
    sim.StepCurrentSource(times=[ONSET], amplitudes=[STOCHASTIC_AMPLITUDE]).inject_into(cells)
    cells.record("spikes")
    sim.run(DURATION)
    trains = cells.get_data().segments[0].spiketrains
    edges = np.arange(0.0, DURATION + BIN_MS / 2, BIN_MS)
    counts = np.array([np.histogram(np.asarray(t), edges)[0] for t in trains])
    sim.end()
    return {
        "bin_ms": BIN_MS,
        "cells": CELLS,
        "mean": [float(x) for x in counts.mean(axis=0)],
        "variance": [float(x) for x in counts.var(axis=0, ddof=1)],
        "total_mean": float(counts.sum(axis=1).mean()),
        "total_variance": float(counts.sum(axis=1).var(ddof=1)),
    }
