"""Tiered start (on by default) among processes: a child left compiling when its process ends
finishes on its own holding none of the process's output, a sweep's kept interpreter starts
tiered runs when $AXONAL_TIERED_START asks (else compiled) and resets the preference between
runs, and the README's first command (the
flagship) and PyNN scripts give the results of runs compiled from the first step."""

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from axonal import *
from axonal.codegen.preferences import TIERED_START_VARIABLE
from axonal.network import tiered
from tests.network.test_tiered import (  # noqa: F401 (a fixture)
    empty_cache,
    only_in_the_compiled_session,
)

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="tiered start forks (Linux only)"
)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def compiled_session(request):
    only_in_the_compiled_session(request)


# A short run whose process ends while its child still compiles (slowed down by 4 s here).
LEAVES_A_CHILD = textwrap.dedent(
    """
    import sys, time
    from axonal import *
    from axonal.network import tiered

    tiered._idle_core = lambda: True  # (fork the child whatever the machine's load)
    loop_in_child = tiered._loop_in_child  # (what the child does first: make the loop)

    def slowly(*arguments):
        time.sleep(4)
        return loop_in_child(*arguments)

    tiered._loop_in_child = slowly
    G = NeuronGroup(100, "dv/dt = (1.2 - v) / (10*ms) : 1", threshold="v > 1", reset="v = 0",
                    method="exact")
    run(1 * ms)
    (child,) = tiered._in_flight.values()
    print(child.pid, int("numba" in sys.modules), flush=True)  # (the child imports it)
    """
)


def default_environment(cache: Path) -> dict[str, str]:
    """A new process's environment with tiered start as it is by default."""
    environment = {**os.environ, "AXONAL_CACHE_DIR": str(cache), "AXONAL_TARGET": "numba"}
    environment.pop(TIERED_START_VARIABLE, None)
    return environment


