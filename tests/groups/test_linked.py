"""Linked variables: (linked) parameters that read another group's variable, on both targets."""

import numpy as np
import pytest

from axonal import *
from axonal.codegen.targets import TARGETS
from axonal.groups.group import GroupError
from axonal.groups.linked import LinkedVariableError
from axonal.network.fused import loop_function_of

LEAKY = """
dv/dt = (x - v) / tau : volt
x : volt (linked)
"""


def charging(x_volts, t):
    """v(t) of dv/dt = (x - v)/tau from v = 0 with x constant (tau = 10 ms)."""
    return np.asarray(x_volts) * (1 - np.exp(-t / 0.01))


@pytest.mark.parametrize("target", TARGETS)
def test_a_linked_input_drives_neurons_one_to_one(target):
    set_target(target)
    start_scope()
    tau = 10 * ms
    source = NeuronGroup(4, "I : volt")
    source.I = "(i + 1) * 5 * mV"
    G = NeuronGroup(4, LEAKY, method="exact", namespace={"tau": tau})
    G.x = linked_var(source, "I")
    run(20 * ms)
    np.testing.assert_allclose(G.v_, charging([0.005, 0.010, 0.015, 0.020], 0.02), rtol=1e-9)
    # The link reads the source as it is now: a new value there drives the next run.
    source.I = 0 * mV
    before = G.v_.copy()
    run(10 * ms)
    np.testing.assert_allclose(G.v_, before * np.exp(-1), rtol=1e-9)


@pytest.mark.parametrize("target", TARGETS)
def test_an_index_says_which_source_element_each_neuron_reads(target):
    set_target(target)
    start_scope()
    source = NeuronGroup(3, "I : volt")
    source.I = [10, 20, 30] * mV
    G = NeuronGroup(5, LEAKY, method="exact", namespace={"tau": 10 * ms})
    G.x = linked_var(source.I, index=[2, 0, 1, 1, 2])
    np.testing.assert_allclose(G.x / mV, [30, 10, 20, 20, 30])
    run(5 * ms)
    np.testing.assert_allclose(G.v_, charging([0.03, 0.01, 0.02, 0.02, 0.03], 0.005), rtol=1e-9)


def test_an_index_may_name_an_integer_variable_of_the_group():
    start_scope()
    source = NeuronGroup(3, "I : volt")
    source.I = [10, 20, 30] * mV
    G = NeuronGroup(4, "x : volt (linked)\nk : integer")
    G.k = [2, 2, 0, 1]
    G.x = linked_var(source, "I", index="k")
    np.testing.assert_allclose(G.x / mV, [30, 30, 10, 20])
    G.k = [0, 0, 0, 0]  # the index is read when the link is used, not copied once
    np.testing.assert_allclose(G.x / mV, [10, 10, 10, 10])


def test_one_source_element_or_a_shared_variable_feeds_every_neuron():
    start_scope()
    one = NeuronGroup(1, "I : volt")
    one.I = 7 * mV
    several = NeuronGroup(3, "I : volt\nshared_I : volt (shared)")
    several.shared_I = 4 * mV
    G = NeuronGroup(5, "x : volt (linked)\ny : volt (linked)")
    G.x = linked_var(one, "I")
    G.y = linked_var(several, "shared_I")
    np.testing.assert_allclose(G.x / mV, [7] * 5)
    np.testing.assert_allclose(G.y / mV, [4] * 5)


@pytest.mark.parametrize("target", TARGETS)
def test_a_moving_source_is_read_each_step_in_threshold_and_reset(target):
    """The ramps grow by 1 mV per step, before the target updates (order 0 and 1); v grows by
    1.5 mV per step, fires when it is 1.8 mV above the ramp it reads, and resets to it."""
    set_target(target)
    start_scope()
    source = NeuronGroup(2, "dramp/dt = 10 * volt / second : volt", method="euler", order=0)
    source.ramp = [0, -1] * mV
    G = NeuronGroup(
        2,
        "dv/dt = 15 * volt / second : volt\nramp : volt (linked)",
        threshold="v > ramp + 1.8*mV",
        reset="v = ramp",
        method="euler",
        order=1,
    )
    G.ramp = linked_var(source, "ramp", index=[1, 0])
    spikes = SpikeMonitor(G)
    run(3 * ms)
    # After step k, v - ramp = 0.5 mV * (steps since the last reset) (+ 1 mV for neuron 0,
    # whose ramp starts at -1 mV): neuron 0 fires at steps 1, 5, 9, ...; neuron 1 at 3, 7, ...
    trains = spikes.spike_trains()
    np.testing.assert_allclose(trains[0] / ms, np.arange(1, 30, 4) * 0.1, atol=1e-12)
    np.testing.assert_allclose(trains[1] / ms, np.arange(3, 30, 4) * 0.1, atol=1e-12)
    # Neuron 0 was reset to its ramp (29 mV) in the last step; neuron 1 two steps earlier.
    np.testing.assert_allclose(G.v / mV, [29, 30 + 2 * 0.5], atol=1e-9)


