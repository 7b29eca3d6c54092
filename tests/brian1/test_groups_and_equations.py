"""NeuronGroup, Equations, thresholds, resets, refractoriness and the input groups of the
Brian 1 layer, against Brian 1.4's behaviour (its source, brian/threshold.py, reset.py,
equations.py, and its manual)."""

import numpy as np
import pytest

from axonal.brian1 import *


def one_step_neurons(values, threshold=-50 * mV, reset=-60 * mV, **kwargs):
    """Neurons whose v does not change by itself (dv/dt = 0): what a step does is the threshold
    and the reset alone."""
    G = NeuronGroup(
        len(values), "dv/dt = 0*volt/second : volt", threshold=threshold, reset=reset, **kwargs
    )
    G.v = values
    return G


def test_a_value_threshold_fires_strictly_above_it_and_the_reset_sets_the_value():
    """Brian 1's Threshold: ``(P.state_(state) > threshold).nonzero()`` (threshold.py);
    NeuronGroup(threshold=-50*mV, reset=-60*mV) acts on v."""
    G = one_step_neurons([-51, -50, -49.999, -40] * mV)
    M = SpikeMonitor(G)
    run(0.1 * ms)
    assert sorted(M.i.tolist()) == [2, 3]  # -50 mV exactly is not above -50 mV
    assert np.allclose(np.asarray(G.v), [-0.051, -0.05, -0.06, -0.06])
    assert all(t == 0.0 for _, t in M.spikes)


def test_threshold_and_reset_act_on_v_even_when_it_is_not_written_first():
    """Brian 1 moved the variable named v, V, vm or Vm to state 0 (Equations.set_diffeq_order);
    otherwise state 0 is the first differential equation."""
    eqs = """dw/dt = 0*volt/second : volt
             dV/dt = 0*volt/second : volt"""
    G = NeuronGroup(2, eqs, threshold=1 * mV, reset=0 * mV)
    G.V = [2, 0] * mV
    G.w = [0, 2] * mV
    M = SpikeMonitor(G)
    run(0.1 * ms)
    assert M.i.tolist() == [0] and float(G.V[0]) == 0 and float(G.w[1]) == pytest.approx(2e-3)
    H = NeuronGroup(1, "dx/dt = 0/second : 1\ndy/dt = 0/second : 1", threshold=0.5, reset=0)
    H.y = 1
    run(0.1 * ms)
    assert float(H.y[0]) == 1  # the first equation (x) is the one checked


def test_string_threshold_and_reset_and_brian1_classes():
    eqs = "dv/dt = 0*volt/second : volt\nvt : volt\nvr : volt"
    G = NeuronGroup(3, eqs, threshold="v > vt", reset="v = vr; vt += 1*mV")
    G.v = [1, 2, 3] * mV
    G.vt = 1.5 * mV
    G.vr = -1 * mV
    run(0.1 * ms)
    assert np.allclose(np.asarray(G.v), [1e-3, -1e-3, -1e-3])
    assert np.allclose(np.asarray(G.vt), [1.5e-3, 2.5e-3, 2.5e-3])
    H = NeuronGroup(2, eqs, threshold=VariableThreshold("vt", "v"), reset=VariableReset("vr", "v"))
    H.v, H.vt, H.vr = [1, 3] * mV, 2 * mV, [5, 7] * mV
    run(0.1 * ms)
    assert np.allclose(np.asarray(H.v), [1e-3, 7e-3])
    K = NeuronGroup(2, eqs, threshold=Threshold(2 * mV, state="v"), reset=Reset(0 * mV, state=0))
    K.v = [2, 2.5] * mV
    run(0.1 * ms)
    assert np.allclose(np.asarray(K.v), [2e-3, 0])


