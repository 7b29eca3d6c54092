"""Tests run on the NumPy reference target unless they choose the compiled one themselves.

In CI, property-based tests draw their examples deterministically, so that a run of the same
code gives the same result (a failure found by chance locally is still found by chance).
"""

import os

import pytest
from hypothesis import settings

from axonal.codegen.targets import current_target, set_target

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def numpy_target_by_default():
    previous = current_target()
    set_target("numpy")
    yield
    set_target(previous)