@pytest.mark.parametrize("target", TARGETS)
def test_a_subgroup_can_be_the_source(target):
    set_target(target)
    start_scope()
    source = NeuronGroup(6, "I : volt")
    source.I = "i * mV"
    G = NeuronGroup(3, LEAKY, method="exact", namespace={"tau": 10 * ms})
    G.x = linked_var(source[2:5], "I")
    H = NeuronGroup(2, "x : volt (linked)")
    H.x = linked_var(source[3:6], "I", index=[2, 0])
    np.testing.assert_allclose(G.x / mV, [2, 3, 4])
    np.testing.assert_allclose(H.x / mV, [5, 3])
    np.testing.assert_allclose(G[1:3].x / mV, [3, 4])  # a subgroup of the linked group
    run(5 * ms)
    np.testing.assert_allclose(G.v_, charging([0.002, 0.003, 0.004], 0.005), rtol=1e-9)


def test_a_link_to_a_linked_variable_reads_the_original():
    start_scope()
    source = NeuronGroup(4, "I : volt")
    source.I = "i * mV"
    middle = NeuronGroup(4, "x : volt (linked)")
    middle.x = linked_var(source, "I", index=[3, 2, 1, 0])
    end = NeuronGroup(2, "y : volt (linked)")
    end.y = linked_var(middle, "x", index=[0, 3])
    np.testing.assert_allclose(end.y / mV, [3, 0])


@pytest.mark.parametrize("target", TARGETS)
def test_a_group_linked_to_itself_reads_values_from_before_the_update(target):
    """Pairs pulled together: x is the partner's y, read before anyone is updated, so with
    Euler the difference within a pair shrinks by (1 - 2 dt/tau) each step."""
    set_target(target)
    start_scope()
    G = NeuronGroup(
        4,
        "dy/dt = (x - y) / (1*ms) : 1\nx : 1 (linked)",
        method="euler",
    )
    G.y = [1.0, 0.0, 5.0, 3.0]
    G.x = linked_var(G, "y", index=[1, 0, 3, 2])
    run(1 * ms)
    shrink = (1 - 2 * 0.1) ** 10
    np.testing.assert_allclose(G.y[0] - G.y[1], 1 * shrink, rtol=1e-12)
    np.testing.assert_allclose(G.y[2] - G.y[3], 2 * shrink, rtol=1e-12)
    np.testing.assert_allclose([G.y[0] + G.y[1], G.y[2] + G.y[3]], [1, 8], rtol=1e-12)


def test_links_in_a_loop_are_refused():
    start_scope()
    source = NeuronGroup(2, "I : volt")
    A = NeuronGroup(2, "x : volt (linked)", name="A")
    B = NeuronGroup(2, "y : volt (linked)", name="B")
    with pytest.raises(LinkedVariableError, match=r"in a loop: A.x -> A.x"):
        A.x = linked_var(A, "x")
    with pytest.raises(LinkedVariableError, match=r"A.x is a linked variable that is not linked"):
        B.y = linked_var(A, "x")
    A.x = linked_var(source, "I")
    B.y = linked_var(A, "x", index=[1, 0])
    with pytest.raises(LinkedVariableError, match=r"in a loop: A.x -> B.y -> A.x"):
        A.x = linked_var(B, "y")
    assert A.variables["x"].target.group is source  # the refused link changed nothing


@pytest.mark.parametrize("target", TARGETS)
def test_relinking_between_runs_points_the_variable_elsewhere(target):
    set_target(target)
    start_scope()
    a, b = NeuronGroup(2, "I : volt"), NeuronGroup(2, "I : volt")
    a.I, b.I = [1, 2] * mV, [3, 4] * mV
    G = NeuronGroup(2, "dv/dt = x / ms : volt\nx : volt (linked)", method="euler")
    G.x = linked_var(a, "I")
    net = Network(a, b, G)
    net.run(1 * ms)
    np.testing.assert_allclose(G.v / mV, [1, 2], rtol=1e-12)
    G.x = linked_var(b, "I", index=[1, 1])
    np.testing.assert_allclose(G.x / mV, [4, 4])
    net.run(1 * ms)
    np.testing.assert_allclose(G.v / mV, [5, 6], rtol=1e-12)


