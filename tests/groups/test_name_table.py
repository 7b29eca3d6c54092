"""One name table per owner (axonal/groups/names.py): a name means the same in a kernel and in
Python evaluation (string assignment, string indexing), for a group's variables, its
subexpressions, linked variables, constants, ``N``/``i``/``dt``, subgroups of subgroups, and
in synapses ``_pre``/``_post`` names, ``N_pre``/``N_post`` and the target's variables."""

import numpy as np
import pytest

import axonal
from axonal import *
from axonal.model.namespace import UnknownNameError

pytestmark = pytest.mark.usefixtures("collect_garbage")


NEURON_EXPRESSIONS = ["v", "w", "l", "k * v", "N + i", "dt / ms", "w - l * i"]


def _groups(threshold=None):
    """``cells`` (v, a subexpression w, l linked to a subexpression of ``others`` through a
    reversed index) and ``others``."""
    axonal.start_scope()
    H = NeuronGroup(10, "x : 1\nu = 3 * x : 1", name="others")
    H.x = "i * i"
    model = "v : 1\nw = 2*v + i : 1\nl : 1 (linked)\nout : 1\nout2 : 1"
    G = NeuronGroup(10, model, threshold=threshold, name="cells")
    G.v = "i / 2"
    G.l = linked_var(H, "u", index=np.arange(10)[::-1].copy())
    return G, H


@pytest.mark.parametrize("expression", NEURON_EXPRESSIONS)
def test_a_group_reads_each_name_the_same_in_a_kernel_and_in_python(both_targets, expression):
    G, H = _groups()
    k = 1.5  # noqa: F841 (read from this namespace)
    G.run_regularly(f"out = {expression}", dt=1 * ms)  # a kernel
    Network(G, H).run(0.1 * ms)
    G.out2 = expression  # Python evaluation
    assert np.any(G.out_ != 0)
    np.testing.assert_array_equal(G.out2_, G.out_)


@pytest.mark.parametrize("expression", NEURON_EXPRESSIONS)
def test_a_subgroup_of_a_subgroup_is_a_range_of_the_parent_in_both(both_targets, expression):
    G, H = _groups()
    k = 1.5  # noqa: F841
    part = G[2:8][1:4]  # G[3:6]
    part.run_regularly(f"out = {expression}", dt=1 * ms)
    Network(G, H).run(0.1 * ms)
    part.out2 = expression
    np.testing.assert_array_equal(G.out2_, G.out_)
    np.testing.assert_array_equal(G.out_[[0, 1, 2, 6, 7, 8, 9]], 0)
    # Its own index counts from 0, in Python as in its kernel.
    np.testing.assert_array_equal(part.i[:], [0, 1, 2])
    np.testing.assert_array_equal(part.v["i > 0"], [2.0, 2.5])
    np.testing.assert_array_equal(part.w[:], 2 * G.v_[3:6] + [0, 1, 2])
    np.testing.assert_array_equal(part.v["w > 4"], [2.0, 2.5])


SYNAPSE_EXPRESSIONS = [
    "v_pre",
    "w_pre",
    "l_pre",
    "x",
    "x_post + u_post",
    "weight * i + j",
    "N_pre * 100 + N_post",
    "k * v_pre",
]


@pytest.mark.parametrize("expression", SYNAPSE_EXPRESSIONS)
def test_synapses_read_each_name_the_same_in_a_kernel_and_in_python(both_targets, expression):
    G, H = _groups(threshold="True")  # every neuron of G spikes in the first step
    k = 1.5  # noqa: F841
    S = Synapses(G, H, "weight : 1\nout : 1\nout2 : 1", on_pre=f"out = {expression}")
    S.connect(j="(3 * i + 1) % N_post")
    S.weight = "0.25 * i"
    Network(G, H, S).run(0.1 * ms)  # the pathway's kernel
    S.out2 = expression  # Python evaluation
    assert np.any(S.out_ != 0)
    np.testing.assert_array_equal(S.out2_, S.out_)
    # String indexing reads the same names.
    np.testing.assert_array_equal(S.out["out > 3"], S.out_[S.out_ > 3])


def test_an_unknown_name_is_named_with_its_object_and_line():
    G, _ = _groups()
    with pytest.raises(UnknownNameError, match=r"In 'cells', line 'vv > 1': Unknown name 'vv'"):
        G.v["vv > 1"]
    with pytest.raises(UnknownNameError, match=r"In 'cells', line 'out = vw': Unknown name 'vw'"):
        G.run_regularly("out = vw")
        run(0.1 * ms)


def test_a_recorded_subexpression_is_computed_at_the_recorded_elements_only(both_targets):
    """The state monitor's kernel runs over its recorded elements (of a subgroup too), and
    reads the names there as Python evaluation does."""
    G, H = _groups()
    part = G[2:8][1:4]
    M = StateMonitor(G, ["w", "l"], record=[9, 0, 4])
    P = StateMonitor(part, ["w", "l"], record=[2, 0])
    Network(G, H, M, P).run(0.3 * ms)
    for monitor, group, record in ((M, G, [9, 0, 4]), (P, part, [2, 0])):
        for name in ("w", "l"):
            expected = getattr(group, name)[:][record]
            recorded = getattr(monitor, name + "_")
            np.testing.assert_array_equal(recorded, np.repeat(expected[:, None], 3, axis=1))
        kernels = [item.kernel for _, item in monitor.scheduled_items(_context())]
        owners = {kernel.owner for kernel in kernels if kernel is not None}
        assert owners == {monitor.name}  # over the monitor's elements, not the group's


def _context():
    from axonal.network.base import RunContext

    return RunContext({}, "numpy", state={})
