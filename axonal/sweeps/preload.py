"""A Dask worker preload that starts the worker's sweep interpreter at once, so that the first
run of a sweep finds axonal and Numba imported (`axonal.sweeps.interpreters.prestart`).

`axonal.sweep` passes it to the LocalCluster it starts; for workers of your own:

    dask worker tcp://head:8786 --preload axonal.sweeps.preload --preload-argv --folder=PROJECT

`--folder` is the project's root (runs start there); without it, the worker's own folder.
"""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option("--folder", default=None, help="the project the sweeps run in (default: here)")
def dask_setup(worker, folder: str | None) -> None:
    from axonal.sweeps.execute import run_environment
    from axonal.sweeps.interpreters import prestart

    prestart(run_environment(), Path(folder or "."))
