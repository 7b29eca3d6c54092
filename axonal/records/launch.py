"""The process that runs a script for `axonal run` and reports what the recorder cannot see.

It runs the script as `python SCRIPT` would, then writes one JSON file of facts from inside
the process: how it ended (with the traceback), the parameters the script read, the packages it
imported, the files it opened, and the model axonal simulated. Usage (internal):
`python -m axonal.records.launch FACTS_FILE SCRIPT [ARGUMENTS...]`.
"""

from __future__ import annotations

import json
import os
import runpy
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from axonal.records import figures, parameter_sets
from axonal.records.environment import imported_packages
from axonal.records.files import FileWatcher
from axonal.records.model_summary import ConstantsWatcher

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


# Names the `axonal run` process that started this one; the script dies with it.
PARENT_ENVIRONMENT = "AXONAL_RUN_PARENT"
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# Sent by Linux when `axonal run` dies; a real-time signal that scripts leave alone.
PARENT_DEATH_SIGNAL = signal.SIGRTMIN + 3 if hasattr(signal, "SIGRTMIN") else signal.SIGTERM
_parent_died = False


class RunKilled(BaseException):
    """Raised in the script when the process receives SIGTERM or SIGHUP."""


def die_with_parent() -> int | None:
    """Ask Linux to signal this process when the `axonal run` that started it dies (SIGKILL,
    the OOM killer), so that no script runs on unrecorded; returns that parent's process id
    (None when not started by `axonal run`). The signal is one of its own (not SIGTERM, which
    the parent forwards), so that the script stops knowing that nobody will read its facts."""
    parent = os.environ.pop(PARENT_ENVIRONMENT, None)
    if parent is None:
        return None

    def parent_died(_signum: int, _frame: Any) -> None:
        global _parent_died
        _parent_died = True
        os.kill(os.getpid(), signal.SIGTERM)  # stops the script as SIGTERM does

    signal.signal(PARENT_DEATH_SIGNAL, parent_died)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, PARENT_DEATH_SIGNAL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != int(parent):  # it died before the request was made
        sys.exit(128 + signal.SIGTERM)
    return int(parent)


def model_summaries() -> list[dict[str, Any]] | None:
    """What axonal's network says it simulated in this process, or None when it cannot say."""
    network = sys.modules.get("axonal.network")
    summaries = getattr(network, "run_summaries", None)
    if summaries is None:
        return None
    try:
        return list(summaries())
    except Exception as error:  # noqa: BLE001 - a broken summary must not lose the record
        return [{"error": f"run_summaries() failed: {error!r}"}]


def _script_traceback(script: str) -> str:
    """The traceback of the error being handled, from the script's first frame on (the
    launcher's and runpy's frames say nothing to the scientist)."""
    kind, error, frames = sys.exc_info()
    target = os.path.abspath(script)
    first = frames
    while first is not None and os.path.abspath(first.tb_frame.f_code.co_filename) != target:
        first = first.tb_next
    return "".join(traceback.format_exception(kind, error, first or frames))


def last_seed() -> Any:
    """The last value the script gave axonal's `seed()`, or None (read after the run, so
    that nothing is imported for scripts that never load the simulator)."""
    reader = getattr(sys.modules.get("axonal.network.random"), "last_seed", None)
    return None if reader is None else reader()


def run(script: str, arguments: list[str]) -> dict[str, Any]:
    """Run `script` with `arguments` in this process; return the facts of the run."""
    final_parameters: list[dict[str, Any]] = []
    parameter_sets._parameter_listeners.append(final_parameters.append)
    reported: dict[str, Any] = {}
    figures._figure_listeners.append(reported.update)
    model_constants = ConstantsWatcher()
    summaries_before = len(model_summaries() or [])

    stopping: list[int] = []

    def stop(signum: int, _frame: Any) -> None:
        # Ctrl-C reaches this process twice (from the terminal, and forwarded by `axonal run`):
        # the first signal stops the script, later ones must not cut the record short.
        if stopping:
            return
        stopping.append(signum)
        raise KeyboardInterrupt() if signum == signal.SIGINT else RunKilled()

    for signum in STOP_SIGNALS:
        signal.signal(signum, stop)
    status, exit_code, failure = "finished", 0, None
    sys.argv = [script, *arguments]
    sys.path[0] = str(Path(script).resolve().parent)  # as `python SCRIPT` sets it
    clock = time.perf_counter()
    with FileWatcher() as watcher:
        try:
            runpy.run_path(script, run_name="__main__")
        except SystemExit as exit_request:
            code = exit_request.code
            if code not in (None, 0):
                status, exit_code = "failed", code if isinstance(code, int) else 1
                failure = f"The script exited with status {code}."
                if not isinstance(code, int):
                    print(code, file=sys.stderr)
        except KeyboardInterrupt:
            status, exit_code, failure = "killed", 128 + signal.SIGINT, "Interrupted (SIGINT)."
        except RunKilled:
            signum = stopping[0] if stopping else signal.SIGTERM
            status, exit_code = "killed", 128 + signum
            failure = "Hangup (SIGHUP)." if signum == signal.SIGHUP else "Terminated (SIGTERM)."
        except BaseException:  # noqa: BLE001 - whatever the script raised is recorded
            status, exit_code, failure = "failed", 1, _script_traceback(script)
            print(failure, file=sys.stderr, end="")
        finally:
            # A second signal while the facts are gathered must not lose them.
            for signum in STOP_SIGNALS:
                signal.signal(signum, signal.SIG_IGN)
    duration = time.perf_counter() - clock
    summaries = model_summaries()
    return {
        "status": status,
        "exit_code": exit_code,
        "failure": failure,
        "duration": duration,
        "parameters": final_parameters[-1] if final_parameters else None,
        "seed": last_seed(),
        "packages": imported_packages(),
        "model": None if summaries is None else summaries[summaries_before:],
        "constants": model_constants.by_run(),
        "figures": reported,
        "read": sorted(watcher.read - watcher.written),
        "written": sorted(watcher.written),
    }


def main() -> None:
    facts_file, script, *arguments = sys.argv[1:]
    parent = die_with_parent()
    facts = run(script, arguments)
    if parent is not None and (_parent_died or os.getppid() != parent):
        # Nobody reads the facts; stop what the script left running, leave no file behind.
        Path(facts_file).unlink(missing_ok=True)
        if os.getpgrp() == os.getpid():
            os.killpg(os.getpid(), signal.SIGTERM)
        sys.exit(facts["exit_code"])
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    Path(facts_file).write_text(json.dumps(facts, default=str), encoding="utf-8")
    sys.exit(facts["exit_code"])


if __name__ == "__main__":
    main()
