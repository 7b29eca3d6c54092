"""Setting an attribute that is not a variable raises and suggests the variable (as Brian 2)."""

import pytest

from axonal import NeuronGroup, Synapses, ms, mV, run


def test_setting_an_unknown_attribute_raises_and_suggests_the_variable():
    G = NeuronGroup(2, "dv/dt = -v / (10*ms) : volt\nv_th : volt")
    with pytest.raises(AttributeError, match=r"no variable 'V'\. Did you mean 'v'\?"):
        G.V = -70 * mV
    with pytest.raises(AttributeError, match=r"Did you mean 'v_th'"):
        G.v_tht = 1 * mV
    assert list(G.v) == [0, 0]  # nothing was set


def test_add_attribute_allows_an_attribute_of_ones_own_and_existing_ones_still_set():
    G = NeuronGroup(2, "v : 1")
    G.add_attribute("label")
    G.label = "excitatory"
    G.active = False  # an attribute the group has
    G.v = 3
    assert G.label == "excitatory" and not G.active and list(G.v) == [3, 3]
    with pytest.raises(AttributeError, match="has a variable 'v'"):
        G.add_attribute("v")


def test_synapses_refuse_unknown_attributes_too():
    G = NeuronGroup(2, "v : 1")
    S = Synapses(G, G, "w : 1")
    with pytest.raises(AttributeError, match="Did you mean 'w'"):
        S.W = 1


def test_unknown_name_suggests_the_scripts_own_name_before_library_names():
    E_resting = -70 * mV  # noqa: F841 - found by name from the model
    G = NeuronGroup(1, "dv/dt = (E_rest - v) / (10*ms) : volt")
    with pytest.raises(Exception, match="did you mean 'E_resting'") as failure:
        run(0.1 * ms)
    assert "restore" not in str(failure.value)