def test_function_threshold_and_reset_are_called_as_brian1_called_them():
    calls = []

    def crossed(v, w):  # FunThreshold: all state variables, in order
        return (v > 1 * mV) & (w > 0 * mV)

    def reset_function(P, spikes):  # FunReset: the group and the indices that spiked
        calls.append(list(spikes))
        P.v[spikes] = -5 * mV

    eqs = "dv/dt = 0*volt/second : volt\ndw/dt = 0*volt/second : volt"
    G = NeuronGroup(3, eqs, threshold=crossed, reset=reset_function)
    G.v = [2, 2, 0] * mV
    G.w = [1, -1, 1] * mV
    M = SpikeMonitor(G)
    run(0.2 * ms)
    assert M.i.tolist() == [0] and calls == [[0]]
    assert np.allclose(np.asarray(G.v), [-5e-3, 2e-3, 0])
    S = NeuronGroup(2, eqs, threshold=SimpleFunThreshold(lambda w: w > 0 * mV, state="w"))
    S.w = [1, -1] * mV
    N = SpikeMonitor(S)
    run(0.1 * ms)
    assert N.i.tolist() == [0]


def test_refractoriness_holds_v_at_the_reset_value_and_blocks_spikes():
    """Brian 1's Refractoriness: after a spike v stays at the reset value for the refractory
    period, whatever the input, and the neuron cannot fire."""
    eqs = "dv/dt = (20*mV - v)/(5*ms) : volt"  # would fire every ~3.5 ms without refractoriness
    G = NeuronGroup(1, eqs, threshold=10 * mV, reset=0 * mV, refractory=5 * ms)
    M = SpikeMonitor(G)
    trace = StateMonitor(G, "v", record=0)
    run(30 * ms)
    times = np.asarray(M[0])
    free_run = 5e-3 * np.log(2)  # from 0 to 10 mV towards 20 mV with tau = 5 ms
    assert np.allclose(np.diff(times), 5e-3 + free_run, atol=2e-4)
    after_first = (trace.times_ > times[0]) & (trace.times_ < times[0] + 4.9e-3)
    assert np.all(np.asarray(trace[0])[after_first] == 0)


def test_subgroup_hands_out_consecutive_neurons_and_refuses_too_many():
    P = NeuronGroup(10, "dv/dt = 0*volt/second : volt")
    P.v = np.arange(10) * mV
    first, second_ = P.subgroup(6), P.subgroup(4)
    assert np.allclose(np.asarray(second_.v), np.arange(6, 10) * 1e-3)
    assert len(first) == 6
    with pytest.raises(ValueError, match="subgroup\\(1\\)"):
        P.subgroup(1)


def test_brian1_equations_aliases_scaled_units_and_substitutions():
    eqs = Equations(
        """dV/dt = (-V + V0 + a*sin(b*t))/tau : mV   # Brian 1 allowed a scaled unit
        w = V*V : volt2
        u = V
        V0 : volt""",
        tau=10 * ms,
        a=1 * mV,
        b=2 * Hz,
    )
    G = NeuronGroup(2, eqs)
    G.V0 = 5 * mV
    run(20 * ms)
    assert np.allclose(np.asarray(G.u[:]), np.asarray(G.V))
    assert np.allclose(np.asarray(G.w[:]), np.asarray(G.V) ** 2)
    assert float(G.V[0]) > 4e-3  # relaxed towards V0 with the tau given to Equations
    renamed = Equations("dx/dt = -x/(5*ms) : 1", x="y") + "z : 1"
    assert str(renamed) == "dy/dt = -y/(5*ms) : 1\nz : 1"
    with pytest.raises(NotImplementedError, match="flag.*unless refractory.*from axonal"):
        NeuronGroup(1, "dv/dt = -v/ms : volt (unless refractory)")


def test_init_values_in_brian1_state_order_and_reinit():
    G = NeuronGroup(
        2, "dge/dt = -ge/(5*ms) : volt\ndv/dt = 0*volt/second : volt", init=(1 * mV, 2 * mV)
    )
    assert float(G.v[0]) == pytest.approx(1e-3) and float(G.ge[0]) == pytest.approx(2e-3)
    G.v = 7 * mV
    M = StateMonitor(G, "v", record=True)
    run(1 * ms)
    reinit()
    assert float(G.v[0]) == pytest.approx(1e-3) and len(M.times) == 0
    run(1 * ms)
    assert float(M.times[0]) == 0  # time starts again at 0


def test_poisson_groups_with_a_rate_and_a_rate_function():
    P = PoissonGroup(1000, rates=50 * Hz)
    Q = PoissonGroup(1000, rates=lambda t: (t < 100 * ms) * 100 * Hz)
    MP, MQ = SpikeMonitor(P), SpikeMonitor(Q)
    run(200 * ms)
    assert abs(MP.nspikes - 10000) < 5 * np.sqrt(10000)
    assert abs(MQ.nspikes - 10000) < 5 * np.sqrt(10000)
    assert np.all(MQ.t_ < 0.1)


