"""What a reused interpreter must put back between two sweep runs, so that a run starts as it
would in a fresh process: axonal's global state (clock, magic network, target, devices, seed,
preferences), the records' listeners, and the process's own (environment, folder, argv, path,
signals, warnings, NumPy error modes, logging, the user's modules, matplotlib figures).

What is kept on purpose: imported packages, the compiled kernels and the magic network's compiled
loops (the reason to reuse).
`Baseline.take()` is called once the interpreter has imported axonal; `reset()` before each run;
`leftovers()` after a run says what could not be put back (the interpreter is then replaced).
"""

from __future__ import annotations

import copy
import gc
import logging
import os
import random
import signal
import sys
import threading
import warnings
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

import numpy as np

from axonal.codegen import preferences, targets
from axonal.codegen.cache_folder import cache_directory
from axonal.records import figures, parameter_sets

# The modules themselves (their packages re-export objects of the same names: `device`, `run`).
devices = import_module("axonal.devices.device")
model_namespace = import_module("axonal.model.namespace")
network_base = import_module("axonal.network.base")
clock_module = import_module("axonal.network.clock")
magic = import_module("axonal.network.magic")
network_module = import_module("axonal.network.network")
axonal_random = import_module("axonal.network.random")

_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
# Loggers a script configures (Brian 2's BrianLogger acts on "axonal" and the root logger).
_LOGGERS = ("", "axonal", "brian2")
# Every this many runs the frozen objects are looked at again (what earlier runs let go).
FULL_COLLECTION_EVERY = 25
# The magic network's compiled loops (`network.fused`, keyed by the schedule, the same for
# every point of a grid that changes only values) survive the reset, as kernels do: generating
# CUBA's loop again took as long as running it for 200 ms. At most this many are kept.
_LOOPS_ATTRIBUTE = "_fused_loops"
KEPT_LOOPS = 8


def _object_state(obj: Any) -> dict[str, Any]:
    # One level deep: the containers an object mutates in place (a network's stored states).
    return {name: copy.copy(value) for name, value in vars(obj).items()}


def _put_back(obj: Any, state: dict[str, Any]) -> None:
    vars(obj).clear()
    vars(obj).update({name: copy.copy(value) for name, value in state.items()})


def _logger_state(name: str) -> tuple[int, list[logging.Handler], bool]:
    logger = logging.getLogger(name)
    return logger.level, list(logger.handlers), logger.propagate


def _package_folders() -> tuple[str, ...]:
    """Where installed code lives: modules imported from elsewhere are the user's own."""
    import axonal

    folders = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(axonal.__file__)}
    try:
        folders.add(str(cache_directory()))
    except OSError:
        pass
    return tuple(os.path.realpath(folder) + os.sep for folder in folders)


