"""The NumPy and Numba targets agree: identical spikes for deterministic models, the same
statistics for random ones, and the Numba target's fused loop keeps runs, store/restore and
network operations working."""

import logging
import runpy
from pathlib import Path

import numpy as np
import pytest

import axonal
from axonal import *
from axonal.codegen import preferences
from axonal.codegen.numba_target import NetworkLoop
from axonal.codegen.targets import current_target, set_target
from axonal.monitors.export import MonitorExport
from tests.test_examples import SHORT_ARGUMENTS

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


pytestmark = pytest.mark.usefixtures("collect_garbage")


@pytest.fixture
def on_target():
    """``on_target(name)`` chooses the target for the test; 'numpy' is restored afterwards."""
    yield set_target
    set_target("numpy")


def count_fused_steps(monkeypatch) -> list[int]:
    """A list that gets the number of steps of each fused run (one compiled loop, called in
    stretches) from now on. Tiered start is off: every step is the compiled loop's."""
    from axonal.network.fused import FusedRun

    monkeypatch.setattr(preferences, "_TIERED_START", [False])
    runs: list[int] = []
    original_run, original_call = FusedRun._run, NetworkLoop.run

    def fused_run(self, *args, **kwargs):
        runs.append(0)
        return original_run(self, *args, **kwargs)

    def counted(self, state, n_steps, *args, **kwargs):
        if runs:
            runs[-1] += n_steps
        return original_call(self, state, n_steps, *args, **kwargs)

    monkeypatch.setattr(FusedRun, "_run", fused_run)
    monkeypatch.setattr(NetworkLoop, "run", counted)
    return runs


@pytest.fixture
def loop_runs(monkeypatch):
    """The steps of each fused run since the test began."""
    return count_fused_steps(monkeypatch)


def test_the_suite_runs_on_the_target_it_was_given(request):
    # `pytest --target numba` runs every test that does not choose a target on Numba.
    assert current_target() == request.config.getoption("--target")


def run_example(name: str, target: str) -> dict:
    set_target(target)
    axonal.start_scope()
    return runpy.run_path(str(EXAMPLES / name), run_name="__main__")


# -- a CUBA network with fixed connectivity: every fused feature at once -----------------------

CONSTANTS = {
    "taum": 20 * ms,
    "taue": 5 * ms,
    "taui": 10 * ms,
    "Vt": -50 * mV,
    "Vr": -60 * mV,
    "El": -49 * mV,
    "we": 60 * 0.27 / 10 * mV,
    "wi": -20 * 4.5 / 10 * mV,
    "w_in": 3 * mV,
    "kick": 0.2 * mV,
}
CUBA = """
dv/dt  = (ge + gi - (v - El)) / taum : volt (unless refractory)
dge/dt = -ge / taue : volt
dgi/dt = -gi / taui : volt
"""


def cuba_network(N: int = 300):
    """CUBA with connectivity, initial values and delays from arrays; a spike generator, a
    run_regularly, a summed variable, monitors on a group, a subgroup and a slower clock."""
    rng = np.random.default_rng(7)
    P = NeuronGroup(N, CUBA, threshold="v > Vt", reset="v = Vr", refractory=5 * ms, method="exact")
    P.v = (-60 + 10 * rng.random(N)) * mV
    P.run_regularly("ge += kick", dt=1 * ms)
    pre, post = np.nonzero(rng.random((N, N)) < 0.05)
    excitatory = pre < int(0.8 * N)
    Ce = Synapses(P, P, on_pre="ge += we")
    Ce.connect(i=pre[excitatory], j=post[excitatory])
    Ce.delay = rng.integers(0, 20, len(Ce)) * 0.1 * ms  # one delay per synapse
    Ci = Synapses(P, P, on_pre="gi += wi", delay=0.5 * ms)
    Ci.connect(i=pre[~excitatory], j=post[~excitatory])
    G = SpikeGeneratorGroup(10, np.arange(10), np.arange(10) * 2 * ms + 1 * ms)
    Sin = Synapses(G, P, on_pre="ge += w_in")
    Sin.connect(i=np.arange(10).repeat(5), j=rng.integers(0, N, 50))
    Q = NeuronGroup(3, "dx/dt = (gs - x) / taum : volt\ngs : volt", method="exact")
    Ssum = Synapses(P, Q, "ws : 1\ngs_post = ws * (v_pre - El) : volt (summed)")
    Ssum.connect(i=np.arange(30), j=np.arange(30) % 3)
    Ssum.ws = rng.random(30) / 30
    monitors = {
        "spikes": SpikeMonitor(P),
        "sub_spikes": SpikeMonitor(P[50:100]),
        "trace": StateMonitor(P, ["v", "ge"], record=[0, 3, 99], dt=1 * ms),
        "x": StateMonitor(Q, "x", record=True),
        "rate": PopulationRateMonitor(P),
        "sub_rate": PopulationRateMonitor(P[:60]),
        "Ce": Ce,
    }
    net = Network(P, Ci, G, Sin, Q, Ssum, *monitors.values())
    return net, monitors


