"""Brian 2.9.0's own example scripts run with only their brian2 imports swapped for axonal's.

Each script runs as written (full durations) in its own process, as ``__main__``, with the Agg
matplotlib backend and a 240 s limit, on the compiled target (the default one). The sweep runs
once per CI run: in the ``--target numba`` session; the NumPy session skips it. Examples that
cannot run for a reason that is not axonal's are skipped with that reason; deterministic ones are
compared with the digest of Brian 2's own run (tests/brian2_examples/reference/).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.brian2_examples.examples import example_names, skip_reason, swapped_copy
from tests.brian2_examples.fetch import FetchError, examples_folder
from tests.brian2_examples.make_reference import reference_path

SWEEP_TARGET = "numba"
TIMEOUT_SECONDS = 240
RUN_SLOW_EXAMPLES = "AXONAL_SLOW_BRIAN2_EXAMPLES"
HERE = Path(__file__).parent
RUNNER = HERE / "run_example.py"

_SLOW = "longer than the 240 s limit on the shared 2-core machine"
# Examples that take longer than the limit here, each with what was measured (session 5, one
# at a time, numba target; CPU seconds, since the machine's load made wall times meaningless;
# see /work/notes/issue-13.md). Skipped unless AXONAL_SLOW_BRIAN2_EXAMPLES=1, then expected to
# fail (not strict: a faster machine may pass them).
KNOWN_FAILURES: dict[str, str] = {
    "advanced/float_32_64_benchmark.py": (
        f"{_SLOW}: 36 runs of 4000 neurons for 1 s each, step by step (profile=True), 12 of "
        "them on the NumPy target; 39 s CPU for the first 13 runs"
    ),
    "frompapers/Graupner_Brunel_2012.py": (
        f"{_SLOW}: 41 runs (a multiprocessing pool) of 60 s simulated, each 2000 noisy "
        "synapses (heun) over 600,000 steps: 74 s CPU for one run, about 3000 s for all"
    ),
    "frompapers/Maass_Natschlaeger_Markram_2002.py": (
        f"{_SLOW}: the script's own NumPy analysis (a Gaussian convolution of every spike "
        "train, in a Python list comprehension) takes most of the time"
    ),
    "frompapers/Stimberg_et_al_2018/example_6_COBA_with_astro.py": (
        f"{_SLOW}: 1.28 million synapses with clock-driven equations for 80,000 steps: "
        "about 210 s CPU per simulated second (8 s simulated)"
    ),
}


def _names() -> list[str]:
    try:
        return example_names(examples_folder())
    except FetchError as error:  # no network for pip: the sweep is reported, not silently empty
        return [pytest.param("fetch", marks=pytest.mark.skip(reason=str(error)))]


@pytest.fixture(scope="session")
def swapped_examples(tmp_path_factory) -> Path:
    return swapped_copy(examples_folder(), tmp_path_factory.mktemp("brian2") / "examples")


def _run(script: Path, digest: Path) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "MPLBACKEND": "Agg",
        "AXONAL_TARGET": SWEEP_TARGET,
        "PYTHONUNBUFFERED": "1",
    }
    return subprocess.run(
        [sys.executable, str(RUNNER), str(script), str(digest)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=TIMEOUT_SECONDS,
    )


def _compare(name: str, digest: dict, reference: dict) -> None:
    for monitor, expected in reference["monitors"].items():
        assert monitor in digest, f"{name}: monitor {monitor} missing"
        got = digest[monitor]
        assert "error" not in got, f"{name}: {monitor}: {got.get('error')}"
        if expected["kind"] in ("SpikeMonitor", "EventMonitor"):
            assert got["count"] == expected["count"], f"{name}: {monitor} spike count"
            assert got["first_i"] == expected["first_i"], f"{name}: {monitor} spike order"
            np.testing.assert_allclose(got["first_t"], expected["first_t"], atol=1e-9)
        elif expected["kind"] == "PopulationRateMonitor":
            assert got["samples"] == expected["samples"]
            np.testing.assert_allclose(got["mean"], expected["mean"], rtol=1e-6, atol=1e-9)
        else:
            assert got["samples"] == expected["samples"], f"{name}: {monitor} samples"
            for variable, stats in expected["variables"].items():
                ours = got["variables"][variable]
                assert ours["shape"] == stats["shape"], f"{name}: {monitor}.{variable} shape"
                for key in ("mean", "std"):
                    np.testing.assert_allclose(
                        ours[key], stats[key], rtol=1e-5, atol=1e-12 + 1e-5 * abs(stats["std"]),
                        err_msg=f"{name}: {monitor}.{variable} {key}",
                    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("name", _names())
def test_brian2_example_runs(name, swapped_examples, tmp_path, request):
    if request.config.getoption("--target") != SWEEP_TARGET:
        pytest.skip(f"the examples sweep runs once per CI run, in the --target {SWEEP_TARGET} one")
    script = swapped_examples / name
    reason = skip_reason(script)
    if reason:
        pytest.skip(reason)
    if KNOWN_FAILURES.get(name, "").startswith(_SLOW) and not os.environ.get(RUN_SLOW_EXAMPLES):
        # Each would hold a worker up to the timeout: CI's time budget leaves them out.
        pytest.skip(f"{KNOWN_FAILURES[name]}; set {RUN_SLOW_EXAMPLES}=1 to run it")
    if name in KNOWN_FAILURES:
        request.applymarker(pytest.mark.xfail(reason=KNOWN_FAILURES[name], strict=False))
    digest_path = tmp_path / "digest.json"
    try:
        result = _run(script, digest_path)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{name} did not finish within {TIMEOUT_SECONDS} s")
    assert result.returncode == 0, f"{name} failed:\n{result.stderr[-3000:]}"
    reference = reference_path(name)
    if reference.exists():
        _compare(name, json.loads(digest_path.read_text()), json.loads(reference.read_text()))
