"""A feature whose optional package is missing says so in one line, with the pip command."""

import sys

import pytest

from axonal import *
from axonal.optional import MissingDependencyError, require


def test_require_returns_the_module_when_installed():
    import json

    assert require("json", "anything", "none") is json


def test_require_names_the_feature_and_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now fails as if missing
    with pytest.raises(MissingDependencyError) as caught:
        require("pandas", "StateMonitor.to_dataframe()", "pandas")
    message = str(caught.value)
    assert "StateMonitor.to_dataframe() needs the package 'pandas'" in message
    assert "pip install 'axonal[pandas]'" in message
    assert "\n" not in message
    assert isinstance(caught.value, ModuleNotFoundError)  # old `except ImportError` still works


def test_a_broken_dependency_of_the_package_is_not_hidden(monkeypatch, tmp_path):
    # A package that is installed but fails to import its own dependency: that error stays.
    (tmp_path / "half_installed.py").write_text("import not_a_module_anywhere\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError) as caught:
        require("half_installed", "a feature", "extra")
    assert not isinstance(caught.value, MissingDependencyError)
    assert caught.value.name == "not_a_module_anywhere"


def test_to_dataframe_without_pandas_gives_the_pip_command(monkeypatch):
    start_scope()
    G = NeuronGroup(2, "v : 1", threshold="True")
    spikes = SpikeMonitor(G)
    run(1 * ms)
    assert len(spikes.to_dataframe()) == 20  # 2 neurons spiking on each of 10 steps
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'axonal\[pandas\]'"):
        spikes.to_dataframe()


def test_postgres_store_without_psycopg_gives_the_pip_command(monkeypatch):
    from axonal.records.errors import StoreError
    from axonal.records.store import RecordStore

    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(StoreError, match=r"pip install 'axonal\[postgres\]'"):
        RecordStore("postgresql://user@localhost/records")


def test_record_plots_without_matplotlib_give_the_pip_command(monkeypatch):
    from axonal.records.plots import raster_png

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'axonal\[plot\]'"):
        raster_png([0.001, 0.002], [0, 1], 2)


def test_get_target_says_which_target_set_target_chose():
    before = get_target()
    try:
        set_target("numpy")
        assert get_target() == "numpy"
        set_target("numba")
        assert get_target() == "numba"
        assert prefs.codegen.target == "cython"  # Brian's name for a compiled runtime target
    finally:
        set_target(before)
