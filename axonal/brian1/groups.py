"""Brian 1's NeuronGroup, PoissonGroup and spike generators as axonal groups."""

from __future__ import annotations

import copy
from collections.abc import Callable

import numpy as np

from axonal.brian1.equations import Brian1Equations
from axonal.brian1.thresholds import (
    FIRED,
    SPIKED,
    reset_mechanism,
    spikes_of,
    threshold_mechanism,
)
from axonal.brian1.unsupported import Brian1Unsupported
from axonal.groups import NeuronGroup as AxonalNeuronGroup
from axonal.groups import PoissonGroup as AxonalPoissonGroup
from axonal.groups import SpikeGeneratorGroup as AxonalSpikeGeneratorGroup
from axonal.inputs import TimedArray as _AxonalTimedArray
from axonal.network import NetworkOperation, defaultclock
from axonal.network.namespace import user_namespace
from axonal.units import Hz, Quantity, get_dimensions, ms, second

_METHODS = {
    "euler": "euler",
    "rk": "rk2",
    "rk2": "rk2",
    "exponential_euler": "exponential_euler",
    "linear": "exact",
    "exact": "exact",
}


def caller_namespace() -> dict:
    """The script's names when the object is made: Brian 1 looked up constants then."""
    return dict(user_namespace())


class Brian1Group:
    """What every Brian 1 group adds: state(), consecutive subgroup(), reinit()."""

    def _remember_initial_state(self) -> None:
        self._brian1_initial = copy.deepcopy(self.state_arrays())

    def reinit(self) -> None:
        """Brian 1's reinit(): variables back to their initial values (0 unless init=)."""
        self.restore_arrays(copy.deepcopy(self._brian1_initial))

    def subgroup(self, N: int):
        """The next ``N`` neurons not yet handed out, as Brian 1 did: ``Pe = P.subgroup(3200);
        Pi = P.subgroup(800)``."""
        start = getattr(self, "_brian1_next", 0)
        if N < 1 or start + N > self.N:
            raise ValueError(
                f"{self.name}: subgroup({N}) asks for neurons {start}..{start + N - 1} but the "
                f"group has {self.N} ({start} handed out already)"
            )
        object.__setattr__(self, "_brian1_next", start + N)
        return self[start : start + N]

    def state(self, name):
        return getattr(self, self._brian1_name(name))

    def state_(self, name):
        return self.get_raw(self._brian1_name(name))

    def get_var_index(self, name: str) -> int:
        return self._brian1_order.index(name)

    def _brian1_name(self, state) -> str:
        if isinstance(state, str):
            return state
        return self._brian1_order[int(state)]

    def _add_operation(self, function: Callable[[], None], when: str, order: int) -> None:
        operation = NetworkOperation(function, clock=self.clock, when=when, order=order)
        self.contained_objects.append(operation)


class NeuronGroup(Brian1Group, AxonalNeuronGroup):
    """Brian 1's ``NeuronGroup(N, model, threshold, reset, init, refractory, ...)``.

    A value threshold (``-50*mV``) fires when the membrane potential (the variable named v, V,
    vm or Vm, else the first differential equation) is above it; a value reset sets it; a
    refractory period holds it at its reset value (``(unless refractory)``). Strings, Brian 1's
    threshold and reset classes and Python functions are accepted too. Names in the equations
    are looked up in the script when the group is made, as in Brian 1.
    """

    def __init__(
        self,
        N,
        model=None,
        threshold=None,
        reset=None,
        init=None,
        refractory=0 * ms,
        level=0,
        clock=None,
        order=1,
        implicit=False,
        unit_checking=True,
        max_delay=0 * ms,
        compile=None,
        freeze=False,
        method=None,
        max_refractory=None,
        name=None,
    ):
        if model is None:
            raise Brian1Unsupported(
                "NeuronGroup without a model (a StateUpdater object)",
                "Give the equations as a string or Equations.",
            )
        if not isinstance(model, Brian1Equations | str):
            raise Brian1Unsupported(
                f"NeuronGroup model of type {type(model).__name__}",
                "Give the equations as a string or Equations.",
            )
        equations = model if isinstance(model, Brian1Equations) else Brian1Equations(model)
        order_of_states = equations.state_order()
        namespace = caller_namespace()
        namespace.update(equations.values)

        def name_of(state):
            return state if isinstance(state, str) else order_of_states[int(state)]

        fire = threshold_mechanism(threshold, name_of)
        after = reset_mechanism(reset, name_of)
        namespace.update(fire.values)
        namespace.update(after.values)
        if fire.refractory is not None:  # EmpiricalThreshold: no spike within its period
            refractory = fire.refractory
        refractory_s = float(np.asarray(refractory)) if refractory is not None else 0.0
        if refractory_s > 0 and fire.code is None:
            raise ValueError("a refractory period needs a threshold")
        clamped = order_of_states[0] if refractory_s > 0 and after.code else None
        text = equations.axonal_text(unless_refractory=clamped)
        if fire.function is not None:
            text += f"\n{FIRED} : 1"
        if after.function is not None:
            text += f"\n{SPIKED} : 1"
        if implicit:
            method = "exponential_euler"
        if isinstance(method, str):
            method = _METHODS.get(method.lower(), method)
        super().__init__(
            N,
            text,
            method=method,
            threshold=fire.code,
            reset=after.code if fire.code else None,
            refractory=refractory if refractory_s > 0 else False,
            namespace=namespace,
            clock=clock,
            name=name,
        )
        object.__setattr__(self, "_brian1_order", order_of_states)
        if init is not None:
            items = (
                init.items() if isinstance(init, dict) else zip(order_of_states, init, strict=False)
            )
            for variable, value in items:
                setattr(self, variable, value)
        if fire.function is not None:
            self._add_operation(self._threshold_hook(fire.function), "thresholds", -1)
        if after.function is not None:
            self._add_operation(self._reset_hook(after.function), "resets", 1)
        self._remember_initial_state()

    def _threshold_hook(self, function):
        def decide():
            values = {name: getattr(self, name) for name in self._brian1_order}
            fired = np.broadcast_to(np.asarray(function(values), dtype=bool), (self.N,))
            self.get_raw(FIRED)[:] = fired

        return decide

    def _reset_hook(self, function):
        def reset():
            flags = self.get_raw(SPIKED)
            spikes = spikes_of(flags)
            if len(spikes):
                function(self, spikes)
                flags[:] = 0

        return reset

    def __setattr__(self, name, value):
        # Brian 1: P.I = TimedArray(values) makes the variable follow the array in time.
        if isinstance(value, _AxonalTimedArray) and name in self.__dict__.get("variables", {}):

            def follow():
                self.set_values(name, slice(None), value(self.clock.t))

            self._add_operation(follow, "start", 0)
            follow()
            return
        super().__setattr__(name, value)


