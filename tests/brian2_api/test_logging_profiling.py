"""BrianLogger, run(profile=True), profiling_summary() and scheduling_summary()."""

import logging

import pytest

from axonal import (
    BrianLogger,
    Network,
    NeuronGroup,
    SpikeMonitor,
    magic_network,
    ms,
    profiling_summary,
    run,
    scheduling_summary,
    second,
    start_scope,
)


@pytest.fixture
def restore_logging():
    logger = logging.getLogger("axonal")
    level, handlers, propagate = logger.level, list(logger.handlers), logger.propagate
    yield
    logger.setLevel(level)
    logger.handlers[:] = handlers
    logger.propagate = propagate
    BrianLogger._handler = None


def test_log_levels_and_suppression(restore_logging, capsys):
    BrianLogger.log_level_info()
    logging.getLogger("axonal.integrate").info("chosen exact")
    logging.getLogger("axonal.integrate").debug("not shown")
    BrianLogger.suppress_hierarchy("brian2.integrate")  # Brian 2's name for the same part
    logging.getLogger("axonal.integrate").warning("silenced")
    logging.getLogger("axonal.groups").warning("shown")
    err = capsys.readouterr().err
    assert "chosen exact" in err and "shown" in err
    assert "not shown" not in err and "silenced" not in err
    BrianLogger.log_level_error()
    logging.getLogger("axonal.groups").warning("below error")
    assert "below error" not in capsys.readouterr().err


def _model():
    G = NeuronGroup(10, "dv/dt = 2 / (10*ms) : 1", threshold="v > 1", reset="v = 0")
    return G, SpikeMonitor(G)


def test_profiled_run_gives_the_same_spikes_and_times_per_operation():
    start_scope()
    G, M = _model()
    plain = Network(G, M)
    plain.run(20 * ms)
    expected = M.t_[:].copy()
    start_scope()
    G, M = _model()
    run(20 * ms, profile=True)
    assert list(M.t_) == list(expected)
    info = magic_network.profiling_info
    names = [name for name, _ in info]
    scheduled = repr(scheduling_summary()).splitlines()[2:]
    assert set(names) == {line.split("|")[0].split(" (")[0].strip() for line in scheduled}
    times = [float(t / second) for _, t in info]
    assert times == sorted(times, reverse=True) and all(t > 0 for t in times)
    summary = repr(profiling_summary())
    assert summary.startswith("Profiling summary") and names[0] in summary
    assert "No profiling information" in repr(profiling_summary(plain))


def test_scheduling_summary_lists_operations_in_schedule_order():
    start_scope()
    G, M = _model()
    lines = repr(scheduling_summary()).splitlines()[2:]
    slots = [line.split("|")[3].strip() for line in lines]
    assert slots == ["groups", "thresholds", "thresholds", "resets"]
