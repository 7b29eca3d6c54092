"""A shared variable set with rand() in run_regularly draws one number per call (Brian 2)."""

import numpy as np
import pytest

from axonal import Network, NeuronGroup, StateMonitor, ms, seed, set_target
from axonal.codegen.targets import TARGETS
from tests.brian2_api.brian2_values import brian2_behaviour


@pytest.mark.parametrize("target", TARGETS)
def test_shared_rand_in_run_regularly_matches_brian2(target):
    """The script of brian2_reference.shared_random. Both targets draw from NumPy's Mersenne
    Twister as Brian 2's NumPy target does, so after the same seed the numbers are the same."""
    set_target(target)
    seed(3)
    group = NeuronGroup(3, "d : 1 (shared)\nx : 1")
    group.run_regularly("d = rand()", dt=1 * ms)
    group.run_regularly("x = d + i", dt=1 * ms)
    monitor = StateMonitor(group, ["d", "x"], record=True)
    Network(group, monitor).run(3 * ms)
    expected = brian2_behaviour("shared_random")
    np.testing.assert_allclose(np.asarray(monitor.d[0]), expected["d"], rtol=1e-15)
    np.testing.assert_allclose(np.asarray(monitor.x), expected["x"], rtol=1e-15)


@pytest.mark.parametrize("target", TARGETS)
def test_shared_randn_and_rand_in_one_statement_list_draw_in_order(target):
    set_target(target)
    seed(1)
    group = NeuronGroup(4, "d : 1 (shared)\nu : 1 (shared)")
    group.run_regularly("d = randn()\nu = rand()", dt=1 * ms)
    Network(group).run(1 * ms)
    np.random.seed(1)  # the stream both targets draw from, in the statements' order
    assert float(group.d[:]) == np.random.randn()
    assert float(group.u[:]) == np.random.rand()


def test_a_shared_variable_set_to_an_element_value_is_still_refused_on_numba():
    set_target("numba")
    group = NeuronGroup(3, "d : 1 (shared)\nx : 1")
    group.run_regularly("d = x", dt=1 * ms)
    with pytest.raises(Exception, match="differs between elements"):
        Network(group).run(1 * ms)
