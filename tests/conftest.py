"""Tests run on one target for the session: NumPy by default, ``--target numba`` the other.

A test that is about one target chooses it itself with ``set_target``; a test of NumPy-only
internals carries ``@pytest.mark.numpy_only("why")`` and is skipped on the compiled target.

In CI, property-based tests draw their examples deterministically, so that a run of the same
code gives the same result (a failure found by chance locally is still found by chance).
"""

import os

import pytest
from hypothesis import settings

from axonal.codegen.targets import TARGETS, current_target, set_target

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


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "numpy_only(reason): tests NumPy-target internals; skipped on other targets"
    )


def pytest_report_header(config: pytest.Config) -> str:
    return f"axonal target: {config.getoption('--target')}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    target = config.getoption("--target")
    if target == "numpy":
        return
    for item in items:
        marker = item.get_closest_marker("numpy_only")
        if marker is not None:
            reason = marker.args[0] if marker.args else marker.kwargs.get("reason", "")
            item.add_marker(pytest.mark.skip(reason=f"NumPy target only: {reason}"))


@pytest.fixture(autouse=True)
def session_target(request: pytest.FixtureRequest):
    """Every test starts on the session's target and leaves the previous one behind it."""
    previous = current_target()
    set_target(request.config.getoption("--target"))
    yield
    set_target(previous)
