"""Functions Brian 2 scripts use: timestep(t, dt), the 'linear' method, GSL names refused."""

import numpy as np
import pytest

from axonal import NeuronGroup, StateMonitor, ms, run, start_scope
from axonal.core.functions import timestep
from axonal.integrate.system import IntegrationError

# Brian 2.9.0's timestep() of these times (ms) with dt = 0.1 ms, computed with Brian 2.
TIMES_MS = [0, 0.09999999, 0.1, 0.2999999999, 0.35, 1.0, 12.34]
BRIAN2_STEPS = [0, 1, 1, 3, 3, 10, 123]


def test_timestep_in_python_matches_brian2():
    assert [int(timestep(t * ms, 0.1 * ms)) for t in TIMES_MS] == BRIAN2_STEPS
    assert list(timestep(np.array(TIMES_MS) * ms, 0.1 * ms)) == BRIAN2_STEPS


def test_timestep_in_model_code_counts_steps():
    start_scope()
    G = NeuronGroup(1, "k : integer\nm : integer")
    G.run_regularly("k = timestep(t, dt)")
    G.run_regularly("m = timestep(t, 0.5*ms)", dt=0.5 * ms)
    M = StateMonitor(G, "k", record=0)
    run(2 * ms)
    assert list(M.k[0]) == list(range(20))
    assert G.m[0] == 3  # the last run_regularly at t = 1.5 ms


def test_timestep_refuses_mixed_units():
    start_scope()
    G = NeuronGroup(1, "k : integer")
    G.run_regularly("k = timestep(t, 1)")
    with pytest.raises(Exception, match="same units"):
        run(0.1 * ms)


def test_linear_is_exact():
    results = {}
    for method in ("linear", "exact"):
        start_scope()
        G = NeuronGroup(1, "dv/dt = (2 - v) / (10*ms) : 1", method=method)
        M = StateMonitor(G, "v", record=0)
        run(5 * ms)
        results[method] = M.v[0].copy()
    np.testing.assert_array_equal(results["linear"], results["exact"])
    np.testing.assert_allclose(results["exact"][-1], 2 * (1 - np.exp(-0.49)), rtol=1e-12)


def test_gsl_method_names_get_a_clear_error():
    start_scope()
    G = NeuronGroup(1, "dv/dt = -v / ms : 1", method="gsl_rkf45")
    with pytest.raises(IntegrationError, match="GSL integrators.*'rk4'"):
        run(0.1 * ms)


def test_white_noise_in_a_subexpression_is_substituted_into_the_equation():
    # Ornstein-Uhlenbeck through a noisy input current (as Brian 2's Wang_2002 example writes
    # it): the stationary standard deviation is 1 mV * sqrt(tau / (2 tau)) = 0.707 mV.
    from axonal import mV, seed

    start_scope()
    seed(1)
    G = NeuronGroup(
        4000, "dv/dt = (-v + I*ohm)/(10*ms) : volt\nI = 1*mA*sqrt(10*ms)*xi : amp", method="euler"
    )
    run(100 * ms)
    assert abs(np.std(G.v[:] / mV) - np.sqrt(0.5)) < 0.03


def test_poissongroup_run_regularly_sets_rates():
    from axonal import Hz, PoissonGroup, SpikeMonitor, seed

    start_scope()
    seed(3)
    P = PoissonGroup(200, rates=0 * Hz)
    P.run_regularly("rates = int(t > 5*ms) * 200*Hz", dt=1 * ms)
    M = SpikeMonitor(P)
    R = StateMonitor(P, "rates", record=0)
    run(10 * ms)
    assert M.num_spikes > 0 and min(M.t) >= 6 * ms  # rates become 200 Hz at the 6 ms tick
    assert list(R.rates[0][[0, 50, 60]] / Hz) == [0, 0, 200]
    assert abs(M.num_spikes - 200 * 200 * 0.004) < 5 * np.sqrt(160)
