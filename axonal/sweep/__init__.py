"""Parameter sweeps on Dask: every point of a grid run and recorded, one table for the sweep.

`axonal.sweep(script_or_function, {"rate": [1, 2, 3]}, seeds=4)` (also `axonal sweep` on the
command line). Importing this package is cheap: Dask and pandas load when a sweep runs.
"""

import sys
import types

from axonal.sweep.grid import Run, expand, parse_assignments
from axonal.sweep.run import SweepInterrupted, sweep, sweep_tag
from axonal.sweep.table import sweep_table

__all__ = [
    "Run",
    "SweepInterrupted",
    "expand",
    "parse_assignments",
    "sweep",
    "sweep_table",
    "sweep_tag",
]


class _CallableModule(types.ModuleType):
    """Makes `axonal.sweep(...)` call `axonal.sweep.sweep(...)` (the room and its function)."""

    def __call__(self, *arguments, **options):
        return sweep(*arguments, **options)


sys.modules[__name__].__class__ = _CallableModule
