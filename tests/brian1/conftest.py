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
