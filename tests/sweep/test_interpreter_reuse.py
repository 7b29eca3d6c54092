"""A worker's kept interpreter: a run's result and record do not depend on the run before it on
the same interpreter (axonal's global state and the process's are put back), and a run that
fails, crashes or leaves a thread behind gets its interpreter replaced before the next run."""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import pytest

from axonal.records.project import load_project
from axonal.sweeps import interpreters
from axonal.sweeps.execute import RunFacts, run_environment, run_one
from tests.sweep.conftest import make_project

# Changes everything a script can change in axonal and in its process, then (mode=raise) fails,
# (mode=crash) kills its own process, or (mode=thread) leaves a thread running.
LEAKY = textwrap.dedent(
    """
    import os, sys, threading, time, warnings
    import numpy
    from axonal import *
    import user_state

    p = parameters({"mode": "leak"})
    user_state.counter += 1
    defaultclock.dt = 0.05 * ms
    prefs.codegen.target = "numpy"
    prefs.codegen.cpp.extra_compile_args = ["-O0"]
    seed(7)
    G = NeuronGroup(2, "dv/dt = -v / (5 * ms) : 1", method="exact")
    Clock(dt=1 * ms)
    run(1 * ms)
    store("leaky")
    set_device("cpp_standalone", build_on_run=False)
    os.environ["AXONAL_SWEEP_LEAK"] = "1"
    os.chdir("..")
    warnings.simplefilter("error")
    numpy.seterr(all="raise")
    sys.path.insert(0, "/leaked")
    if p.mode == "raise":
        raise RuntimeError("failed half-way")
    if p.mode == "crash":
        os.kill(os.getpid(), 9)
    if p.mode == "thread":
        threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
    report(counter=user_state.counter)
    """
)

# Reports what it finds; its model is deterministic (no random numbers, no seed() call).
PROBE = textwrap.dedent(
    """
    import os, sys, warnings
    import numpy
    from axonal import *
    import user_state

    user_state.counter += 1
    try:
        restore("leaky")
        restored = 1
    except Exception:
        restored = 0
    G = NeuronGroup(10, "dv/dt = (1.2 - v) / (10 * ms) : 1", threshold="v > 1", reset="v = 0",
                    method="exact")
    G.v = "i / 10.0"
    spikes = SpikeMonitor(G)
    clock = Clock(dt=1 * ms)
    run(20 * ms)
    report(
        dt=defaultclock.dt, t=defaultclock.t, target=prefs.codegen.target,
        ignored=str(prefs["codegen.cpp.extra_compile_args"]), counter=user_state.counter,
        environment=int("AXONAL_SWEEP_LEAK" in os.environ), folder=os.getcwd(),
        numpy_errors=str(sorted(numpy.geterr().items())), path=int("/leaked" in sys.path),
        warning_filters=len(warnings.filters), group=G.name, clock=clock.name,
        restored=restored, spikes=int(spikes.num_spikes),
        device=type(get_device()).__name__,
    )
    """
)

# Takes 40 MB in arrays of 1-3 MB (as a network's state and synapses), held to the run's end,
# and reports how many pages the system had to give it (minor page faults) while doing so.
MEMORY = textwrap.dedent(
    """
    import resource
    import numpy
    from axonal.records import report

    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    arrays = [numpy.ones((1 + k % 3) * 2**20 // 8) for k in range(20)]
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
    report(faults=faults, pages=sum(a.nbytes for a in arrays) // resource.getpagesize())
    """
)

