"""TimedArray: values at exact times, 2-D indexing, use in model code, Numba implementation."""

import numpy as np
import pytest

from axonal import *
from axonal.inputs.timedarray import TimedArrayError
from axonal.model.errors import EquationError


def test_values_at_exact_times_with_clipping_at_both_ends():
    stim = TimedArray([1, 2, 3, 4] * mV, dt=0.1 * ms)
    assert stim(0.3 * ms) == 4 * mV
    times = [-1, 0, 0.1, 0.15, 0.29, 0.3, 0.35, 5] * ms
    np.testing.assert_allclose(stim(times) / mV, [1, 1, 2, 2, 3, 4, 4, 4])
    np.testing.assert_allclose(stim.values / mV, [1, 2, 3, 4])
    assert stim.dt == 0.1 * ms


def test_a_time_a_rounding_error_below_a_step_belongs_to_that_step():
    stim = TimedArray(np.arange(10.0), dt=0.1 * ms)
    assert stim(3 * 0.1 * ms) == 3  # 0.30000000000000004 ms
    assert stim(0.7 * ms - 1e-12 * second) == 7
    assert stim(0.7 * ms - 0.01 * ms) == 6
    # As in Brian, times are rounded to dt/K (K = 8 here) first: within dt/16 counts as on it.
    assert stim(0.6999 * ms) == 7 and stim(0.693 * ms) == 6


def test_two_dimensional_values_are_indexed_by_time_then_column():
    stim = TimedArray([[1, 2], [3, 4], [5, 6]] * nA, dt=1 * ms)
    assert stim(1 * ms, 1) == 4 * nA
    np.testing.assert_allclose(stim(2.5 * ms, [0, 1]) / nA, [5, 6])
    with pytest.raises(TimedArrayError, match="i = 2.*2 columns"):
        stim(0 * ms, 2)
    with pytest.raises(TypeError, match="takes \\(t, i\\)"):
        stim(0 * ms)


def test_in_a_subexpression_of_a_neuron_group():
    start_scope()
    stim = TimedArray([1, 2, 3, 4] * mV, dt=0.1 * ms)
    G = NeuronGroup(1, "v = stim(t) : volt")
    monitor = StateMonitor(G, "v", record=True)
    run(1 * ms)
    np.testing.assert_allclose(monitor.v[0] / mV, [1, 2, 3, 4, 4, 4, 4, 4, 4, 4])


def test_two_dimensional_in_model_code_with_the_neuron_index():
    start_scope()
    stim2d = TimedArray([[1, 2], [3, 4], [5, 6]] * mV, dt=0.1 * ms)
    G = NeuronGroup(4, "v = stim2d(t, i % 2) : volt")
    monitor = StateMonitor(G, "v", record=True)
    run(0.2 * ms)
    np.testing.assert_allclose(monitor.v / mV, [[1, 3], [2, 4], [1, 3], [2, 4]])


def test_a_coarser_array_in_a_threshold_and_a_reset():
    start_scope()
    gate = TimedArray([0, 1, 0, 1], dt=1 * ms)
    level = TimedArray([10, 20, 30, 40] * mV, dt=1 * ms)
    G = NeuronGroup(1, "v : volt", threshold="gate(t) > 0.5", reset="v = level(t)")
    spikes = SpikeMonitor(G)
    run(4 * ms)
    # gate is open during [1, 2) ms and [3, 4) ms: 10 steps each
    assert spikes.num_spikes == 20
    assert G.v[0] == 40 * mV


def test_wrong_units_in_model_code_name_the_group_and_the_line():
    start_scope()
    stim = TimedArray([1, 2] * mV, dt=1 * ms)
    G = NeuronGroup(1, "v = stim(5) : volt", name="cell")
    with pytest.raises(
        EquationError, match="cell.*'v = stim\\(5\\) : volt'.*argument 1 in units of s,"
    ):
        run(1 * ms)
    start_scope()
    G = NeuronGroup(1, "v = stim(t) : amp", name="cell2")
    with pytest.raises(EquationError, match="cell2"):
        run(1 * ms)
    start_scope()
    G = NeuronGroup(1, "v = stim(t, i) : volt", name="cell3")
    with pytest.raises(EquationError, match="takes 1 argument"):
        run(1 * ms)
    assert G.N == 1


