"""Every public name of ``from axonal import *`` has a docstring with an example, and it runs.

The examples are doctests that assume ``from axonal import *`` (as the API reference says) and
run on the NumPy target. Units, numbers and names re-exported from NumPy are not axonal's own
and are documented together on the reference page instead.
"""

import doctest
import inspect

import numpy as np
import pytest

import axonal
from axonal.pylab_names import LazyName
from axonal.units import Quantity


def own_public_objects() -> dict[str, object]:
    """Public names whose object axonal defines (classes, functions and their instances)."""
    objects = {}
    for name in axonal.__all__:
        obj = getattr(axonal, name)
        if isinstance(obj, Quantity | float | int):
            continue  # units and constants: the reference page's tables
        if isinstance(obj, LazyName):
            continue  # pylab's names, as Brian 2's star import gives them: matplotlib's own
        defining = obj if inspect.isclass(obj) or callable(obj) else type(obj)
        if not (getattr(defining, "__module__", None) or "").startswith("axonal."):
            continue  # NumPy's own functions, made unit-aware by Quantity
        objects[name] = obj
    return objects


OBJECTS = own_public_objects()


def documented(obj) -> object:
    """The object whose docstring documents ``obj`` (an instance is documented by its class)."""
    return obj if inspect.isclass(obj) or inspect.isroutine(obj) else type(obj)


def test_every_public_name_has_a_docstring_with_an_example():
    missing = sorted(
        name for name, obj in OBJECTS.items() if ">>> " not in (documented(obj).__doc__ or "")
    )
    assert not missing, f"public names without an example in their docstring: {missing}"


def test_the_list_covers_the_simulator():
    for name in ("NeuronGroup", "Synapses", "StateMonitor", "run", "set_target", "get_target"):
        assert name in OBJECTS


@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_docstring_examples_run(name):
    obj = documented(OBJECTS[name])
    axonal.start_scope()
    previous_target = axonal.get_target()
    axonal.set_target("numpy")
    globs = {n: getattr(axonal, n) for n in axonal.__all__}
    finder = doctest.DocTestFinder(recurse=False)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    state = np.random.get_state()
    try:
        for test in finder.find(obj, name, globs=globs):
            runner.run(test)
    finally:
        np.random.set_state(state)
        axonal.set_target(previous_target)
        axonal.defaultclock.dt = 0.1 * axonal.ms
    assert runner.failures == 0, f"{runner.failures} example(s) of {name} failed (see output)"