def running(pid: int) -> bool:
    """Whether process ``pid`` exists and has not exited (a zombie has)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def ended_soon(pid: int, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while running(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.slow
def test_a_child_left_compiling_finishes_on_its_own_and_holds_no_output(tmp_path):
    script = tmp_path / "leaves_a_child.py"
    script.write_text(LEAVES_A_CHILD)
    started = time.monotonic()
    finished = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True,
        env=default_environment(tmp_path / "cache"), timeout=120, check=False,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr
    child, numba_imported = (int(word) for word in finished.stdout.split())
    assert not numba_imported  # a run that ends on NumPy pays nothing for the compiled target
    # Reading the process's output to its end did not wait for the child (it holds none of
    # it): the child still compiles, then ends on its own and leaves the loop in the cache.
    assert running(child) and time.monotonic() - started < 60
    assert ended_soon(child, seconds=120)
    assert list((tmp_path / "cache").rglob("*run_loop*.nbi"))


# A deterministic model; mode=off turns tiered start off (the next run must not see it).
SWEPT = textwrap.dedent(
    """
    import os
    import numpy
    from axonal import *
    from axonal.network import tiered

    p = parameters({"mode": "default"})
    # Fork the child whatever the machine's load (not a lambda: it would keep this script's
    # globals, and so its model, alive after the run).
    tiered._idle_core = (1).__bool__
    on = prefs.codegen.tiered_start
    if p.mode == "off":
        prefs.codegen.tiered_start = False
    G = NeuronGroup(200, "dv/dt = (1.2 - v) / (10 * ms) : 1", threshold="v > 1", reset="v = 0",
                    method="exact", name="swept")
    G.v = "i / 200.0"
    S = Synapses(G, G, on_pre="v += 0.01", name="swept_synapses")
    S.connect(condition="(i + j) % 7 == 0")
    spikes = SpikeMonitor(G)
    run(5 * ms)
    children = [b.pid for b in list(tiered._in_flight.values()) + tiered._reaped]
    report(tiered=int(on), spikes=int(spikes.num_spikes), v_sum=float(numpy.sum(G.v)),
           children=",".join(map(str, children)), switches=len(tiered.switches))
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("variable", ["1", None])
def test_a_kept_sweep_interpreter_starts_tiered_when_asked_and_ends_its_children(
    tmp_path, monkeypatch, variable
):
    """$AXONAL_TIERED_START=1: the runs start tiered and the preference is reset between
    runs; without it a kept interpreter starts its runs compiled (it keeps their loops)."""
    pytest.importorskip("distributed")
    from axonal.records.project import load_project
    from axonal.sweeps import interpreters
    from axonal.sweeps.execute import run_one
    from tests.sweep.conftest import make_project

    root = make_project(tmp_path / "study")
    (root / "swept.py").write_text(SWEPT)
    monkeypatch.chdir(root)
    if variable is None:
        monkeypatch.delenv(TIERED_START_VARIABLE)
    else:
        monkeypatch.setenv(TIERED_START_VARIABLE, variable)
    monkeypatch.setenv("AXONAL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("AXONAL_TARGET", "numba")
    project = load_project(root)

    def run(mode: str) -> dict:
        result = run_one(
            project, project.resolved_store_url, str(root / "swept.py"), [f"mode={mode}"],
            f"swept-{mode}", "key", "isolation", False, [], {},
        )  # fmt: skip
        assert result.closing_fields["status"] == "finished", result.closing_details
        figures = {k: v["value"] for k, v in result.closing_details["figures"].items()}
        return {**figures, **result.details["sweep"]["interpreter"]}

    try:
        runs = [run("default"), run("off"), run("default")]
    finally:
        interpreters.close_all()  # the interpreter exits
    assert len({each["pid"] for each in runs}) == 1, [e.get("replaced_because") for e in runs]
    if variable is None:  # compiled from the first step, no child
        assert [each["tiered"] for each in runs] == [0, 0, 0]
        assert [each["children"] for each in runs] == ["", "", ""]
    else:
        assert [each["tiered"] for each in runs] == [1, 1, 1]  # reset after the run off
        assert runs[0]["children"]  # the first run forked its child from the interpreter
    assert len({(each["spikes"], each["v_sum"]) for each in runs}) == 1
    for pid in {int(pid) for each in runs for pid in each["children"].split(",") if pid}:
        assert ended_soon(pid)


def statistics(output: str) -> list[str]:
    """The flagship's printed statistics, less its wall-clock time."""
    return [line for line in output.splitlines() if "wall-clock" not in line]


@pytest.mark.slow
def test_the_flagship_as_the_readme_runs_it_gives_the_compiled_runs_statistics(tmp_path):
    flagship = str(ROOT / "examples" / "flagship.py")
    code = (
        "import runpy, sys; from axonal import BrianLogger; from axonal.network import tiered; "
        "tiered._idle_core = lambda: True; BrianLogger.log_level_info(); "
        f"sys.argv = ['flagship.py', '100']; runpy.run_path({flagship!r}, run_name='__main__')"
    )
    outputs = {}
    for name, value in (("default", None), ("off", "0")):
        environment = default_environment(tmp_path / name)
        environment["AXONAL_FLAGSHIP_RECORDED"] = "1"  # (not recorded in a project)
        environment.pop("AXONAL_TARGET")  # as the README runs it: the default target
        if value is not None:
            environment[TIERED_START_VARIABLE] = value
        finished = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
            env=environment, timeout=300, check=False,
        )  # fmt: skip
        assert finished.returncode == 0, finished.stderr[-2000:]
        outputs[name] = finished
    log = outputs["default"].stderr
    assert (
        "the run starts on NumPy" in log and "the run starts on NumPy" not in outputs["off"].stderr
    )
    child = int(log.split("; the run starts on NumPy")[0].rsplit("in process ", 1)[1])
    assert ended_soon(child)
    assert "spikes:" in outputs["default"].stdout
    assert statistics(outputs["default"].stdout) == statistics(outputs["off"].stdout)


@pytest.mark.usefixtures("empty_cache")
def test_pynn_runs_resets_and_runs_again_as_compiled_from_the_first_step():
    sim = pytest.importorskip("axonal.pynn")

    def simulate() -> list[np.ndarray]:
        sim.setup(timestep=0.1)
        cells = sim.Population(20, sim.IF_curr_exp(i_offset=[0.6 + 0.05 * k for k in range(20)]))
        drive = sim.Population(5, sim.SpikeSourceArray(spike_times=[3.0, 7.5, 12.0]))
        sim.Projection(drive, cells, sim.AllToAllConnector(),
                       sim.StaticSynapse(weight=0.4, delay=1.3))  # fmt: skip
        cells.record(["spikes", "v"])
        with tiered.switch_at_step(150):
            sim.run(10.0)  # NumPy (the child compiles)
            sim.run(20.0)  # switches at step 150
        sim.reset()
        sim.run(30.0)  # compiled in this process by now
        segments = cells.get_data().segments
        sim.end()
        return [
            np.concatenate([np.asarray(train) for train in segment.spiketrains])
            for segment in segments
        ] + [np.asarray(segment.analogsignals[0]) for segment in segments]

    found = simulate()
    assert [step for _, step in tiered.switches] == [150]
    prefs.codegen.tiered_start = False
    expected = simulate()
    assert found[0].size > 10
    for a, b in zip(found, expected, strict=True):
        np.testing.assert_array_equal(a, b)
