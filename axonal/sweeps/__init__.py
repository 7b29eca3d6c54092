"""Parameter sweeps on Dask: every point of a grid run and recorded, one table for the sweep.

`axonal.sweep(script_or_function, {"rate": [1, 2, 3]}, seeds=4)` is this room's `sweep`
(also `axonal sweep` on the command line). Importing this package is cheap: Dask and pandas load
when a sweep runs.
"""

from axonal.sweeps.grid import Run, expand, parse_assignments
from axonal.sweeps.run import SweepInterrupted, sweep, sweep_tag
from axonal.sweeps.table import sweep_table

__all__ = [
    "Run",
    "SweepInterrupted",
    "expand",
    "parse_assignments",
    "sweep",
    "sweep_table",
    "sweep_tag",
]
