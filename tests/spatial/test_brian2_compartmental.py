"""Brian 2.9.0's compartmental examples (examples/compartmental/ of its sdist) run on axonal
with only their brian2 imports swapped, each in its own process (full durations, Agg backend),
on the compiled target, once per CI run (in the --target numba session: on the NumPy target
they take about 5 minutes; the NumPy target is checked by the analytic and Brian 2 trace
tests). Their monitors are compared with the digests of Brian 2's own
runs (tests/spatial/reference/, made by tests/spatial/make_reference.py) where the example
binds monitors to names; both simulators discretise and step the cable alike, so the means
and spreads of the recorded traces agree to 1e-5 of their spread."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.brian2_examples.examples import swapped_copy
from tests.brian2_examples.fetch import FetchError, examples_folder
from tests.brian2_examples.test_brian2_examples import _compare
from tests.spatial.make_reference import reference_path

TIMEOUT_SECONDS = 600
SWEEP_TARGET = "numba"
RUNNER = Path(__file__).parent.parent / "brian2_examples" / "run_example.py"

KNOWN_FAILURES: dict[str, str] = {}


def _names() -> list:
    try:
        folder = examples_folder() / "compartmental"
    except FetchError as error:
        return [pytest.param("fetch", marks=pytest.mark.skip(reason=str(error)))]
    return sorted(path.name for path in folder.glob("*.py"))


@pytest.fixture(scope="module")
def swapped(tmp_path_factory) -> Path:
    return swapped_copy(examples_folder(), tmp_path_factory.mktemp("compartmental") / "examples")


@pytest.mark.slow
@pytest.mark.parametrize("name", _names())
def test_compartmental_example(name, swapped, tmp_path, request):
    if request.config.getoption("--target") != SWEEP_TARGET:
        pytest.skip(f"the compartmental examples run once, in the --target {SWEEP_TARGET} run")
    if name in KNOWN_FAILURES:
        request.applymarker(pytest.mark.xfail(reason=KNOWN_FAILURES[name], strict=True))
    digest = tmp_path / "digest.json"
    environment = {
        **os.environ, "MPLBACKEND": "Agg", "PYTHONUNBUFFERED": "1",
        "AXONAL_TARGET": SWEEP_TARGET,
    }  # fmt: skip
    script = swapped / "compartmental" / name
    result = subprocess.run(
        [sys.executable, str(RUNNER), str(script), str(digest)],
        capture_output=True, text=True, env=environment, timeout=TIMEOUT_SECONDS,
    )  # fmt: skip
    assert result.returncode == 0, f"{name} failed:\n{result.stderr[-3000:]}"
    reference = reference_path(name)
    if reference.exists():
        _compare(name, json.loads(digest.read_text()), json.loads(reference.read_text()))