@pytest.mark.parametrize(
    ("values", "dt", "error", "message"),
    [
        (np.zeros((2, 2, 2)), 1 * ms, TimedArrayError, "1-D array.*3-D"),
        (np.zeros(0), 1 * ms, TimedArrayError, "must not be empty"),
        (np.array(["a", "b"]), 1 * ms, TimedArrayError, "must be numbers"),
        ([1, 2], 1, DimensionMismatchError, "dt of TimedArray"),
        ([1, 2], -1 * ms, TimedArrayError, "dt must be positive"),
    ],
)
def test_bad_definitions_are_refused(values, dt, error, message):
    with pytest.raises(error, match=message):
        TimedArray(values, dt=dt)


def test_calling_with_a_number_instead_of_a_time_is_refused():
    stim = TimedArray([1, 2], dt=1 * ms)
    with pytest.raises(DimensionMismatchError, match="time given to"):
        stim(1)


def test_numba_implementation_agrees_with_numpy():
    numba = pytest.importorskip("numba")
    rng = np.random.default_rng(3)
    one = TimedArray(rng.normal(size=50) * mV, dt=0.3 * ms)
    two = TimedArray(rng.normal(size=(50, 3)), dt=0.3 * ms)
    times = np.concatenate([[-1e-3, 0, 0.3e-3, 0.9e-3 - 1e-15, 1.0], rng.uniform(0, 0.02, 50)])
    compiled_one = numba.njit(one.numba_function())
    compiled_two = numba.njit(two.numba_function())
    numpy_one, numpy_two = one.numpy_function(), two.numpy_function()
    for t in times:
        assert compiled_one(t) == numpy_one(t)
        for column in range(3):
            assert compiled_two(t, column) == numpy_two(t, column)
    with pytest.raises(IndexError):
        compiled_two(0.0, 3)


def test_arrays_with_other_values_give_other_compiled_code():
    # The compiled target caches kernels by the code of the functions they call.
    first = TimedArray([1, 2] * mV, dt=1 * ms).numba_function()
    same = TimedArray([1, 2] * mV, dt=1 * ms).numba_function()
    other = TimedArray([1, 3] * mV, dt=1 * ms).numba_function()
    assert first.__code__.co_consts == same.__code__.co_consts
    assert first.__code__.co_consts != other.__code__.co_consts
    assert (first(1.5e-3), other(1.5e-3)) == (0.002, 0.003)


def test_locally_constant_when_the_step_divides_the_arrays_step():
    stim = TimedArray([1, 2], dt=1 * ms)
    assert stim.is_locally_constant(1e-4) and stim.is_locally_constant(1e-3)
    assert not stim.is_locally_constant(0.3e-3) and not stim.is_locally_constant(2e-3)


def test_a_step_input_in_a_differential_equation_euler():
    start_scope()
    stim = TimedArray([0, 1], dt=1 * ms)  # a step from 0 to 1 at t = 1 ms
    tau = 2 * ms
    G = NeuronGroup(1, "dv/dt = (stim(t) - v) / tau : 1", method="euler")
    run(5 * ms)
    # Euler: v(k+1) = v(k) + dt/tau * (stim(k*dt) - v(k)); the input is on from step 10.
    assert G.v[0] == pytest.approx(1 - (1 - 0.1 / 2) ** 40, rel=1e-12)
    # ... which is the analytic response 1 - exp(-(t - 1 ms)/tau) up to Euler's error.
    assert G.v[0] == pytest.approx(1 - np.exp(-2), abs=0.01)


def test_a_step_input_per_neuron_in_a_differential_equation_exact():
    start_scope()
    # Neuron i sees a step of height i + 1 at t = 1 ms.
    stim = TimedArray([[0, 0, 0], [1, 2, 3]], dt=1 * ms)
    tau = 2 * ms
    # The input is constant within each step (Brian's flag says so), so exact integration applies.
    model = """
    dv/dt = (I - v) / tau : 1
    I = stim(t, i) : 1 (constant over dt)
    """
    G = NeuronGroup(3, model, method="exact")
    monitor = StateMonitor(G, "v", record=True)
    run(5 * ms)
    response = 1 - np.exp(-(np.asarray(monitor.t_)[10:] - 1e-3) / 2e-3)
    for i in range(3):
        np.testing.assert_allclose(monitor.v[i][10:], (i + 1) * response, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(monitor.v[i][:11], 0, atol=1e-12)
