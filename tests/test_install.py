"""`pip install axonal` gives what the README promises: the compiled target and the run records."""

import subprocess
import sys
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).resolve().parent.parent


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def requirement_names(requirements: list[str]) -> set[str]:
    names = set()
    for requirement in requirements:
        name = requirement.split(";")[0]
        for stop in "<>=!~[ ":
            name = name.split(stop)[0]
        names.add(name.lower())
    return names


def test_core_dependencies_hold_the_compiled_target_and_the_run_records():
    core = requirement_names(project()["dependencies"])
    assert {"numpy", "sympy", "numba", "sqlalchemy", "pyyaml", "platformdirs"} <= core
    assert "psycopg" not in core  # the PostgreSQL driver stays optional


def test_old_extras_still_install():
    extras = project()["optional-dependencies"]
    for name in ("numba", "records", "postgres", "plot", "pandas", "docs", "examples", "all"):
        assert name in extras, name
    assert "psycopg" in requirement_names(extras["postgres"])
    assert extras["records"] == ["axonal[postgres]"]


def test_axonal_and_the_records_import_without_the_optional_packages():
    # Optional packages blocked as if not installed: the simulator, a run, the record store and
    # the command line still work; only the features that need them say so.
    code = """
import sys
for name in ("pandas", "matplotlib", "psycopg"):
    sys.modules[name] = None
from axonal import *
import axonal.cli, axonal.records.store, axonal.records.runner, axonal.records.web
set_target('numpy')
G = NeuronGroup(1, 'dv/dt = (1 - v)/(10*ms) : 1', threshold='v > 0.8', reset='v = 0',
                method='exact')
spikes = SpikeMonitor(G)
run(20 * ms)
print(spikes.num_spikes)
try:
    spikes.to_dataframe()
except ImportError as error:
    print(error)
"""
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0] == "1"
    assert lines[1].endswith("pip install 'axonal[pandas]'")
