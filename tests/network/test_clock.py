import pytest


@pytest.mark.parametrize("target", ["numpy", "numba"])
def test_a_coarser_clock_keeps_its_grid_across_runs(target):
    """A run_regularly every 1 ms fires at 0, 1 and 2 ms, whatever the lengths of the runs
    (Brian 2.9.0 prints 1, 2, 3 for this script); it used to fire again at each run's start."""
    from axonal import NeuronGroup, ms, run, start_scope
    from axonal.codegen.targets import set_target

    set_target(target)
    start_scope()
    group = NeuronGroup(1, "v : 1")
    group.run_regularly("v += 1", dt=1 * ms)
    values = []
    for duration in (0.15, 0.9, 1.0):
        run(duration * ms)
        values.append(float(group.v[0]))
    assert values == [1.0, 2.0, 3.0]