@pytest.mark.parametrize("target", TARGETS)
def test_a_subexpression_can_be_the_source(target):
    """Its value is computed where it is read, from the source's variables at that moment."""
    set_target(target)
    start_scope()
    scale = 2.0
    source = NeuronGroup(
        4,
        "I : volt\ngain : 1 (linked)\ndrive = scale * gain * I + i * mV : volt",
        namespace={"scale": scale},
    )
    gains = NeuronGroup(4, "g : 1")
    gains.g = [1, 2, 3, 4]
    source.gain = linked_var(gains, "g", index=[3, 2, 1, 0])
    source.I = "(i + 1) * mV"
    G = NeuronGroup(3, LEAKY, method="exact", namespace={"tau": 10 * ms})
    G.x = linked_var(source[1:4], "drive", index=[2, 0, 1])
    # drive = 2 * gain * I + i mV over the source: [8, 13, 14, 11] mV; G reads 3, 1, 2.
    np.testing.assert_allclose(G.x / mV, [11, 13, 14])
    pre = NeuronGroup(3, "", threshold="t > 0.05*ms and t < 0.15*ms")
    S = Synapses(pre, G, "w : volt", on_pre="w = x_post")
    S.connect(j="i")
    run(5 * ms)
    np.testing.assert_allclose(G.v_, charging([0.011, 0.013, 0.014], 0.005), rtol=1e-9)
    np.testing.assert_allclose(S.w / mV, [11, 13, 14])


@pytest.mark.parametrize("target", TARGETS)
def test_synapses_read_linked_variables_of_their_neurons(target):
    set_target(target)
    start_scope()
    source = NeuronGroup(6, "I : volt")
    source.I = "i * mV"
    pre = NeuronGroup(3, "x : volt (linked)", threshold="t > 0.05*ms and t < 0.15*ms")
    pre.x = linked_var(source[3:6], "I", index=[2, 1, 0])
    post = NeuronGroup(3, "total : volt\nlinked_in : volt (linked)")
    post.linked_in = linked_var(source, "I", index=[0, 1, 2])
    S = Synapses(pre, post, "w : volt", on_pre="total_post += x_pre + linked_in_post")
    S.connect(j="2 - i")
    S.w = "x_pre - linked_in"  # an unsuffixed name is the target's
    np.testing.assert_allclose(S.w / mV, [5 - 2, 4 - 1, 3 - 0])
    run(0.3 * ms)
    # One spike each at t = 0.1 ms: post 2 - k receives x_pre[k] + linked_in[2 - k].
    np.testing.assert_allclose(post.total / mV, [3 + 0, 4 + 1, 5 + 2])


def linked_ramps():
    """Ramps growing by 0.1 mV per step, read by G in the order [2, 2, 0]."""
    source = NeuronGroup(3, "dI/dt = 1 * volt / second : volt", method="euler")
    source.I = [0, 10, 20] * mV
    G = NeuronGroup(3, "x : volt (linked)", threshold="True")
    G.x = linked_var(source, "I", index=[2, 2, 0])
    return source, G


@pytest.mark.parametrize("target", TARGETS)
def test_a_state_monitor_records_what_the_link_reads(target):
    set_target(target)
    start_scope()
    source, G = linked_ramps()
    trace = StateMonitor(G, "x", record=[0, 2])
    net = Network(source, G, trace)
    net.run(0.3 * ms)
    np.testing.assert_allclose(trace.x / mV, [[20, 20.1, 20.2], [0, 0.1, 0.2]], rtol=1e-9)
    if target == "numba":
        assert len(loop_function_of(net)) == 1  # one compiled loop, monitor included


@pytest.mark.parametrize("target", TARGETS)
def test_a_spike_monitor_records_linked_values(target):
    """(An event monitor recording variables runs in the Python loop: kernel by kernel.)"""
    set_target(target)
    start_scope()
    source, G = linked_ramps()
    spikes = SpikeMonitor(G, variables="x")
    run(0.3 * ms)
    recorded = {(int(i), round(float(t / ms), 6)): float(x / mV) for i, t, x in
                zip(spikes.i, spikes.t, spikes.x, strict=True)}  # fmt: skip
    assert recorded[(1, 0.1)] == pytest.approx(20.2)
    assert recorded[(2, 0.2)] == pytest.approx(0.3)


