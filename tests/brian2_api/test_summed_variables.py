"""Summed variables as Brian 2 schedules them (``Synapses.summed_updaters``), and several
Synapses summing into one variable: their sums add up, equal to Brian 2's single Synapses
holding all their connections (Brian 2 itself refuses two sums into one variable)."""

import numpy as np
import pytest

import axonal
from axonal import set_target
from axonal.codegen.targets import TARGETS
from axonal.network.base import ScheduleError
from tests.brian2_api import scripts
from tests.brian2_api.brian2_values import brian2_behaviour


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("when", ["default", "after_groups"])
@pytest.mark.parametrize("split", [False, True], ids=["one_synapses", "two_synapses"])
def test_summed_variable_matches_brian2(target, when, split):
    set_target(target)
    axonal.start_scope()
    ours = scripts.summed_variable(axonal, split=split, when=None if when == "default" else when)
    expected = brian2_behaviour("summed_variable", when)
    np.testing.assert_allclose(ours["y"], expected["y"], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ours["z"], expected["z"], rtol=1e-12, atol=1e-15)


def test_the_two_schedules_really_differ():
    """after_groups sums the sources' new values: the recorded sum is one step ahead."""
    default, after = (brian2_behaviour("summed_variable", w) for w in ("default", "after_groups"))
    assert not np.allclose(default["y"], after["y"])
    np.testing.assert_allclose(np.asarray(default["y"])[:, 1:], np.asarray(after["y"])[:, :-1])


def test_summed_updaters_name_their_variable_and_refuse_an_unknown_slot():
    axonal.start_scope()
    source = axonal.NeuronGroup(2, "v : 1")
    target = axonal.NeuronGroup(2, "y : 1")
    synapses = axonal.Synapses(source, target, "y_post = v_pre : 1 (summed)", name="summer")
    updater = synapses.summed_updaters["y_post"]
    assert updater.name == "summer_summed_variable_y_post"
    assert (updater.group, updater.variable, updater.when) == (target, "y", "before_groups")
    updater.order = 3
    assert updater.order == 3
    with pytest.raises(ScheduleError, match="summer_summed_variable_y_post.when: .*'grups'"):
        updater.when = "grups"
