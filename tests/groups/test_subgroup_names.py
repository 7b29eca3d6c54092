"""Variables named like a subgroup's own attributes (start, stop, parent) are ordinary variables:
where a group's elements are stored is asked through ``storage_root``/``storage_offset``,
which no variable can hide (issue 10; a variable ``start`` broke Synapses.connect)."""

import numpy as np

import axonal
from axonal import *


def test_variables_named_start_stop_parent_in_groups_subgroups_and_synapses():
    axonal.start_scope()
    group = NeuronGroup(
        6,
        """dv/dt = 1/(5*ms) : 1
        start : 1
        stop : 1
        parent : 1""",
        threshold="v > 1",
        reset="v = 0",
        method="euler",
        name="named",
    )
    group.start = np.arange(6) * 10
    group.stop = 1
    group.parent = 2
    target = NeuronGroup(6, "x : 1", name="named_target")
    whole = Synapses(group, target, on_pre="x_post += start_pre", name="whole")
    whole.connect(j="i")
    part = group[2:5]
    sliced = Synapses(part, target, on_pre="x_post += 1000*stop_pre + parent_pre", name="part")
    sliced.connect(j="i")  # part's neuron k (group's 2 + k) onto target neuron k
    spikes = SpikeMonitor(part, variables=["start"])
    trace = StateMonitor(part, "start", record=[0, 2])
    run(6 * ms)  # each neuron fires once, at about 5 ms
    assert len(spikes.i) == 3 and sorted(spikes.i) == [0, 1, 2]
    np.testing.assert_array_equal(np.sort(spikes.start), [20, 30, 40])
    np.testing.assert_array_equal(trace.start[:, -1], [20, 40])
    # whole: target k gets start of neuron k; part: target 0..2 get 1000*1 + 2 more.
    np.testing.assert_array_equal(target.x[:], np.arange(6) * 10 + [1002, 1002, 1002, 0, 0, 0])
    # A subgroup's own start (Brian 2's attribute) is still its position in the group.
    assert part.start == 2 and part.storage_offset == 2 and part.storage_root is group
    assert group.storage_offset == 0 and group.storage_root is group
