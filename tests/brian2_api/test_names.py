"""Object names as Brian 2 treats them: repeatable between networks, distinct within one."""

import pytest

from axonal import Network, NeuronGroup, ms
from axonal.network.network import NetworkError
from tests.brian2_api.brian2_values import brian2_behaviour


def test_two_objects_may_share_a_name_and_run_in_different_networks():
    """Brian 2's Spreizer_et_al_2019 example builds its network named 'I' in a function, four
    times, while the previous one is still alive."""
    first = NeuronGroup(1, "dv/dt = 1/second : 1", name="I", method="euler")
    second = NeuronGroup(1, "dv/dt = 1/second : 1", name="I", method="euler")
    expected = brian2_behaviour("names")
    assert [first.name, second.name] == expected["both_named_I"]
    networks = [Network(first), Network(second)]
    for network in networks:
        network.run(0.5 * ms)
    assert [float(first.v[0]), float(second.v[0])] == pytest.approx(expected["run_apart_v"])
    assert networks[1]["I"] is second


def test_one_network_refuses_two_objects_of_one_name_when_it_runs():
    first = NeuronGroup(1, "v : 1", name="I")
    second = NeuronGroup(1, "v : 1", name="I")
    network = Network(first, second)  # as in Brian 2, refused only at the run
    assert "used more than once: 'I'" in brian2_behaviour("names", "run_together")
    with pytest.raises(NetworkError, match=r"distinct names; used more than once: 'I'\."):
        network.run(0.1 * ms)


def test_default_names_avoid_names_in_use():
    explicit = NeuronGroup(1, "v : 1", name="neurongroup")
    default = NeuronGroup(1, "v : 1")
    assert default.name != explicit.name and default.name.startswith("neurongroup_")