@dataclass
class Baseline:
    """The state of a warmed-up interpreter, before any run."""

    argv: list[str]
    path: list[str]
    meta_path: list[Any]
    cwd: str
    modules: set[str]
    threads: set[int]
    signals: dict[int, Any]
    warning_filters: list[Any]
    numpy_errors: dict[str, str]
    numpy_print: dict[str, Any]
    loggers: dict[str, tuple[int, list[logging.Handler], bool]]
    target: str
    device: Any
    objects: dict[str, tuple[Any, dict[str, Any]]]
    lists: dict[str, tuple[list[Any], list[Any]]]
    clock_count: int
    ignored_prefs: dict[str, Any]
    package_folders: tuple[str, ...]
    tiered_start: bool  # prefs.codegen.tiered_start
    names_in_use: set[str] = field(default_factory=set)
    runs: int = 0

    @classmethod
    def take(cls) -> Baseline:
        # What exists now is never garbage: later collections look only at the runs' objects.
        gc.collect()
        gc.freeze()
        return cls(
            argv=list(sys.argv),
            path=list(sys.path),
            meta_path=list(sys.meta_path),
            cwd=os.getcwd(),
            modules=set(sys.modules),
            threads={thread.ident for thread in threading.enumerate()},
            signals={signum: signal.getsignal(signum) for signum in _SIGNALS},
            warning_filters=list(warnings.filters),
            numpy_errors=np.geterr(),
            numpy_print=np.get_printoptions(),
            loggers={name: _logger_state(name) for name in _LOGGERS},
            target=targets.get_target(),
            device=devices.active_device,
            objects={
                "defaultclock": (
                    clock_module.defaultclock,
                    _object_state(clock_module.defaultclock),
                ),
                "magic_network": (magic.magic_network, _object_state(magic.magic_network)),
            },
            lists={
                # (the list object, its content): listeners and per-process logs.
                name: (container, list(container))
                for name, container in {
                    "figure listeners": figures._figure_listeners,
                    "parameter listeners": parameter_sets._parameter_listeners,
                    "constant observers": model_namespace.constant_observers,
                    "run summaries": network_module._run_summaries,
                    "running networks": network_module._running,
                    "figures warning": figures._warned_outside_run,
                }.items()
            },
            clock_count=clock_module.Clock._count,
            ignored_prefs=dict(_ignored_prefs()),
            package_folders=_package_folders(),
            tiered_start=preferences.tiered_start(),
            names_in_use=set(network_base._names_in_use),
        )

    def enter(self, environment: dict[str, str]) -> None:
        """Make `environment` the process's (a run's os.environ, as its own process would get)."""
        os.environ.clear()
        os.environ.update(environment)

    def reset(self) -> None:
        """Put the interpreter back as it was before any run (after each run)."""
        os.chdir(self.cwd)
        sys.argv[:] = self.argv
        sys.path[:] = self.path
        sys.meta_path[:] = self.meta_path
        for signum, handler in self.signals.items():
            signal.signal(signum, handler)
        self._forget_user_modules()
        self._close_figures()
        # resetwarnings() tells CPython the filters changed, which forgets the warnings shown
        # ("once", "default" show again, as in a new process); then the filters come back.
        warnings.resetwarnings()
        warnings.filters[:] = self.warning_filters
        np.seterr(**self.numpy_errors)
        np.set_printoptions(**self.numpy_print)
        for name, (level, handlers, propagate) in self.loggers.items():
            logger = logging.getLogger(name)
            logger.setLevel(level)
            logger.handlers[:] = handlers
            logger.propagate = propagate
        loops = _compiled_loops()
        for obj, state in self.objects.values():
            _put_back(obj, state)
        if len(loops) <= KEPT_LOOPS:  # (a sweep whose points change the model's structure)
            vars(magic.magic_network)[_LOOPS_ATTRIBUTE] = loops
        for container, content in self.lists.values():
            container[:] = content
        figures._reported.clear()
        clock_module.Clock._count = self.clock_count
        _ignored_prefs().clear()
        _ignored_prefs().update(self.ignored_prefs)
        preferences.prefs.codegen.tiered_start = self.tiered_start
        if devices.active_device is not self.device or devices._previous:
            devices._previous.clear()
            devices.active_device = self.device
        self.device.reinit()
        targets.set_target(self.target)
        # Fresh entropy, as at the start of a process; no seed() call remembered.
        axonal_random.seed(None)
        axonal_random._last_seed.clear()
        random.seed()
        self.runs += 1
        if self.runs % FULL_COLLECTION_EVERY == 0:
            gc.unfreeze()  # now and then, what earlier runs kept and has since let go goes too
        gc.collect()  # the previous run's objects go, and their names with them
        # What survives (kernels loaded from the cache, modules imported on first use) is kept
        # by design: frozen, later collections skip it (a collection: 33 ms -> 2 ms per run).
        gc.freeze()

    def leftovers(self) -> list[str]:
        """What the last run left that `reset` cannot take back (checked after a reset)."""
        found = []
        threads = [
            thread.name
            for thread in threading.enumerate()
            if thread.ident not in self.threads and thread.is_alive()
        ]
        if threads:
            found.append(f"threads still running: {', '.join(sorted(threads))}")
        names = sorted(set(network_base._names_in_use) - self.names_in_use)
        if names:
            found.append(f"simulation objects still alive: {', '.join(names[:5])}")
        return found

    def _forget_user_modules(self) -> None:
        """Modules a run imported from the user's folders are imported anew by the next run
        (their globals are the run's state); installed packages stay loaded."""
        for name in set(sys.modules) - self.modules:
            module = sys.modules.get(name)
            location = getattr(module, "__file__", None)
            if location and not os.path.realpath(location).startswith(self.package_folders):
                del sys.modules[name]
            else:
                self.modules.add(name)  # installed (or built in): kept, and not looked at again

    def _close_figures(self) -> None:
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is not None:
            pyplot.close("all")
            sys.modules["matplotlib"].rc_file_defaults()


def _compiled_loops() -> dict[Any, Any]:
    return vars(magic.magic_network).get(_LOOPS_ATTRIBUTE) or {}


def _ignored_prefs() -> dict[str, Any]:
    from axonal.codegen import preferences

    return preferences._IGNORED
