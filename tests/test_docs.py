"""The documentation: the "Coming from Brian 2" table is true, and the site builds.

The build (slow) is the documented command, ``python -m sphinx -W -b html docs <folder>``: warnings
are errors, every page's code is executed (an error fails the build), every script in examples/
runs for the gallery, and the API reference is generated from the docstrings.
"""

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

import axonal

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

# A row of the table: | `name` | status | notes |
ROW = re.compile(r"^\| `(?P<name>[^`]+)` \| (?P<status>supported|not yet|different) \|")


def brian2_rows() -> list[tuple[str, str]]:
    rows = []
    for line in (DOCS / "brian2.md").read_text().splitlines():
        match = ROW.match(line)
        if match:
            rows.append((match["name"], match["status"]))
    return rows


def exists_in_axonal(name: str) -> bool:
    """Whether ``name`` (``X``, ``X.attr`` or ``method='m'``) is something axonal has."""
    method = re.fullmatch(r"method='(\w+)'", name)
    if method:
        from axonal.integrate import METHODS

        return method[1] in METHODS
    head, *attributes = name.split(".")
    if head not in axonal.__all__:
        return False
    obj = getattr(axonal, head)
    for attribute in attributes:
        if not hasattr(obj, attribute):
            return False
        obj = getattr(obj, attribute)
    return True


def test_the_brian2_table_has_rows_of_each_kind():
    statuses = [status for _, status in brian2_rows()]
    assert statuses.count("supported") >= 20
    assert "not yet" in statuses and "different" in statuses


@pytest.mark.parametrize("name, status", brian2_rows())
def test_the_brian2_table_is_true(name, status):
    if status == "not yet":
        assert not exists_in_axonal(name), f"{name} exists now: update docs/brian2.md"
    else:
        assert exists_in_axonal(name), f"docs/brian2.md lists {name} as {status}, axonal lacks it"


@pytest.mark.slow
def test_the_site_builds_with_warnings_as_errors(tmp_path, request):
    if request.config.getoption("--target") != "numpy":
        pytest.skip("built once, in the NumPy pass (the gallery runs on the default target)")
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            str(DOCS),
            str(tmp_path / "html"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    seconds = time.perf_counter() - started
    assert done.returncode == 0, (
        f"sphinx-build failed:\n{done.stdout[-5000:]}\n{done.stderr[-5000:]}"
    )
    html = tmp_path / "html"
    # Every example has its gallery page with a figure; every public name is in the reference.
    for script in sorted((ROOT / "examples").glob("*.py")):
        page = (html / "gallery" / f"{script.stem}.html").read_text()
        assert "<img" in page, f"the gallery page of {script.name} shows no figure"
    reference = (html / "reference" / "api.html").read_text()
    for name in ("NeuronGroup", "Synapses", "get_target", "prefs", "defaultclock", "mV"):
        assert name in reference
    tutorial = (html / "tutorials" / "neurons.html").read_text()
    assert "0.99995460007" in tutorial  # v(100 ms), executed at build time (Brian 2: the same)
    assert tutorial.count("<img") >= 9  # the figures of its nine plotting cells
    print(f"docs built in {seconds:.0f} s")
