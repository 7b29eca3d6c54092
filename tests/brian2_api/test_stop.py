"""stop() from a network operation and Network.stop() end the run after the current step.

Expected values from Brian 2.9.0 running the same script: t = 0.7 ms, v = 0.7, 7 samples; a
further run(1*ms) stops after one step again (t = 0.8 ms).
"""

from axonal import (
    Network,
    NeuronGroup,
    StateMonitor,
    defaultclock,
    ms,
    network_operation,
    run,
    start_scope,
    stop,
)


def test_stop_in_a_network_operation_as_in_brian2():
    start_scope()
    G = NeuronGroup(1, "dv/dt = 1/ms : 1")

    @network_operation
    def check():
        if G.v[0] > 0.5:
            stop()

    M = StateMonitor(G, "v", record=0)
    run(5 * ms)
    assert abs(defaultclock.t / ms - 0.7) < 1e-9 and abs(G.v[0] - 0.7) < 1e-9 and len(M.t) == 7
    run(1 * ms)
    assert abs(defaultclock.t / ms - 0.8) < 1e-9


def test_network_stop_then_run_continues():
    start_scope()
    G = NeuronGroup(1, "dv/dt = 1/ms : 1")
    net = Network(G)

    @network_operation
    def halfway(t):
        if abs(t / ms - 2.0) < 1e-9:
            net.stop()

    net.add(halfway)
    net.run(5 * ms)
    assert abs(net.t / ms - 2.1) < 1e-9
    net.run(1 * ms)
    assert abs(net.t / ms - 3.1) < 1e-9 and abs(G.v[0] - 3.1) < 1e-9
