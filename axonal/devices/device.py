"""Brian 2's devices mapped onto axonal's targets: standalone scripts run unchanged.

Brian 2's ``cpp_standalone`` device writes a C++ project and runs it at ``device.build()``.
axonal compiles every run with its compiled target anyway, so ``set_device('cpp_standalone')``
chooses that target, and:

- with ``build_on_run=True`` (Brian 2's default) each ``run()`` executes at once and
  ``device.build()`` has nothing left to do;
- with ``build_on_run=False`` each ``run()`` is recorded instead, and executed at
  ``device.build()`` (or at each ``device.run(run_args=...)`` after ``build(run=False)``), from
  the state the objects had at the first ``run()``, with ``run_args`` (``{G.tau: 5*ms}``)
  applied over it, as Brian 2's standalone runs start from their initial state each time.

Options about C++ projects (``directory``, ``compile``, ``clean``, ``debug``, ``with_output``,
``results_directory``, ``prefs.devices.cpp_standalone.*``) are accepted and have no effect.
"""

from __future__ import annotations

import copy
import pickle
from dataclasses import dataclass, field, replace
from types import ModuleType

__all__ = [
    "Device",
    "RuntimeDevice",
    "CPPStandaloneDevice",
    "all_devices",
    "device",
    "get_device",
    "set_device",
    "reset_device",
    "reinit_devices",
]


class DeviceError(RuntimeError):
    """A device was used in a way Brian 2 does not allow either; the message says how."""


@dataclass
class _RecordedRun:
    network: object
    objects: list
    duration: object
    options: dict


@dataclass
class _InitialState:
    """The objects' state and the networks' times when the first run was recorded."""

    objects: dict = field(default_factory=dict)  # id -> (object, deep copy of its arrays)
    times: dict = field(default_factory=dict)  # id -> (network, t_)

    def add(self, network, objects) -> None:
        self.times.setdefault(id(network), (network, network.t_))
        for obj in objects:
            if id(obj) not in self.objects:
                self.objects[id(obj)] = (obj, copy.deepcopy(obj.state_arrays()))

    def restore(self) -> None:
        for obj, arrays in self.objects.values():
            obj.restore_arrays(copy.deepcopy(arrays))
        for network, t in self.times.values():
            network.t_ = t


class Device:
    """A device: where and when the runs of a script are executed."""

    name = "device"
    build_on_run = True

    def __init__(self):
        self.build_options: dict = {}
        self.has_been_run = False
        self._recorded: list[_RecordedRun] = []
        self._initial = _InitialState()
        self._built = False

    # -- what Brian 2's scripts call -------------------------------------------------------
    def activate(self, build_on_run: bool = True, **build_options) -> None:
        self.build_on_run = build_on_run
        self.build_options = dict(build_options)

    def deactivate(self) -> None:
        """Called when another device takes this one's place."""

    def defers(self, network) -> bool:
        """Whether a run of ``network`` is recorded for ``build()`` rather than executed now."""
        return not self.build_on_run and not _Replaying.active

    def record_run(self, network, duration, options: dict) -> None:
        if self._built:
            raise DeviceError(
                f"{self.name}: run() after device.build(); call device.reinit() and "
                "set_device() again to build a new simulation, as in Brian 2"
            )
        objects = list(network.objects)
        self._initial.add(network, objects)
        options = dict(options)
        # Modules are never model constants, and would keep the device from being pickled
        # (Brian 2's scripts send it to multiprocessing workers).
        options["namespace"] = {
            name: value
            for name, value in options["namespace"].items()
            if not isinstance(value, ModuleType)
        }
        self._recorded.append(_RecordedRun(network, objects, duration, options))

    def build(self, run: bool = True, **options) -> None:
        """Execute the recorded runs (``run=False``: only prepare them for ``device.run``)."""
        self._built = True
        if run:
            self._execute({})

    def run(self, run_args=None, **options) -> None:
        """Execute the recorded runs from their initial state, with ``run_args`` applied."""
        if not self._built:
            raise DeviceError(f"{self.name}: call device.build() before device.run()")
        self._execute(run_args or {})

    def reinit(self) -> None:
        """Forget the recorded runs, as before the first ``run()``."""
        self.__init__()

    def delete(self, code=True, data=True, directory=True, force=False) -> None:
        """Brian 2 deletes the generated project; there is none here."""

    def seed(self, seed=None) -> None:
        from axonal.network.random import seed as set_seed

        set_seed(seed)

    def __getstate__(self) -> dict:
        # Sent to worker processes (multiprocessing): a script's namespace may hold things
        # that cannot be pickled (open files, pools); model code cannot use those anyway.
        state = dict(self.__dict__)
        state["_recorded"] = [
            replace(r, options={**r.options, "namespace": _picklable(r.options["namespace"])})
            for r in self._recorded
        ]
        return state

    # -- executing recorded runs -----------------------------------------------------------
    def _execute(self, run_args) -> None:
        if not self._recorded:
            return
        self._initial.restore()
        for view, value in dict(run_args).items():
            _apply_run_arg(view, value)
        with _Replaying():
            for recorded in self._recorded:
                network = recorded.network
                network.objects = list(recorded.objects)
                network.run(recorded.duration, **recorded.options)
        self.has_been_run = True


