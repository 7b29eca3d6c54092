"""Tests run on the NumPy reference target unless they choose the compiled one themselves."""

import pytest

from axonal.codegen.targets import current_target, set_target


@pytest.fixture(autouse=True)
def numpy_target_by_default():
    previous = current_target()
    set_target("numpy")
    yield
    set_target(previous)