def test_spike_generators_emit_the_given_pairs_and_sequences():
    G = SpikeGeneratorGroup(3, [(0, 1 * ms), (2, 1.5 * ms), (0, 4 * ms)])
    H = MultipleSpikeGeneratorGroup([[1 * ms, 3 * ms], [], [2 * ms]])
    MG, MH = SpikeMonitor(G), SpikeMonitor(H)
    run(5 * ms)
    assert sorted(MG.spikes) == [
        (0, pytest.approx(1e-3)),
        (0, pytest.approx(4e-3)),
        (2, pytest.approx(1.5e-3)),
    ]
    assert MH.nspikes == 3 and np.allclose(np.asarray(MH[0]), [1e-3, 3e-3])


def test_timed_array_in_equations_and_assigned_to_a_variable():
    drive = TimedArray([0, 1, 2, 3] * mV, dt=1 * ms)
    G = NeuronGroup(1, "dv/dt = (I - v)/(0.01*ms) : volt\nI : volt")
    G.I = drive  # Brian 1: the variable follows the array
    H = NeuronGroup(1, "v = drive(t) : volt")
    M = StateMonitor(G, "I", record=0)
    run(4 * ms)
    assert np.allclose(np.asarray(M[0])[::10], [0, 1e-3, 2e-3, 3e-3])
    assert float(H.v[0]) == pytest.approx(3e-3)


def test_unsupported_brian1_names_say_what_to_write_in_axonal():
    with pytest.raises(
        NotImplementedError, match="Brian 1's short-term plasticity class STP.*Synapses"
    ):
        STP()
    with pytest.raises(NotImplementedError, match="update='multiplicative'"):
        G = NeuronGroup(1, "dv/dt = 0*volt/second : volt", threshold=1 * mV)
        ExponentialSTDP(
            Connection(G, G, "v"), 10 * ms, 10 * ms, 1 * mV, -1 * mV, update="multiplicative"
        )
    with pytest.raises(NotImplementedError, match="SpikeMonitor\\(function=...\\)"):
        SpikeMonitor(NeuronGroup(1, "x : 1"), function=print)


def test_empirical_and_poisson_thresholds():
    """EmpiricalThreshold: no reset, no new spike within its refractory period while v stays
    above; PoissonThreshold: a spike with probability rate*dt, the rate a state variable."""
    G = NeuronGroup(
        1, "dv/dt = 0*volt/second : volt", threshold=EmpiricalThreshold(1 * mV, refractory=2 * ms)
    )
    G.v = 5 * mV
    M = SpikeMonitor(G)
    P = NeuronGroup(2000, "rate : Hz", threshold=PoissonThreshold(state="rate"))
    P.rate = 100 * Hz
    N = SpikeMonitor(P)
    run(10 * ms)
    assert np.allclose(np.diff(np.asarray(M[0])), 2e-3) and float(G.v[0]) == pytest.approx(5e-3)
    assert abs(N.nspikes - 2000) < 5 * np.sqrt(2000)


def test_state_given_by_index_and_spike_generator_from_a_function():
    G = SpikeGeneratorGroup(2, lambda: [(1, 1 * ms)])
    H = NeuronGroup(2, "dge/dt = 0*volt/second : volt\ndv/dt = 0*volt/second : volt")
    C = Connection(G, H, 1, weight=2 * mV)  # state 1 in Brian 1's order: ge (v is state 0)
    run(2 * ms)
    assert np.allclose(np.asarray(H.ge), [2e-3, 2e-3]) and np.allclose(np.asarray(H.v), 0)
    assert H.get_var_index("v") == 0


def test_bad_brian1_equations_are_refused_with_the_line():
    with pytest.raises(ValueError, match="alias 'u = w'.*'w' is not a variable"):
        NeuronGroup(1, "dv/dt = -v/ms : volt\nu = w")
    with pytest.raises(ValueError, match="cannot read the unit 'furlong'"):
        NeuronGroup(1, "dv/dt = -v/ms : furlong")
    with pytest.raises(ValueError, match="none of 'dx/dt"):
        NeuronGroup(1, "dv/dt -v/ms")