def test_store_and_restore_leave_the_link_in_place():
    start_scope()
    source = NeuronGroup(2, "dI/dt = 1 * volt / second : volt", method="euler")
    G = NeuronGroup(2, "x : volt (linked)")
    G.x = linked_var(source, "I")
    store()
    run(1 * ms)
    np.testing.assert_allclose(G.x / mV, [1, 1])
    restore()
    np.testing.assert_allclose(G.x / mV, [0, 0])


# -- errors --------------------------------------------------------------------------------------


def test_a_linked_variable_cannot_be_set():
    start_scope()
    source = NeuronGroup(3, "I : volt", name="source")
    G = NeuronGroup(3, "x : volt (linked)", name="cells")
    with pytest.raises(LinkedVariableError, match=r"cells.x is a linked variable.*linked_var"):
        G.x = 3 * mV
    G.x = linked_var(source, "I")
    for setting in (
        lambda: setattr(G, "x", 3 * mV),
        lambda: setattr(G, "x", "i * mV"),
        lambda: G.x.__setitem__(slice(0, 2), 1 * mV),
        lambda: setattr(G, "x_", 0.003),
    ):
        with pytest.raises(
            LinkedVariableError, match=r"cells.x is linked to source.I and is read-only"
        ):
            setting()
    with pytest.raises(ValueError, match="read-only"):
        G.x_[0] = 1.0  # the raw view of the source is not writable either
    assert np.all(source.I_ == 0)


def test_reading_an_unlinked_variable_says_to_link_it():
    start_scope()
    G = NeuronGroup(3, "x : volt (linked)")
    with pytest.raises(LinkedVariableError, match=r"not linked to anything.*linked_var"):
        G.x[:]


@pytest.mark.parametrize("target", TARGETS)
def test_a_run_with_an_unlinked_variable_names_it(target):
    set_target(target)
    start_scope()
    G = NeuronGroup(3, "dv/dt = x / ms : volt\nx : volt (linked)", name=f"cells_{target}")
    assert G.N == 3
    with pytest.raises(LinkedVariableError, match=rf"cells_{target}.x is a linked variable that"):
        run(1 * ms)


@pytest.mark.parametrize("target", TARGETS)
def test_code_cannot_write_a_linked_variable(target):
    set_target(target)
    start_scope()
    source = NeuronGroup(2, "I : volt")
    G = NeuronGroup(
        2, "x : volt (linked)", threshold="True", reset="x = 0*mV", name=f"writer_{target}"
    )
    G.x = linked_var(source, "I")
    with pytest.raises(GroupError, match=rf"writer_{target}: 'x = 0\*mV' writes to the read-"):
        run(0.1 * ms)


def test_linked_takes_no_other_flag():
    start_scope()
    with pytest.raises(LinkedVariableError, match=r"cannot be combined with others \(shared\)"):
        NeuronGroup(2, "x : volt (linked, shared)")


@pytest.mark.parametrize("target", TARGETS)
def test_synapses_cannot_write_a_linked_variable(target):
    set_target(target)
    start_scope()
    source = NeuronGroup(2, "I : volt")
    G = NeuronGroup(2, "x : volt (linked)", threshold="True")
    G.x = linked_var(source, "I")
    S = Synapses(G, G, on_pre="x_post += 1*mV")
    S.connect()
    with pytest.raises(PermissionError, match="writes to the read-only variable 'x_post'"):
        run(0.1 * ms)
    assert np.all(source.I_ == 0)


def test_units_must_match():
    start_scope()
    source = NeuronGroup(2, "I : amp", name="current")
    G = NeuronGroup(2, "x : volt (linked)", name="cells")
    with pytest.raises(
        DimensionMismatchError, match=r"link cells.x \(in V\) to current.I \(in A\)"
    ):
        G.x = linked_var(source, "I")


def test_sizes_must_match_without_an_index():
    start_scope()
    source = NeuronGroup(4, "I : volt")
    G = NeuronGroup(3, "x : volt (linked)")
    with pytest.raises(LinkedVariableError, match=r"\(3 elements\).*\(4 elements\).*index="):
        G.x = linked_var(source, "I")
    with pytest.raises(LinkedVariableError, match=r"1-D array of 3 elements"):
        G.x = linked_var(source, "I", index=[0, 1])
    with pytest.raises(LinkedVariableError, match=r"outside 0..3"):
        G.x = linked_var(source, "I", index=[0, 1, 4])
    with pytest.raises(LinkedVariableError, match=r"integers, not float64"):
        G.x = linked_var(source, "I", index=[0.0, 1.0, 2.0])
    with pytest.raises(LinkedVariableError, match=r"'k', which is not a variable"):
        G.x = linked_var(source, "I", index="k")
    with pytest.raises(LinkedVariableError, match="not linked to anything"):
        G.x[:]  # a refused link leaves the variable as it was