def results(net, monitors) -> dict:
    m = monitors
    return {
        "i": m["spikes"].i,
        "t": m["spikes"].t_,
        "count": m["spikes"].count,
        "sub_i": m["sub_spikes"].i,
        "sub_t": m["sub_spikes"].t_,
        "trace_t": m["trace"].t_,
        "v": m["trace"].v_,
        "ge": m["trace"].ge_,
        "x": m["x"].x_,
        "rate": m["rate"].rate_,
        "rate_t": m["rate"].t_,
        "sub_rate": m["sub_rate"].rate_,
        "sub_rate_t": m["sub_rate"].t_,
        "net_t": np.array([round(net.t_, 12)]),
        "queued": np.array([m["Ce"].pre.queued()]),
    }


def assert_same(first: dict, second: dict) -> None:
    for key in first:
        np.testing.assert_array_equal(first[key], second[key], err_msg=key)


@pytest.fixture(scope="module")
def cuba_on_numpy():
    set_target("numpy")
    axonal.start_scope()
    net, monitors = cuba_network()
    net.run(30 * ms, namespace=CONSTANTS)
    return results(net, monitors)


def test_cuba_with_delays_gives_identical_spikes_on_both_targets(cuba_on_numpy, on_target):
    on_target("numba")
    net, monitors = cuba_network()
    net.run(30 * ms, namespace=CONSTANTS)
    fused = results(net, monitors)
    assert len(fused["i"]) > 100 and len(fused["sub_i"]) > 0 and fused["queued"][0] > 0
    assert fused["sub_rate"].max() > 0
    assert_same(cuba_on_numpy, fused)


def test_consecutive_fused_runs_equal_one_long_run(cuba_on_numpy, on_target, loop_runs):
    on_target("numba")
    net, monitors = cuba_network()
    for duration in (7 * ms, 1 * ms, 12 * ms, 10 * ms):
        net.run(duration, namespace=CONSTANTS)
    assert len(loop_runs) == 4  # each run fused
    assert_same(cuba_on_numpy, results(net, monitors))


def test_store_and_restore_with_the_fused_loop(cuba_on_numpy, on_target):
    on_target("numba")
    net, monitors = cuba_network()
    net.run(12 * ms, namespace=CONSTANTS)
    net.store()
    net.run(5 * ms, namespace=CONSTANTS)
    net.restore()
    net.run(18 * ms, namespace=CONSTANTS)
    assert_same(cuba_on_numpy, results(net, monitors))


def test_a_network_operation_makes_the_run_fall_back(cuba_on_numpy, on_target, loop_runs, caplog):
    on_target("numba")
    net, monitors = cuba_network()
    seen = []
    net.add(NetworkOperation(lambda t: seen.append(float(t / ms)), dt=10 * ms))
    with caplog.at_level(logging.INFO, logger="axonal.network"):
        net.run(30 * ms, namespace=CONSTANTS)
    assert "runs in the Python loop" in caplog.text and "NetworkOperation" in caplog.text
    assert loop_runs == [] and seen == pytest.approx([0, 10, 20])
    assert_same(cuba_on_numpy, results(net, monitors))


def test_switching_between_fused_and_python_runs_keeps_queued_spikes(cuba_on_numpy, on_target):
    net, monitors = cuba_network()
    for number, duration in enumerate((9 * ms, 11 * ms, 10 * ms)):
        on_target("numba" if number % 2 == 0 else "numpy")
        net.run(duration, namespace=CONSTANTS)
    assert_same(cuba_on_numpy, results(net, monitors))


# -- the examples and tutorial cells -------------------------------------------------------------


