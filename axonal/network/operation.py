"""network_operation: a Python function called at chosen steps of a run."""

from __future__ import annotations

import inspect

from axonal.network.base import Operation, SimulationObject


class NetworkOperation(SimulationObject):
    """Calls ``function()`` (or ``function(t)``) on every step of its clock.

    Example:

    >>> calls = []
    >>> op = NetworkOperation(lambda t: calls.append(float(t / ms)), dt=1*ms)
    >>> net = Network(op)
    >>> net.run(3*ms)
    >>> calls
    [0.0, 1.0, 2.0]
    """

    default_when = "start"

    def __init__(self, function, dt=None, clock=None, when="start", order=0, name=None):
        super().__init__(name=name, clock=clock, dt=dt, when=when, order=order)
        self.function = function
        parameters = inspect.signature(function).parameters
        if len(parameters) > 1:
            raise TypeError(
                f"network operation {function.__name__!r} must take no argument or just t, "
                f"not {list(parameters)}"
            )
        self._takes_time = len(parameters) == 1

    def operations(self) -> list[Operation]:
        clock = self.clock
        if self._takes_time:

            def call():
                self.function(clock.t)
        else:
            call = self.function
        return [Operation(self, self.when, self.order, call, f"{self.name}.call")]

    def __call__(self, *args, **kwargs):
        return self.function(*args, **kwargs)


def network_operation(function=None, *, dt=None, clock=None, when="start", order=0, name=None):
    """Decorator: ``@network_operation`` or ``@network_operation(dt=1*ms, when='end')``.

    Example:

    >>> G = NeuronGroup(1, 'v : 1')
    >>> @network_operation(dt=1*ms)
    ... def kick():
    ...     G.v += 1
    >>> run(5*ms)
    >>> print(G.v[0])
    5.0
    """

    def wrap(f):
        return NetworkOperation(f, dt=dt, clock=clock, when=when, order=order, name=name)

    return wrap(function) if function is not None else wrap
