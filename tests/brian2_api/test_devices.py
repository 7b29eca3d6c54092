"""Brian 2's devices on axonal's targets: set_device, device.build, device.run(run_args=...)."""

import numpy as np
import pytest

from axonal import (
    Network,
    NeuronGroup,
    SpikeMonitor,
    device,
    get_device,
    ms,
    reinit_devices,
    reset_device,
    run,
    set_device,
    start_scope,
)
from axonal.codegen.targets import current_target
from axonal.devices import device_module

MODEL = "dv/dt = (1.2 - v) / tau : 1\ntau : second (constant)"


@pytest.fixture(autouse=True)
def runtime_device_after():
    yield
    while not isinstance(get_device(), device_module.RuntimeDevice):
        reset_device()
    reinit_devices()


def _spikes_with(tau):
    start_scope()
    G = NeuronGroup(3, MODEL, threshold="v > 1", reset="v = 0", method="euler")
    G.tau = tau
    G.v = "0.1 * i"
    M = SpikeMonitor(G)
    run(50 * ms)
    return M.i[:].copy(), np.asarray(M.t_).copy()


def test_deferred_runs_execute_at_build_and_match_a_direct_run():
    expected = _spikes_with(5 * ms)
    start_scope()
    set_device("cpp_standalone", build_on_run=False, directory=None)
    G = NeuronGroup(3, MODEL, threshold="v > 1", reset="v = 0", method="euler")
    G.tau = 5 * ms
    G.v = "0.1 * i"
    M = SpikeMonitor(G)
    run(50 * ms)
    assert M.num_spikes == 0  # recorded, not run, as in Brian 2's standalone mode
    device.build(directory=None, compile=True, run=True)
    assert device.has_been_run
    np.testing.assert_array_equal(M.i[:], expected[0])
    np.testing.assert_array_equal(M.t_, expected[1])


def test_device_run_starts_from_the_initial_state_with_run_args_applied():
    expected = {tau: _spikes_with(tau * ms) for tau in (3, 5, 8)}
    start_scope()
    set_device("cpp_standalone", build_on_run=False)
    G = NeuronGroup(3, MODEL, threshold="v > 1", reset="v = 0", method="euler")
    G.tau = 5 * ms
    G.v = "0.1 * i"
    M = SpikeMonitor(G)
    run(50 * ms)
    device.build(run=False)
    for tau in (8, 3, 5):  # each run from the start, whatever ran before
        device.run(run_args={G.tau: tau * ms})
        np.testing.assert_array_equal(M.i[:], expected[tau][0])
        np.testing.assert_array_equal(M.t_, expected[tau][1])


def test_build_on_run_runs_at_once_on_the_compiled_target_and_reset_restores_the_target():
    before = current_target()
    set_device("cpp_standalone", directory="ignored", with_output=False)
    assert current_target() in ("numba", "numpy")
    start_scope()
    G = NeuronGroup(1, "dv/dt = 1 / (10*ms) : 1", threshold="v > 1", reset="v = 0")
    M = SpikeMonitor(G)
    run(25 * ms)
    assert M.num_spikes == 2
    device.build()  # nothing left to do
    device.delete(force=True)
    reset_device()
    assert current_target() == before and get_device().name == "runtime"


def test_errors_say_what_to_do():
    set_device("cpp_standalone", build_on_run=False)
    with pytest.raises(RuntimeError, match="device.build"):
        device.run()
    with pytest.raises(RuntimeError, match="unknown device"):
        set_device("no_such_device")


def test_a_built_device_can_be_pickled_for_worker_processes():
    import pickle

    start_scope()
    set_device("cpp_standalone", build_on_run=False)
    G = NeuronGroup(3, MODEL, threshold="v > 1", reset="v = 0", method="euler")
    G.tau = 5 * ms
    M = SpikeMonitor(G)
    Network(G, M).run(50 * ms)  # (the magic network may hold compiled loops of other tests)
    device.build(run=False)
    copy = pickle.loads(pickle.dumps(get_device()))  # as multiprocessing sends it
    assert len(copy._recorded) == 1
    copy.run(run_args={copy._recorded[0].objects[0].tau: 3 * ms})
    assert copy._recorded[0].objects[1].num_spikes > 0