def test_what_can_be_linked():
    start_scope()
    source = NeuronGroup(2, "I : volt\nhalf = I / 2 : volt")
    G = NeuronGroup(2, "x : volt (linked)\nplain : volt")
    with pytest.raises(LinkedVariableError, match=r"declared with the \(linked\) flag"):
        G.plain = linked_var(source, "I")
    with pytest.raises(LinkedVariableError, match="has no variable 'nope'"):
        linked_var(source, "nope")
    with pytest.raises(LinkedVariableError, match=r"needs the name of the variable"):
        linked_var(source)
    with pytest.raises(LinkedVariableError, match="on the whole group"):
        G[0:1].x = linked_var(source, "I")
    flags = NeuronGroup(2, "on : boolean (linked)\nspikes : boolean\nlevel : 1")
    with pytest.raises(LinkedVariableError, match=r"only a boolean can be linked to a boolean"):
        flags.on = linked_var(flags, "level")
    flags.on = linked_var(flags, "spikes", index=[1, 1])
    flags.spikes = [False, True]
    assert list(flags.on) == [True, True]


# -- cross-check with Brian 2.9.0 ------------------------------------------------------------

# Brian 2.9.0 (numpy target) ran this same script with `from brian2 import *` and
# `defaultclock.dt = 0.1*ms`; its spikes and values (printed with 16 digits) are below.
BRIAN_SPIKE_TIMES_MS = [4.5, 5.8, 6.3, 7.8, 8.3, 9.2, 10.4, 10.5, 11.7, 12.3, 12.9, 14.1, 14.2,
                        15.2, 15.9, 16.3, 17.4, 17.6, 18.5, 19.3, 19.6]  # fmt: skip
BRIAN_SPIKE_INDICES = [0, 2, 0, 0, 2, 0, 2, 0, 0, 2, 0, 0, 2, 0, 2, 0, 0, 2, 0, 2, 0]
BRIAN_Y_END_MV = [4.1007195130708105, 10.493273223770833, 5.39466784132812]
BRIAN_X_AT_10MS_MV = [25.939941502901643, 10.149861892041926, 20.299723784083852]
BRIAN_Y_AT_15MS_MV = [9.364490014082099, 9.947085385320987, 5.940703149790595]


def brian_script_results(target: str) -> dict:
    """The script Brian 2.9.0 ran (see above), on ``target``."""
    set_target(target)
    start_scope()
    defaultclock.dt = 0.1 * ms
    H = NeuronGroup(4, "dv/dt = (i*10*mV - v)/(5*ms) : volt", method="exact", order=0)
    G = NeuronGroup(
        3,
        "dy/dt = (x - y)/(2*ms) : volt\nx : volt (linked)",
        threshold="y > 12*mV",
        reset="y = 0*mV",
        method="exact",
        order=1,
    )
    G.x = linked_var(H, "v", index=[3, 1, 2])
    M = StateMonitor(G, ["x", "y"], record=True)
    S = SpikeMonitor(G)
    H[1:3].run_regularly("v += (i + 1)*mV", dt=5 * ms, order=-1)
    run(20 * ms)
    return {"t": S.t_, "i": S.i, "y": G.y_, "trace_x": M.x_, "trace_y": M.y_}


@pytest.mark.parametrize("target", TARGETS)
def test_same_results_as_brian2(target):
    results = brian_script_results(target)
    np.testing.assert_allclose(results["t"] * 1e3, BRIAN_SPIKE_TIMES_MS, rtol=1e-12)
    assert list(results["i"]) == BRIAN_SPIKE_INDICES
    np.testing.assert_allclose(results["y"] * 1e3, BRIAN_Y_END_MV, rtol=1e-10)
    np.testing.assert_allclose(results["trace_x"][:, 100] * 1e3, BRIAN_X_AT_10MS_MV, rtol=1e-10)
    np.testing.assert_allclose(results["trace_y"][:, 150] * 1e3, BRIAN_Y_AT_15MS_MV, rtol=1e-10)


def test_numpy_and_numba_give_identical_results():
    on_numpy, on_numba = brian_script_results("numpy"), brian_script_results("numba")
    for name, values in on_numpy.items():
        np.testing.assert_array_equal(on_numba[name], values, err_msg=name)
