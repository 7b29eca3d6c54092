"""On a Dask worker: the interpreters kept for sweep runs (`axonal.sweeps.interpreter`), one per
run at a time, reused while they stay healthy and replaced when a run failed, left something
behind it cannot undo, or after `RUNS_PER_INTERPRETER` runs (memory a long sweep accumulates).
"""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RUNS_PER_INTERPRETER = 200

# Linux's parent-death signal follows the thread that started a process, and Dask may retire
# the thread a run came on: the interpreters are started from one thread that lives on.
_starter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="axonal-sweep-interpreters")
_idle: list[Interpreter] = []
_lock = threading.Lock()
# Interpreters being started ahead of the first run (`prestart`), by their key.
_starting: dict[tuple[Any, ...], Future[Interpreter | None]] = {}
# Why the last interpreter of this worker was replaced (said in the next run's record).
_last_replacement: list[str] = []


@dataclass
class Outcome:
    """How one run in an interpreter ended, as `subprocess.run` would say it."""

    returncode: int
    stdout: bytes
    stderr: bytes
    interpreter: dict[str, Any]


def _key(environment: dict[str, str], folder: Path) -> tuple[Any, ...]:
    return (os.path.realpath(folder), tuple(sorted(environment.items())))


class Interpreter:
    """A kept `axonal.sweeps.interpreter` process and the pipes to it."""

    def __init__(self, environment: dict[str, str], folder: Path):
        self.key = _key(environment, folder)
        requests_read, self._requests = os.pipe()
        self._replies, replies_write = os.pipe()
        command = [
            sys.executable,
            "-m",
            "axonal.sweeps.interpreter",
            str(os.getpid()),
            str(requests_read),
            str(replies_write),
        ]
        # What the interpreter itself says outside runs (an import failing at its start).
        self._log = tempfile.TemporaryFile(prefix="axonal-sweep-interpreter-")
        self.process = _starter.submit(
            subprocess.Popen,
            command,
            pass_fds=(requests_read, replies_write),
            stdin=subprocess.DEVNULL,
            stderr=self._log,
            env=environment,
            cwd=folder,
        ).result()
        os.close(requests_read)
        os.close(replies_write)
        self._to = os.fdopen(self._requests, "w", encoding="utf-8")
        self._from = os.fdopen(self._replies, "r", encoding="utf-8")
        hello = json.loads(self._from.readline() or "{}")
        self.started = hello.get("started", time.time())
        self.runs = 0
        self.replaced_because: str | None = None

    def run(self, script: str, arguments: list[str], facts_file: str) -> Outcome:
        """Run `script` in the interpreter; its facts go to `facts_file` (as launch writes)."""
        self.runs += 1
        with tempfile.TemporaryDirectory(prefix="axonal-sweep-output-") as folder:
            stdout, stderr = Path(folder, "stdout"), Path(folder, "stderr")
            request = {
                "script": script,
                "arguments": arguments,
                "facts": facts_file,
                "stdout": str(stdout),
                "stderr": str(stderr),
                "environment": dict(self.key[1]),
            }
            try:
                self._to.write(json.dumps(request) + "\n")
                self._to.flush()
                line = self._from.readline()
            except BrokenPipeError:
                line = ""
            if line:
                reply = json.loads(line)
                returncode = reply["exit_code"]
                if reply["leftovers"]:
                    self.replaced_because = "the run left " + "; ".join(reply["leftovers"])
                elif returncode != 0:
                    self.replaced_because = "the run before failed"
            else:  # the interpreter died during the run (a crash, a signal) or before it
                returncode = self.process.wait()
                self.replaced_because = f"the interpreter ended with status {returncode}"
            output = (_read(stdout), _read(stderr) + self._said())
        facts = {
            "pid": self.process.pid,
            "started": self.started,
            "run_in_interpreter": self.runs,
            "reused": self.runs > 1,
        }
        return Outcome(returncode, *output, facts)

    def _said(self) -> bytes:
        """What the interpreter wrote outside runs since the last call (its last 20 kB)."""
        self._log.seek(0)
        said = self._log.read()[-20_000:]
        self._log.seek(0)
        self._log.truncate()
        return said

    def close(self) -> None:
        for stream in (self._to, self._from):
            try:
                stream.close()
            except OSError:
                pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def run_in_interpreter(
    script: str, arguments: list[str], facts_file: str, environment: dict[str, str], folder: Path
) -> Outcome:
    """Run a sweep's script in a kept interpreter of this worker (started if none is idle)."""
    key = _key(environment, folder)
    with _lock:
        starting = _starting.get(key)
    if starting is not None:
        starting.result()  # one started ahead for these runs: it is the one to use
    with _lock:
        kept = next((each for each in _idle if each.key == key), None)
        if kept is not None:
            _idle.remove(kept)
        replaced = [] if kept is not None else _last_replacement[:]
        if kept is None:
            _last_replacement.clear()
    interpreter = kept or Interpreter(environment, folder)
    outcome = interpreter.run(script, arguments, facts_file)
    if replaced:
        outcome.interpreter["replaced_because"] = replaced[0]
    if interpreter.replaced_because is None and interpreter.runs >= RUNS_PER_INTERPRETER:
        interpreter.replaced_because = f"it had run {interpreter.runs} runs"
    with _lock:
        if interpreter.replaced_because is None:
            _idle.append(interpreter)
            return outcome
        _last_replacement[:] = [interpreter.replaced_because]
    interpreter.close()
    return outcome


def prestart(environment: dict[str, str], folder: Path) -> Future[Interpreter | None]:
    """Start an interpreter for the runs in `folder` with `environment` now (a worker's preload,
    `axonal.sweeps.preload`): its imports and Numba's first use go on while the cluster and
    the client get ready, and the first run finds it warm. A run that comes meanwhile waits
    for it rather than starting another."""
    key = _key(environment, folder)
    with _lock:
        if key in _starting or any(each.key == key for each in _idle):
            return _starting.get(key) or _done(None)
        future: Future[Interpreter | None] = Future()
        _starting[key] = future

    def start() -> None:
        interpreter = None
        try:
            interpreter = Interpreter(environment, folder)
        except Exception:  # noqa: BLE001 - the first run starts one and says what fails
            pass
        with _lock:
            if interpreter is not None:
                _idle.append(interpreter)
            del _starting[key]
        future.set_result(interpreter)

    threading.Thread(target=start, name="axonal-sweep-prestart", daemon=True).start()
    return future


def _done(value: Any) -> Future[Any]:
    future: Future[Any] = Future()
    future.set_result(value)
    return future


@atexit.register
def close_all() -> None:
    """End this worker's kept interpreters (they would also die with it)."""
    with _lock:
        kept = _idle[:]
        _idle.clear()
    for interpreter in kept:
        interpreter.close()
