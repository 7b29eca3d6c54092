"""``pyNN.axonal`` resolves to axonal.pynn, so PyNN's get_simulator() finds the backend."""

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pyNN")

SCRIPT = """
import sys
from pyNN.utility import get_simulator
sim, args = get_simulator()
sim.setup(timestep=0.1)
cells = sim.Population(2, sim.IF_curr_exp(i_offset=[1.0, 2.0]))
cells.record("spikes")
sim.run(100.0)
print(sim.__name__, sorted(cells.get_spike_counts().values()))
"""


def test_importing_axonal_pynn_registers_the_pynn_name():
    import importlib

    backend = importlib.import_module("axonal.pynn")
    assert importlib.import_module("pyNN.axonal") is backend


def test_installed_alias_lets_get_simulator_run_a_script_on_axonal(tmp_path):
    import pyNN

    from axonal.pynn.alias import install

    # a stand-in for the installed PyNN package (its modules found through __path__), so that
    # the test does not write into the environment's own PyNN
    real = Path(pyNN.__file__).parent
    package = tmp_path / "pyNN"
    package.mkdir()
    (package / "__init__.py").write_text(
        f"__path__.append({str(real)!r})\n" + (real / "__init__.py").read_text()
    )
    install(package)
    script = tmp_path / "script.py"
    script.write_text(SCRIPT)
    done = subprocess.run(
        [sys.executable, str(script), "axonal"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin"},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[0] == "axonal.pynn"
    counts = [int(c) for c in done.stdout.split("[", 1)[1].rstrip("]\n").split(",")]
    assert counts[0] < counts[1]  # more current, more spikes
