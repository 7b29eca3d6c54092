"""Tests run on one target for the session: NumPy by default, ``--target numba`` the other.

A test that is about one target chooses it itself with ``set_target`` (the fixture below
restores the session's target after it). Run the suite once per target to test both.

In CI, property-based tests draw their examples deterministically, so that a run of the same
code gives the same result (a failure found by chance locally is still found by chance).
"""

import gc
import os

import pytest
from hypothesis import settings

from axonal.codegen.preferences import TIERED_START_VARIABLE, prefs
from axonal.codegen.targets import TARGETS, current_target, set_target
from axonal.network.clock import defaultclock

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--target",
        choices=TARGETS,
        default="numpy",
        help="code generation target every test runs on unless it chooses one (default: numpy)",
    )


def pytest_report_header(config: pytest.Config) -> str:
    return f"axonal target: {config.getoption('--target')}"


@pytest.fixture(autouse=True)
def session_target(request: pytest.FixtureRequest):
    """Every test starts on the session's target and leaves the previous one behind it."""
    previous = current_target()
    set_target(request.config.getoption("--target"))
    yield
    set_target(previous)


@pytest.fixture(autouse=True)
def compiled_from_the_first_step(monkeypatch):
    """Tiered start (on by default) is off, here and in the processes a test starts: a short
    run on the Numba target tests the compiled loop, not NumPy. Its own tests turn it on."""
    previous = prefs.codegen.tiered_start
    prefs.codegen.tiered_start = False
    monkeypatch.setenv(TIERED_START_VARIABLE, "0")
    yield
    prefs.codegen.tiered_start = previous


@pytest.fixture(autouse=True)
def default_clock_restored():
    """A test that changes the default clock (PyNN's setup(timestep=...), a script's
    defaultclock.dt) does not change it for the tests run after it in the same worker."""
    dt, timestep = defaultclock._dt, defaultclock.timestep
    yield
    defaultclock._dt, defaultclock.timestep = dt, timestep


@pytest.fixture
def collect_garbage():
    """Networks of a test die with it: default names (``neurongroup``) are free again. Used
    by modules that build many networks (``pytestmark = pytest.mark.usefixtures(...)``)."""
    yield
    gc.collect()


@pytest.fixture(params=["numpy", "numba"])
def both_targets(request):
    """The test runs on each target in turn, whatever the session's target."""
    set_target(request.param)
    yield request.param
