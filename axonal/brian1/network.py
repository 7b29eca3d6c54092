"""Brian 1's clocks, network operations, Network, run() and reinit() over axonal's network."""

from __future__ import annotations

import inspect

from axonal.network import Clock as AxonalClock
from axonal.network import Network as AxonalNetwork
from axonal.network import NetworkOperation, defaultclock
from axonal.network.magic import magic_network
from axonal.network.namespace import user_namespace
from axonal.network.network import collect
from axonal.units import ms, second

# Network operations made by the layer itself (real-time plots): run() adds those of the
# current scope (a script, or since the last start_scope()).
_layer_operations: list = []


class Clock(AxonalClock):
    """Brian 1's ``Clock(dt=0.1*ms, t=0*ms, order=0, makedefaultclock=False)``."""

    def __init__(self, dt=0.1 * ms, t=0 * ms, order=0, makedefaultclock=False, name=None):
        super().__init__(dt=dt, name=name)
        self.timestep = int(round(float(t) / self.dt_))
        if makedefaultclock:
            defaultclock.dt = dt

    def reinit(self, t=0 * second) -> None:
        self.timestep = int(round(float(t) / self.dt_))

    @property
    def end(self):
        return self.t


class EventClock(Clock):
    """Brian 1's clock for events (network operations), never guessed for groups."""


RegularClock = Clock


def define_default_clock(dt=0.1 * ms, **ignored) -> None:
    """Brian 1's ``define_default_clock(dt=...)``: the time step of the default clock."""
    defaultclock.dt = dt


def reinit_default_clock(t=0 * second) -> None:
    """Brian 1's ``reinit_default_clock()``: the next run() starts at ``t``."""
    magic_network.t_ = float(t)
    defaultclock.timestep = int(round(float(t) / defaultclock.dt_))


def get_default_clock():
    return defaultclock


def _brian1_call(function, clock):
    """Brian 1 called a network operation with no argument or with its clock."""
    try:
        takes = len(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        takes = 0
    if takes == 0:
        return function

    def call():
        function(clock)

    return call


class Brian1NetworkOperation(NetworkOperation):
    """A network operation that Brian 1 code can also call directly (``draw_gfx()``)."""

    def __init__(self, function, clock=None, when="end"):
        self.brian1_function = function
        super().__init__(
            _brian1_call(function, clock or defaultclock),
            clock=clock,
            when=when,
            name=None,
        )

    def __call__(self, *args, **kwargs):
        return self.brian1_function(*args, **kwargs)

    def reinit(self) -> None:
        """Nothing to forget."""


def network_operation(function=None, clock=None, when="end"):
    """Brian 1's ``@network_operation`` / ``@network_operation(clock=EventClock(dt=10*ms))``:
    ``function()`` or ``function(clock)`` at the end of every step of its clock."""
    if function is not None and not callable(function):
        raise TypeError("network_operation: give a function")

    def wrap(f):
        return Brian1NetworkOperation(f, clock=clock, when=when)

    return wrap(function) if function is not None else wrap


def realtime_operation(function, refresh) -> Brian1NetworkOperation:
    """A redraw every ``refresh`` of simulated time while the next runs go (raster_plot's
    ``refresh=``); run() adds it to the network."""
    operation = Brian1NetworkOperation(function, clock=EventClock(dt=refresh), when="end")
    _layer_operations[:] = [op for op in _layer_operations if _in_scope(op)] + [operation]
    return operation


def _in_scope(obj) -> bool:
    from axonal.network.base import _Scope

    return obj.scope == _Scope.current


class Network(AxonalNetwork):
    """Brian 1's ``Network(*objects)``: ``net.run(duration)``, ``net.reinit()``."""

    def run(self, duration, threads=1, report=None, report_period=10 * second, namespace=None):
        super().run(duration, report=report, report_period=report_period, namespace=namespace)

    def reinit(self, states=True) -> None:
        _reinit(self.objects, states)
        self.t_ = 0.0
        for obj in self.objects:
            obj.clock.timestep = 0


class MagicNetwork(Network):
    """Brian 1's MagicNetwork: the objects of the calling script."""

    def __init__(self, *args, **kwargs):
        super().__init__(*collect(user_namespace()), name=kwargs.get("name", "magicnetwork"))


def _reinit(objects, states: bool) -> None:
    for obj in objects:
        reinit = getattr(obj, "reinit", None)
        if reinit is None:
            continue
        if not states and hasattr(obj, "_brian1_initial"):
            continue  # groups keep their state; monitors are cleared
        reinit()


def run(duration, threads=1, report=None, report_period=10 * second):
    """Brian 1's ``run(duration)``: simulate the objects of the calling script."""
    caller = user_namespace()
    magic_network.collect_from(caller)
    magic_network.add(*[op for op in _layer_operations if _in_scope(op)])
    if not magic_network.objects:
        raise ValueError("run() found no objects to simulate (keep them in variables)")
    magic_network.run(duration, report=report, report_period=report_period, namespace=caller)


def reinit(states=True) -> None:
    """Brian 1's ``reinit()``: groups back to their initial values (``states=False`` keeps
    them), monitors emptied, time back to 0."""
    objects = collect(user_namespace())
    extra = [child for obj in objects for child in AxonalNetwork._contained(obj)]
    _reinit([*objects, *extra], states)
    reinit_default_clock()
    for obj in [*objects, *extra]:
        obj.clock.timestep = 0


def stop() -> None:
    """Brian 1's ``stop()`` from a network operation: not available in axonal."""
    from axonal.brian1.unsupported import Brian1Unsupported

    raise Brian1Unsupported("stop()", "Run for a shorter duration, or in several run() calls.")