class PoissonGroup(Brian1Group, AxonalPoissonGroup):
    """Brian 1's ``PoissonGroup(N, rates)``: rates a value, an array, or a function of t."""

    def __init__(self, N, rates=0 * Hz, clock=None, name=None):
        function = rates if callable(rates) and not isinstance(rates, Quantity) else None
        super().__init__(int(N), 0 * Hz if function else rates, clock=clock, name=name)
        object.__setattr__(self, "_brian1_order", ["rates"])
        if function is not None:

            def follow():
                self.rates = function(self.clock.t)

            self._add_operation(follow, "start", 0)
        self._remember_initial_state()


def _pairs(spiketimes) -> tuple[np.ndarray, Quantity]:
    if callable(spiketimes):
        spiketimes = spiketimes()
    pairs = list(spiketimes)
    if not pairs:
        return np.zeros(0, np.int64), np.zeros(0) * second
    indices = np.array([int(index) for index, _ in pairs], dtype=np.int64)
    times = [time for _, time in pairs]
    if any(get_dimensions(time) is not get_dimensions(second) for time in times):
        raise ValueError("SpikeGeneratorGroup: spike times must be times, e.g. (0, 10*ms)")
    return indices, Quantity.with_dimensions(
        np.array([float(np.asarray(time)) for time in times]), get_dimensions(second)
    )


class SpikeGeneratorGroup(Brian1Group, AxonalSpikeGeneratorGroup):
    """Brian 1's ``SpikeGeneratorGroup(N, spiketimes)``: a list of (i, t) pairs, or a function
    or generator giving them."""

    def __init__(self, N, spiketimes, clock=None, period=None, sort=True, gather=None, name=None):
        indices, times = _pairs(spiketimes)
        super().__init__(
            int(N),
            indices,
            times,
            clock=clock,
            period=period if period is not None else 0 * second,
            name=name,
        )
        object.__setattr__(self, "_brian1_order", [])
        self._remember_initial_state()


def MultipleSpikeGeneratorGroup(spiketimes, clock=None, period=None, name=None):  # noqa: N802
    """Brian 1's ``MultipleSpikeGeneratorGroup([times of neuron 0, times of neuron 1, ...])``."""
    pairs = [(index, time) for index, times in enumerate(spiketimes) for time in times]
    return SpikeGeneratorGroup(len(spiketimes), pairs, clock=clock, period=period, name=name)


def TimedArray(arr, times=None, clock=None, start=None, dt=None):  # noqa: N802 - Brian 1 name
    """Brian 1's ``TimedArray(values, dt=...)``: a function of t in the equations (``I(t)``),
    or assigned to a variable (``G.I = TimedArray(...)``) which then follows it."""
    if times is not None:
        step = np.diff(np.asarray(times, dtype=float))
        if len(step) == 0 or not np.allclose(step, step[0]):
            raise Brian1Unsupported(
                "TimedArray with irregular times",
                "Resample the values on a regular grid and give dt=.",
            )
        if float(np.asarray(times)[0]) != 0:
            raise Brian1Unsupported("TimedArray starting after t=0", "Pad the values from 0.")
        dt = Quantity.with_dimensions(step[0], get_dimensions(second))
    if start is not None and float(np.asarray(start)) != 0:
        raise Brian1Unsupported("TimedArray(start=...)", "Pad the values from 0.")
    if dt is None:
        dt = clock.dt if clock is not None else defaultclock.dt
    return _AxonalTimedArray(arr, dt=dt)