class RuntimeDevice(Device):
    """Every run executes when ``run()`` is called (Brian 2's default device)."""

    name = "runtime"


class CPPStandaloneDevice(Device):
    """Brian 2's C++ standalone device, running on axonal's compiled target."""

    name = "cpp_standalone"

    def activate(self, build_on_run: bool = True, **build_options) -> None:
        from axonal.codegen.targets import compiled_target, current_target, set_target

        super().activate(build_on_run, **build_options)
        self.target_before = current_target()
        set_target(compiled_target())

    def deactivate(self) -> None:
        from axonal.codegen.targets import set_target

        set_target(getattr(self, "target_before", None) or "numpy")


class _Replaying:
    """While recorded runs execute, ``run()`` runs instead of being recorded again."""

    active = False

    def __enter__(self):
        _Replaying.active = True

    def __exit__(self, *exc):
        _Replaying.active = False


def _picklable(namespace: dict) -> dict:
    kept = {}
    for name, value in namespace.items():
        try:
            pickle.dumps(value)
        except Exception:  # noqa: BLE001 - anything that cannot be pickled is left behind
            continue
        kept[name] = value
    return kept


def _apply_run_arg(view, value) -> None:
    group, name = getattr(view, "group", None), getattr(view, "name", None)
    if group is None or name not in getattr(group, "variables", {}):
        raise DeviceError(
            f"run_args keys are a group's variables, such as {{G.tau: 5*ms}}, not {view!r}"
        )
    group.set_values(name, slice(None), value)


all_devices: dict[str, type[Device]] = {
    "runtime": RuntimeDevice,
    "cpp_standalone": CPPStandaloneDevice,
    # Brian2CUDA and Brian2GeNN's devices run on the compiled target too.
    "cuda_standalone": CPPStandaloneDevice,
    "genn": CPPStandaloneDevice,
}

active_device: Device = RuntimeDevice()
_previous: list[Device] = []


def _device_named(name: str | Device) -> Device:
    if isinstance(name, Device):
        return name
    if name not in all_devices:
        raise DeviceError(
            f"set_device({name!r}): unknown device; choose one of {', '.join(all_devices)}"
        )
    return all_devices[name]()


def set_device(name, build_on_run: bool = True, **build_options) -> None:
    """Choose the device for the following runs (``'runtime'`` or ``'cpp_standalone'``).

    ``'cpp_standalone'`` chooses the compiled target; with ``build_on_run=False`` runs wait for
    ``device.build()``.

    >>> set_device('cpp_standalone', build_on_run=False)
    >>> type(get_device()).__name__, get_target()
    ('CPPStandaloneDevice', 'numba')
    >>> reset_device()
    >>> type(get_device()).__name__, get_target()
    ('RuntimeDevice', 'numpy')
    """
    global active_device
    active_device.deactivate()
    _previous.append(active_device)
    active_device = _device_named(name)
    active_device.activate(build_on_run=build_on_run, **build_options)


def get_device() -> Device:
    """The active device (Brian 2's ``get_device()``).

    >>> type(get_device()).__name__
    'RuntimeDevice'
    """
    return active_device


def reset_device(device=None) -> None:
    """Back to the previous device (or to ``device``), as in Brian 2.

    >>> set_device('cpp_standalone')
    >>> reset_device()
    >>> type(get_device()).__name__
    'RuntimeDevice'
    """
    global active_device
    active_device.deactivate()
    if device is not None:
        active_device = _device_named(device)
    elif _previous:
        active_device = _previous.pop()
    else:
        active_device = RuntimeDevice()
    active_device.activate(build_on_run=active_device.build_on_run)


def reinit_devices() -> None:
    """Forget every device's recorded runs.

    >>> set_device('cpp_standalone', build_on_run=False)
    >>> G = NeuronGroup(1, 'v : 1')
    >>> run(1*ms)         # recorded, not run: build_on_run=False
    >>> reinit_devices()  # the recorded run is forgotten
    >>> reset_device()
    """
    for known in (active_device, *_previous):
        known.reinit()


class _CurrentDevice:
    """``device``: whichever device is active when it is used (``device.build()``).

    >>> set_device('cpp_standalone', build_on_run=False)
    >>> G = NeuronGroup(1, 'dv/dt = 1/second : 1', method='euler')
    >>> run(10*ms)      # recorded
    >>> device.build()  # runs what was recorded
    >>> print(round(G.v[0], 6))
    0.01
    >>> reset_device()
    """

    def __getattr__(self, name: str):
        return getattr(active_device, name)

    def __setattr__(self, name: str, value) -> None:
        setattr(active_device, name, value)

    def __repr__(self) -> str:
        return f"<device {active_device.name}>"


device = _CurrentDevice()
