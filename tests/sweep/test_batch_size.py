"""How many runs go in one Dask task: about a second of work, one run per task until a run has
been timed, smaller tasks near the end, a fixed size when the user gives one."""

from __future__ import annotations

import pytest

from axonal.sweeps.batch_size import TASK_SECONDS, BatchSizes, check_batch
from tests.sweep.conftest import run_axonal


def _sizes(sizes: BatchSizes, runs: int, threads: int) -> list[int]:
    """The sizes of the tasks a sweep of `runs` hands out, one after another."""
    handed = []
    while runs:
        handed.append(sizes.next_size(runs, threads))
        runs -= handed[-1]
    return handed


def test_one_run_per_task_until_a_run_is_timed():
    sizes = BatchSizes()
    assert sizes.run_seconds() is None
    assert _sizes(sizes, 5, threads=2) == [1, 1, 1, 1, 1]


def test_short_runs_fill_about_a_second_and_tasks_shrink_towards_the_end():
    sizes = BatchSizes()
    for seconds in (0.05, 0.06, 0.05, 0.07):
        sizes.observe(seconds)
    assert sizes.run_seconds() == pytest.approx(0.055)
    handed = _sizes(sizes, 48, threads=2)
    assert sum(handed) == 48
    # never more than a second of work (18 runs of 55 ms), never more than a quarter of
    # what is left on 2 threads, down to one run per task at the end
    assert max(handed) <= int(TASK_SECONDS / 0.055)
    assert handed == sorted(handed, reverse=True) and handed[-1] == 1
    assert handed[0] == 12  # ceil(48 / (2 * 2))
    assert len(handed) < 48 / 3
    # many threads: more, smaller tasks for the same runs
    assert len(_sizes(sizes, 48, threads=8)) > len(handed)


def test_runs_of_a_second_or_more_are_one_per_task():
    sizes = BatchSizes()
    sizes.observe(1.3)
    assert _sizes(sizes, 10, threads=2) == [1] * 10


def test_an_interpreters_first_run_counts_only_until_another_is_timed():
    sizes = BatchSizes()
    sizes.observe(4.0, first_in_its_interpreter=True)  # imports and compiles: not typical
    assert sizes.run_seconds() == 4.0
    assert sizes.next_size(100, threads=2) == 1
    sizes.observe(0.1)
    assert sizes.run_seconds() == 0.1
    assert sizes.next_size(100, threads=2) == 10


def test_a_fixed_batch_is_kept_to_the_last_runs():
    sizes = BatchSizes(fixed=4)
    sizes.observe(5.0)
    assert _sizes(sizes, 10, threads=2) == [4, 4, 2]


@pytest.mark.parametrize("value", [0, -2, 1.5, "x", "", True])
def test_bad_batch_values_are_refused_naming_the_option(value):
    with pytest.raises(ValueError, match=r"batch=.*whole number of runs per Dask task"):
        check_batch(value)


def test_batch_values_read_as_the_command_line_gives_them():
    assert check_batch(None) is None and check_batch("auto") is None
    assert check_batch(3) == 3 and check_batch(" 7 ") == 7


def test_the_command_line_refuses_a_bad_batch_in_one_line(sweep_project):
    done = run_axonal("sweep", "quick.py", "x=1,2", "--batch", "0", cwd=sweep_project)
    assert done.returncode == 2
    assert "--batch '0': expected a whole number of runs per Dask task" in done.stderr
    assert "Traceback" not in done.stderr
