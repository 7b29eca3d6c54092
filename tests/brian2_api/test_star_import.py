"""``from axonal import *`` gives what Brian 2's gives: pylab's names, np and numpy, lazily."""

import subprocess
import sys

import numpy
import pytest


def _run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"MPLBACKEND": "Agg", "PATH": ""},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_star_import_does_not_load_matplotlib_until_a_plot_name_is_used():
    out = _run(
        "import sys\n"
        "from axonal import *\n"
        "print('matplotlib' in sys.modules)\n"
        "figure(); plot([1, 2], [3, 4]); xlabel('x'); subplot(211)\n"
        "print('matplotlib' in sys.modules, rcParams['lines.linewidth'] > 0, plt.gcf() is gcf())\n"
    )
    assert out.splitlines() == ["False", "True True True"]


def test_numpy_names_and_np_are_there_and_units_win_over_pylab():
    import axonal

    namespace = {}
    exec("from axonal import *", namespace)
    assert namespace["np"] is axonal.numpy_ and namespace["numpy"] is axonal.numpy_
    assert namespace["linspace"] is numpy.linspace and namespace["histogram"] is numpy.histogram
    assert namespace["fft"] is numpy.fft.fft  # pylab's star import of numpy.fft, as in Brian 2
    # Units are laid over pylab's names: cm is the centimetre, as in Brian 2.
    assert namespace["cm"] is axonal.units.registry["cm"]
    # Python's built-ins stay, as pylab keeps them; axonal's own abs/max take their place.
    assert namespace["max"](1, 2) == 2 and namespace["round"](2.6) == 3


def test_numpy_namespace_keeps_units_where_brian2_does():
    from axonal import ms, mV
    from axonal import numpy_ as np

    steps = np.arange(0 * ms, 1 * ms, 0.25 * ms)
    assert steps.dim == ms.dim and list(numpy.asarray(steps)) == pytest.approx(
        [0, 2.5e-4, 5e-4, 7.5e-4]
    )
    assert np.mean([1, 3] * mV) == 2 * mV
    assert np.random.rand is numpy.random.rand and np.pi == numpy.pi and np.float64 is numpy.float64


def test_import_of_axonal_loads_neither_matplotlib_nor_pandas_nor_numba():
    # Numba (0.3-0.5 s and ~60 MB) loads when the compiled target or a SpatialNeuron needs it.
    out = _run(
        "import sys, axonal\nfrom axonal import *\n"
        "modules = ('matplotlib', 'pandas', 'unittest', 'numba')\n"
        "print(sorted(m for m in modules if m in sys.modules))"
    )
    assert out == "[]"


def test_star_import_lists_each_name_once_and_each_listed_name_is_the_module_attribute():
    import axonal

    assert len(axonal.__all__) == len(set(axonal.__all__))
    namespace = {}
    exec("from axonal import *", namespace)
    assert all(namespace[name] is getattr(axonal, name) for name in axonal.__all__)
    # A name both pylab and a room give is the room's (listed once, after pylab's).
    assert namespace["seed"] is axonal.network.seed and namespace["mean"] is axonal.units.mean


def test_names_are_units_where_brian2s_star_import_gives_units():
    """Brian 2's star import leaves pylab's gray() and TH where axonal has units of those
    names; every name both give is a unit in both or in neither."""
    from axonal.units import Quantity
    from tests.brian2_api.brian2_values import brian2_behaviour

    namespace = {}
    exec("from axonal import *", namespace)
    brian2_units = brian2_behaviour("star_import_is_unit")
    differing = sorted(
        name
        for name, is_unit in brian2_units.items()
        if name in namespace and isinstance(namespace[name], Quantity) != is_unit
    )
    assert differing == []
    assert callable(namespace["gray"]) and namespace["TH"].weekday == 3


def test_star_import_gives_brian2s_subpackage_names():
    # Brian 2.9.0's `from brian2 import *` gives these modules too (with others axonal has no
    # room for); scripts use them, e.g. Brette 2012's `codegen.target = 'numpy'`.
    import types

    import axonal

    namespace = {}
    exec("from axonal import *", namespace)
    for name in ("codegen", "core", "devices", "groups", "monitors", "synapses", "units"):
        assert isinstance(namespace[name], types.ModuleType)
        assert namespace[name] is getattr(axonal, name)
        assert namespace[name].__name__ == f"axonal.{name}"
