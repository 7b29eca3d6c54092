"""Brian 1 layer tests: plots to a non-interactive backend; the scripts in tests/brian1/scripts."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

SCRIPTS = Path(__file__).parent / "scripts"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        return
    plt.ioff()
    plt.close("all")


@pytest.fixture(autouse=True)
def _time_starts_at_zero():
    """Each test is a script of its own: a new scope, time from 0 (Brian 1's
    reinit_default_clock()), as when a script starts."""
    from axonal import start_scope
    from axonal.brian1 import reinit_default_clock

    start_scope()
    reinit_default_clock()
    yield
