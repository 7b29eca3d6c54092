"""A sweep worker's Python interpreter kept across runs: it imports axonal (and Numba) once,
then runs one script after another as `axonal run` runs one (`axonal.records.launch.run`),
putting axonal's and the process's state back before each run (`process_state`), so that the
compiled kernels and imported modules are reused and nothing else is.

Usage (internal): `python -m axonal.sweeps.interpreter PARENT_PID REQUESTS_FD REPLIES_FD`.
One JSON line per request on REQUESTS_FD (script, arguments, facts file, stdout and stderr
files, environment), one JSON line per reply on REPLIES_FD (exit code, what the run left
behind); the interpreter ends when REQUESTS_FD closes, and dies with its worker (SIGKILL).
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

from axonal.sweeps.child import _die_with_parent

# glibc's mallopt parameters, and the values its adaptive thresholds reach at most (64-bit).
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_MMAP_THRESHOLD_MAX = 32 * 1024 * 1024
# What the user may have set for malloc themselves (then left as they set it).
_MALLOC_VARIABLES = ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TOP_PAD_")


def _keep_freed_memory() -> bool:
    """Keep the memory a run frees for the next run (glibc: arrays up to 32 MB from the heap,
    up to 64 MB of free heap kept); returns whether the settings were made.

    glibc hands the top of its heap back to the system once more than its trim threshold is
    free there, a threshold it raises only as far as the largest array freed so far (a few MB
    for CUBA 4000). The reset between runs frees a whole network at once, so each run of CUBA
    4000 took its ~27 MB from the system again (6,800 page faults per run, against 400 in a
    plain loop). These are the values glibc's own adaptive thresholds reach at most, set from
    the start."""
    if (
        not sys.platform.startswith("linux")
        or any(name in os.environ for name in _MALLOC_VARIABLES)
        or "malloc" in os.environ.get("GLIBC_TUNABLES", "")
    ):
        return False
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    return bool(
        mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD_MAX)
        and mallopt(_M_TRIM_THRESHOLD, 2 * _MMAP_THRESHOLD_MAX)
    )


def _warm_up() -> None:
    """What every run would import first: the simulator, and its compiled target's machinery."""
    import axonal

    axonal.__all__  # noqa: B018 - assembles the user's namespace (imports every room)
    from axonal.codegen.targets import get_target

    if get_target() == "numba":
        from importlib import import_module

        import_module("axonal.codegen.numba_target")  # Numba and the compiled target's code
        # Numba's first use (its target context, loading the cached seeding function): ~1 s
        # that the first run would pay. Every run seeds it again with fresh entropy (reset).
        from axonal.codegen.numba_functions import seed_numba
        from axonal.network.random import register_numba_seed

        seed_numba()  # fresh entropy, as a new process's Numba has
        register_numba_seed(seed_numba)


def _redirected(stdout_path: str, stderr_path: str) -> list[int]:
    """Send file descriptors 1 and 2 (Python's and compiled code's output) to the run's files;
    returns the saved descriptors."""
    saved = []
    for descriptor, path in ((1, stdout_path), (2, stderr_path)):
        saved.append(os.dup(descriptor))
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, descriptor)
        os.close(target)
    return saved


def _restore_output(saved: list[int]) -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    for descriptor, original in zip((1, 2), saved, strict=True):
        os.dup2(original, descriptor)
        os.close(original)


def _compiled_from_the_first_step() -> None:
    """Runs in a kept interpreter start compiled, not tiered, unless $AXONAL_TIERED_START
    says otherwise. The interpreter keeps a run's compiled loop for the next runs of the model,
    so tiered start would only move its first runs to NumPy while the loop is loaded: 48 runs
    of CUBA 4000, 200 ms, warm sweep on 2 workers took 1.95-1.98 s with it against
    1.56-1.57 s without (load 1.3-1.6)."""
    from axonal.codegen import preferences

    if preferences.TIERED_START_VARIABLE not in os.environ:
        preferences.prefs.codegen.tiered_start = False


def serve(requests: Any, replies: Any) -> None:
    """Run each request's script in this process until the requests end."""
    from axonal.records import launch
    from axonal.sweeps.process_state import Baseline

    _compiled_from_the_first_step()  # (the warm-up's run too)
    _warm_up()
    baseline = Baseline.take()
    for line in requests:
        request = json.loads(line)
        baseline.enter(request["environment"])
        saved = _redirected(request["stdout"], request["stderr"])
        try:
            facts = launch.run(request["script"], request["arguments"])
        finally:
            _restore_output(saved)
        with open(request["facts"], "w", encoding="utf-8") as stream:
            json.dump(facts, stream, default=str)
        baseline.reset()
        reply = {"exit_code": facts["exit_code"], "leftovers": baseline.leftovers()}
        replies.write(json.dumps(reply) + "\n")
        replies.flush()


def main() -> None:
    parent_pid, requests_fd, replies_fd = (int(value) for value in sys.argv[1:4])
    _die_with_parent(parent_pid)
    _keep_freed_memory()
    sys.argv = [sys.argv[0]]
    started = time.time()
    with (
        os.fdopen(requests_fd, "r", encoding="utf-8") as requests,
        os.fdopen(replies_fd, "w", encoding="utf-8") as replies,
    ):
        replies.write(json.dumps({"pid": os.getpid(), "started": started}) + "\n")
        replies.flush()
        serve(requests, replies)


if __name__ == "__main__":
    main()