# A compiled (Numba) model whose synaptic weight comes from the parameters; reports how many
# compiled loops the magic network held before this run built its own.
LOOPS = textwrap.dedent(
    """
    import numpy
    from axonal import *
    from axonal.network.fused import loop_function_of
    from axonal.network.magic import magic_network

    p = parameters({"w": 0.05})
    prefs.codegen.target = "numba"
    kept = len(loop_function_of(magic_network))
    G = NeuronGroup(20, "dv/dt = (1.1 - v) / (10 * ms) : 1", threshold="v > 1", reset="v = 0",
                    method="exact")
    G.v = "i / 20.0"
    w = p.w
    S = Synapses(G, G, on_pre="v += w")
    S.connect(i=numpy.arange(20), j=(numpy.arange(20) + 1) % 20)
    spikes = SpikeMonitor(G)
    run(50 * ms)
    report(kept=kept, spikes=int(spikes.num_spikes), v_sum=float(numpy.sum(G.v)))
    """
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = make_project(tmp_path / "study")
    (root / "leaky.py").write_text(LEAKY)
    (root / "probe.py").write_text(PROBE)
    (root / "user_state.py").write_text("counter = 0\n")
    (root / "memory.py").write_text(MEMORY)
    (root / "loops.py").write_text(LOOPS)
    yield root
    interpreters.close_all()


def _run(root: Path, script: str, *arguments: str) -> RunFacts:
    project = load_project(root)
    return run_one(
        project, project.resolved_store_url, str(root / script), list(arguments),
        f"{script}-run", "key", "isolation", False, [], {},
    )  # fmt: skip


def _interpreter(result: RunFacts) -> dict:
    return result.details["sweep"]["interpreter"]


def _model_names(result: RunFacts) -> list:
    return [
        sorted(item["name"] for item in summary.get("objects", []))
        for summary in result.closing_details["model"]
    ]


def test_a_run_does_not_see_what_the_run_before_it_changed(project, monkeypatch):
    monkeypatch.chdir(project)
    first = _run(project, "probe.py")
    leak = _run(project, "leaky.py")
    second = _run(project, "probe.py")
    assert leak.closing_fields["status"] == "finished", leak.closing_details["failure"]
    # the three ran in one interpreter, one after another
    assert _interpreter(first)["pid"] == _interpreter(leak)["pid"] == _interpreter(second)["pid"]
    assert [_interpreter(r)["run_in_interpreter"] for r in (first, leak, second)] == [1, 2, 3]
    assert _interpreter(second)["reused"] and not _interpreter(first)["reused"]
    expected = first.closing_details["figures"]
    assert second.closing_details["figures"] == expected
    # and what a fresh interpreter finds is what a new process starts with
    figures = {name: value.get("value") for name, value in expected.items()}
    assert figures["counter"] == 1 and figures["restored"] == 0 and figures["environment"] == 0
    assert figures["folder"] == str(project) and figures["device"] == "RuntimeDevice"
    assert figures["group"] == "neurongroup" and figures["clock"] == "clock"
    assert figures["spikes"] > 0
    assert _model_names(second) == _model_names(first)
    # the record's seed is this run's: the leaky run's seed(7) is not reported again
    assert leak.closing_fields["seed"] == "7"
    assert second.closing_fields.get("seed") is None


def _figure(result: RunFacts, name: str):
    return result.closing_details["figures"][name]["value"]


def test_a_kept_interpreter_reuses_the_compiled_loop_with_the_new_values(project, monkeypatch):
    """The magic network's compiled loop is kept between runs (a grid that changes values runs
    one loop), and a run on a kept loop gives what a new process gives with its values."""
    monkeypatch.chdir(project)
    first = _run(project, "loops.py", "w=0.05")
    second = _run(project, "loops.py", "w=0.3")
    assert _interpreter(second)["reused"], first.closing_details.get("failure")
    assert (_figure(first, "kept"), _figure(second, "kept")) == (0, 1)
    project_ = load_project(project)
    fresh = run_one(
        project_, project_.resolved_store_url, str(project / "loops.py"), ["w=0.3"], "fresh",
        "key", "isolation", False, [], {}, fresh_process=True,
    )  # fmt: skip
    for name in ("spikes", "v_sum"):
        assert _figure(second, name) == _figure(fresh, name)
    assert _figure(second, "spikes") > _figure(first, "spikes")  # the new weight was used


def test_a_run_waits_for_the_interpreter_started_ahead_and_runs_in_it(project, monkeypatch):
    monkeypatch.chdir(project)
    environment = run_environment()
    starting = interpreters.prestart(environment, project)
    assert interpreters.prestart(environment, project) is starting  # not a second one
    result = _run(project, "probe.py")  # at once: the interpreter is still starting
    ahead = starting.result()
    assert _interpreter(result)["pid"] == ahead.process.pid
    assert _interpreter(result)["run_in_interpreter"] == 1
    assert result.closing_details["figures"]["counter"]["value"] == 1


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc settings")
def test_a_kept_interpreter_reuses_the_memory_the_run_before_it_freed(project, monkeypatch):
    """A reused interpreter is not a fresh process in one respect, on purpose: the memory a run
    freed (all at once, as a network is at the reset) is kept for the next run, as a plain loop
    keeps it, instead of being taken from the system page by page again."""
    monkeypatch.chdir(project)
    runs = [_run(project, "memory.py") for _ in range(3)]
    assert len({_interpreter(run)["pid"] for run in runs}) == 1
    pages = _figure(runs[0], "pages")
    assert _figure(runs[0], "faults") > 0.8 * pages  # the first run: all new to the process
    assert [_figure(run, "faults") < 0.1 * pages for run in runs[1:]] == [True, True]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc settings")
def test_malloc_settings_the_user_made_are_left_as_they_are(project, monkeypatch):
    monkeypatch.chdir(project)
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", str(128 * 1024))  # every array its own mmap
    runs = [_run(project, "memory.py") for _ in range(2)]
    assert _interpreter(runs[1])["reused"]
    assert _figure(runs[1], "faults") > 0.8 * _figure(runs[1], "pages")


@pytest.mark.parametrize(
    ("mode", "status", "reason"),
    [
        ("raise", "failed", "the run before failed"),
        ("crash", "killed", "the interpreter ended with status -9"),
        ("thread", "finished", "the run left threads still running"),
    ],
)
def test_a_run_that_fails_or_leaves_something_behind_gets_a_new_interpreter(
    project, monkeypatch, mode, status, reason
):
    monkeypatch.chdir(project)
    bad = _run(project, "leaky.py", f"mode={mode}")
    after = _run(project, "probe.py")
    assert bad.closing_fields["status"] == status
    if mode == "raise":
        assert "RuntimeError: failed half-way" in bad.closing_details["failure"]
    assert _interpreter(after)["pid"] != _interpreter(bad)["pid"]
    assert not _interpreter(after)["reused"]
    assert _interpreter(after)["replaced_because"].startswith(reason)
    figures = after.closing_details["figures"]
    assert figures["counter"]["value"] == 1 and figures["restored"]["value"] == 0


def test_fresh_process_runs_as_axonal_run(project, monkeypatch):
    monkeypatch.chdir(project)
    project_ = load_project(project)
    result = run_one(
        project_, project_.resolved_store_url, str(project / "probe.py"), [], "fresh", "key",
        "isolation", False, [], {}, fresh_process=True,
    )  # fmt: skip
    assert result.closing_fields["status"] == "finished"
    assert result.details["sweep"]["interpreter"] == {"pid": None, "fresh_process": True}
    assert result.closing_details["figures"]["counter"]["value"] == 1


def test_an_interpreter_that_cannot_start_says_why_in_the_runs_output(project, tmp_path):
    broken = tmp_path / "shadow" / "axonal"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("raise ImportError('a broken axonal on the path')\n")
    environment = {**os.environ, "PYTHONPATH": str(broken.parent)}
    outcome = interpreters.run_in_interpreter(
        str(project / "probe.py"), [], str(tmp_path / "facts.json"), environment, project
    )
    assert outcome.returncode == 1
    assert b"ImportError: a broken axonal on the path" in outcome.stderr
    assert not interpreters._idle  # not kept: the next run gets a new one