def test_synapses_tutorial_is_identical_on_both_targets(on_target):
    reference = run_example("synapses_tutorial.py", "numpy")
    fused = run_example("synapses_tutorial.py", "numba")
    for attribute in ("t_", "i"):
        expected = getattr(reference["spikes"], attribute)
        np.testing.assert_array_equal(getattr(fused["spikes"], attribute), expected)
    np.testing.assert_array_equal(fused["M"].t_, reference["M"].t_)
    # exp(-dt/tau) of a per-neuron tau is computed in the loop: Numba's exp and NumPy's
    # may differ in the last bit.
    np.testing.assert_allclose(fused["M"].v_, reference["M"].v_, rtol=1e-12, atol=1e-15)


def test_stdp_window_is_identical_on_both_targets(on_target):
    reference = run_example("stdp_window.py", "numpy")
    fused = run_example("stdp_window.py", "numba")
    for name in ("pre_spikes", "post_spikes"):
        np.testing.assert_array_equal(fused[name].i, reference[name].i)
        np.testing.assert_array_equal(fused[name].t_, reference[name].t_)
    # The traces decay with exp() per synapse: Numba's and NumPy's may differ in the last bit.
    np.testing.assert_allclose(fused["S"].w_, reference["S"].w_, rtol=1e-12, atol=1e-15)
    assert np.sum(reference["S"].w_ > 0) > 0 and np.sum(reference["S"].w_ < 0) > 0


@pytest.mark.parametrize("name, duration_ms", [("cuba.py", "50"), ("coba.py", "20")])
def test_benchmark_examples_give_identical_spikes_on_both_targets(
    name, duration_ms, on_target, monkeypatch, loop_runs
):
    # Random initial values and connectivity come from NumPy's generator on both targets.
    monkeypatch.setattr("sys.argv", [name, duration_ms])
    found = {}
    for target in ("numpy", "numba"):
        seed(2)
        found[target] = run_example(name, target)["spikes"]
    assert loop_runs == [int(duration_ms) * 10]
    assert found["numpy"].num_spikes > 100
    np.testing.assert_array_equal(found["numba"].i, found["numpy"].i)
    np.testing.assert_array_equal(found["numba"].t_, found["numpy"].t_)


# Compared above with checks of their own; triplet_stdp simulates 600 s (a minute on NumPy): its
# weights are checked against the event-by-event rule on each target (tests/synapses).
COMPARED_APART = {"cuba.py", "coba.py", "synapses_tutorial.py", "stdp_window.py", "triplet_stdp.py"}
# A sweep of another example's runs (each in its own process): it simulates nothing itself.
COMPARED_APART |= {"sweep_fi_curve.py"}
# Long enough for spikes in every monitor (Brunel-Hakim first fires after 20 ms).
AGREEMENT_ARGUMENTS = {**SHORT_ARGUMENTS, "brunel_hakim.py": ["25"]}


def recordings(namespace: dict) -> dict[str, dict[str, np.ndarray]]:
    """Every monitor's recordings in an example's namespace, as plain arrays."""
    return {
        name: obj.get_states(units=False)
        for name, obj in namespace.items()
        if isinstance(obj, MonitorExport)
    }


@pytest.mark.parametrize(
    "name", sorted(p.name for p in EXAMPLES.glob("*.py") if p.name not in COMPARED_APART)
)
def test_every_example_records_the_same_on_both_targets(
    name, on_target, monkeypatch, capsys, loop_runs
):
    # Random ones too: the fused loop draws NumPy's numbers in the NumPy target's order.
    monkeypatch.setattr("sys.argv", [name, *AGREEMENT_ARGUMENTS.get(name, [])])
    found = {}
    for target in ("numpy", "numba"):
        seed(2)
        found[target] = recordings(run_example(name, target))
    assert loop_runs, "the example ran in the Python loop on the Numba target"
    assert found["numpy"], "the example has no monitor to compare"
    for monitor, columns in found["numpy"].items():
        assert len(columns["t"]) > 0, monitor
        for column, expected in columns.items():
            measured = found["numba"][monitor][column]
            if column in ("i", "t", "rate"):  # events: identical
                np.testing.assert_array_equal(measured, expected, err_msg=f"{monitor}.{column}")
            else:  # state: exp() of Numba and NumPy may differ in the last bit
                np.testing.assert_allclose(
                    measured, expected, rtol=1e-10, atol=1e-15, err_msg=f"{monitor}.{column}"
                )
    capsys.readouterr()


