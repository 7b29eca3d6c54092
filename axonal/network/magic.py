"""run(), store() and restore() on the objects a script created, without building a Network."""

from __future__ import annotations

from axonal.network.namespace import user_namespace
from axonal.network.network import Network, collect
from axonal.units import second


class _MagicNetwork(Network):
    """The network behind the module-level ``run()``: its members are collected anew each run.

    >>> G = NeuronGroup(1, 'dv/dt = 1/second : 1', method='euler')
    >>> run(5*ms)
    >>> print(magic_network.t)
    5. ms
    """

    def __init__(self):
        super().__init__(name="magic_network")
        self._previous_ids: set[int] = set()

    def collect_from(self, namespace) -> None:
        self.objects = []
        self.add(*collect(namespace))
        current = {id(obj) for obj in self.objects}
        if not current & self._previous_ids:
            self.t_ = 0.0  # all objects are new (e.g. after start_scope): time starts at 0
        self._previous_ids = current


magic_network = _MagicNetwork()


def run(
    duration,
    report=None,
    report_period=10 * second,
    namespace=None,
    profile=None,
    level=0,
    live=False,
) -> None:
    """Simulate the objects the calling script created (since the last ``start_scope()``).

    ``live=True`` shows the spike and state monitors in a figure redrawn during the run
    (``axonal.plot.live_run``); a live view (``LiveRaster(spikes)``) is shown as given.

    Example:

    >>> G = NeuronGroup(1, 'dv/dt = 1/second : 1', method='euler')
    >>> run(10*ms)
    >>> print(round(G.v[0], 12))
    0.01
    >>> run(10*ms, report='text')    # doctest: +ELLIPSIS
    magic_network: ...
    """
    caller = user_namespace()
    magic_network.collect_from(caller)
    if not magic_network.objects:
        raise ValueError(
            "run() found no objects to simulate: create a NeuronGroup (or other object) and keep "
            "it in a variable of the script, or use a Network"
        )
    magic_network.run(
        duration,
        report=report,
        report_period=report_period,
        namespace=caller if namespace is None else namespace,
        profile=profile,
        live=live,
    )


def store(name: str = "default", filename=None) -> None:
    """Store the state of the objects the calling script created, to ``restore(name)`` later.

    Example:

    >>> G = NeuronGroup(1, 'dv/dt = 1/second : 1', method='euler')
    >>> store()
    >>> run(10*ms)
    >>> restore()
    >>> print(G.v[0])
    0.0
    """
    magic_network.collect_from(user_namespace())
    magic_network.store(name, filename=filename)


def restore(name: str = "default", filename=None, restore_random_state: bool = False) -> None:
    """Go back to the state kept by ``store(name)``: time, variables, spikes in flight.

    With ``restore_random_state=True`` the random generator is restored too, so a random model
    repeats exactly.

    Example:

    >>> seed(2)
    >>> G = NeuronGroup(1, 'v : 1')
    >>> store('before')
    >>> G.v = 'rand()'
    >>> first = G.v[0]
    >>> restore('before', restore_random_state=True)
    >>> G.v = 'rand()'
    >>> bool(G.v[0] == first)
    True
    """
    magic_network.collect_from(user_namespace())
    magic_network.restore(name, filename=filename, restore_random_state=restore_random_state)