def tutorial_cells():
    tau = 5 * ms
    G = NeuronGroup(
        2,
        "dv/dt = (1-v)/tau : 1 (unless refractory)",
        threshold="v>0.8",
        reset="v = 0",
        refractory=15 * ms,
        method="exact",
    )
    G.v = [0, 0.5]
    H = NeuronGroup(
        1,
        "dv/dt = (1-v)/tau : 1",
        threshold="v>0.8",
        reset="v = 0",
        method="exact",
        namespace={"tau": 10 * ms},
    )
    statemon = StateMonitor(G, "v", record=True)
    spikes, h_spikes = SpikeMonitor(G), SpikeMonitor(H)
    Network(G, H, statemon, spikes, h_spikes).run(50 * ms, namespace={"tau": tau})
    return spikes, h_spikes, statemon


def test_tutorial_threshold_and_refractory_cells_agree(on_target):
    on_target("numpy")
    reference = tutorial_cells()
    on_target("numba")
    fused = tutorial_cells()
    np.testing.assert_allclose(fused[1].t / ms, [16.0, 32.1, 48.2], atol=1e-9)
    for expected, found in zip(reference, fused, strict=True):
        np.testing.assert_array_equal(found.t_, expected.t_)
    np.testing.assert_array_equal(fused[0].i, reference[0].i)
    np.testing.assert_array_equal(fused[2].v_, reference[2].v_)


# -- random models -------------------------------------------------------------------------------


def poisson_stdp(duration=200 * ms):
    """Poisson inputs onto 20 neurons through STDP synapses, plus a PoissonInput."""
    inputs = PoissonGroup(200, 15 * Hz)
    neurons = NeuronGroup(20, "dv/dt = -v / (10*ms) : 1", threshold="v > 1", reset="v = 0")
    S = Synapses(
        inputs,
        neurons,
        """
        w : 1
        dapre/dt = -apre / (20*ms) : 1 (event-driven)
        dapost/dt = -apost / (20*ms) : 1 (event-driven)
        """,
        on_pre="v_post += w\napre += 0.01\nw = clip(w + apost, 0, 0.3)",
        on_post="apost -= 0.0105\nw = clip(w + apre, 0, 0.3)",
    )
    S.connect(p=0.5)
    S.w = 0.15
    drive = PoissonInput(neurons, "v", 50, 10 * Hz, 0.05)
    input_spikes, output_spikes = SpikeMonitor(inputs), SpikeMonitor(neurons)
    Network(inputs, neurons, S, drive, input_spikes, output_spikes).run(duration)
    return input_spikes, output_spikes, S.w_.copy()


def test_seed_makes_the_numba_target_reproducible(on_target, loop_runs):
    on_target("numba")
    seed(11)
    first = poisson_stdp()
    seed(11)
    second = poisson_stdp()
    seed(12)
    third = poisson_stdp()
    assert len(loop_runs) == 3  # fused, although random
    np.testing.assert_array_equal(first[1].i, second[1].i)
    np.testing.assert_array_equal(first[2], second[2])
    assert not np.array_equal(first[0].i, third[0].i)


def test_random_models_agree_in_distribution(on_target):
    seed(5)
    on_target("numpy")
    reference = poisson_stdp(duration=500 * ms)
    on_target("numba")
    seed(5)
    fused = poisson_stdp(duration=500 * ms)
    # Both targets draw from NumPy's stream in the same order: the same seed, the same run.
    np.testing.assert_array_equal(fused[0].i, reference[0].i)
    np.testing.assert_array_equal(fused[1].t_, reference[1].t_)
    np.testing.assert_allclose(fused[2], reference[2], rtol=1e-12)
    # 200 inputs x 0.5 s x 15 Hz = 1500 spikes expected: Poisson sd about 39.
    for monitors in (reference, fused):
        assert abs(monitors[0].num_spikes - 1500) < 5 * 39
    output_ref, output_fused = reference[1].num_spikes, fused[1].num_spikes
    assert output_ref > 50
    assert abs(output_fused - output_ref) < 5 * np.sqrt(output_ref) + 0.1 * output_ref
    assert abs(fused[2].mean() - reference[2].mean()) < 0.03
