"""Where a run spends its time: ``run(profile=True)``, ``profiling_summary()`` and
``scheduling_summary()``, as in Brian 2.

A profiled run takes the step-by-step path (each object's compiled kernels called in turn,
not one fused loop), so that the time of each operation can be measured; the times are
summed over all profiled runs of a network in ``Network.profiling_info``.
"""

from __future__ import annotations

import time
from dataclasses import replace

from axonal.network.base import Operation
from axonal.units import second

__all__ = ["profiling_summary", "scheduling_summary"]


def profiled_operations(operations: list[Operation], network) -> list[Operation]:
    """``operations`` with each one's wall time added to ``network``'s profiling totals."""
    totals: dict[str, float] = network.__dict__.setdefault("_profiling_totals", {})

    def timed(op: Operation):
        function, key = op.function, op.name

        def run_and_time():
            start = time.perf_counter()
            function()
            totals[key] = totals.get(key, 0.0) + time.perf_counter() - start

        return replace(op, function=run_and_time)

    for op in operations:
        totals.setdefault(op.name, 0.0)
    return [timed(op) for op in operations]


def profiling_info(network) -> list[tuple[str, object]]:
    """(operation name, time) pairs of the profiled runs, longest first, times in seconds."""
    totals = network.__dict__.get("_profiling_totals", {})
    ordered = sorted(totals.items(), key=lambda item: -item[1])
    return [(name, seconds * second) for name, seconds in ordered]


class ProfilingSummary:
    """The table ``profiling_summary()`` shows: name, time and share of each operation."""

    def __init__(self, network, show: int | None = None):
        self.network_name = network.name
        info = profiling_info(network)
        total = sum(float(t) for _, t in info) or 1.0
        self.rows = [(name, float(t), 100.0 * float(t) / total) for name, t in info][:show]

    def __repr__(self) -> str:
        if not self.rows:
            return (
                f"No profiling information for {self.network_name!r}: "
                "run it with run(..., profile=True)"
            )
        width = max(len(name) for name, _, _ in self.rows)
        lines = ["Profiling summary", "=================", *(
            f"{name:<{width}}    {_time_text(seconds):>10}    {share:6.2f} %"
            for name, seconds, share in self.rows
        )]  # fmt: skip
        return "\n".join(lines)

    __str__ = __repr__

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{n}</td><td>{_time_text(s)}</td><td>{p:.2f} %</td></tr>"
            for n, s, p in self.rows
        )
        return f"<table><tr><th>name</th><th>time</th><th>share</th></tr>{rows}</table>"


def _time_text(seconds: float) -> str:
    for unit, factor in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= factor:
            return f"{seconds / factor:.2f} {unit}"
    return f"{seconds / 1e-9:.2f} ns"


def _network_or_magic(net):
    if net is not None:
        return net
    from axonal.network.magic import magic_network
    from axonal.network.namespace import user_namespace

    if magic_network.__dict__.get("_profiling_totals") is None:
        magic_network.collect_from(user_namespace())
    return magic_network


def profiling_summary(net=None, show: int | None = None) -> ProfilingSummary:
    """The time each operation of ``net`` (default: the magic network) took in profiled runs.

    >>> G = NeuronGroup(2, 'dv/dt = 1/second : 1', method='euler', name='profiled')
    >>> net = Network(G)
    >>> net.run(1*ms, profile=True)
    >>> print(profiling_summary(net))  # doctest: +ELLIPSIS
    Profiling summary
    =================
    profiled.state_update ... us    100.00 %
    """
    return ProfilingSummary(_network_or_magic(net), show)


class SchedulingSummary:
    """Which operation runs when in a time step: object, owner, clock, slot, order, active."""

    def __init__(self, operations: list[Operation]):
        self.rows = [
            (
                f"{op.name} ({type(op.owner).__name__})",
                f"{op.owner.name} ({type(op.owner).__name__})",
                f"{op.owner.clock.dt}",
                op.when,
                str(op.order),
                "yes" if op.owner.active else "no",
            )
            for op in sorted(operations, key=Operation.sort_key)
        ]

    def __repr__(self) -> str:
        header = ("object", "part of", "Clock dt", "when", "order", "active")
        widths = [max(len(row[k]) for row in [header, *self.rows]) for k in range(6)]
        lines = [" | ".join(h.center(w) for h, w in zip(header, widths, strict=True))]
        lines.append("-+-".join("-" * w for w in widths))
        lines += [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in self.rows]
        return "\n".join(lines)

    __str__ = __repr__


def scheduling_summary(net=None) -> SchedulingSummary:
    """The order in which the objects of ``net`` (default: the script's objects) act each step.

    >>> G = NeuronGroup(2, 'dv/dt = 1/second : 1', method='euler')
    >>> print(scheduling_summary())  # doctest: +ELLIPSIS
    object ...
    ...state_update (NeuronGroup) | ... | groups | 0     | yes...
    """
    from axonal.network.base import RunContext
    from axonal.network.namespace import user_namespace

    namespace = user_namespace()
    if net is None:
        from axonal.network.magic import magic_network

        magic_network.collect_from(namespace)
        net = magic_network
    from axonal.network.stepped import stepped_operations

    # The operations of a stepped run on the NumPy target (kernels compiled, nothing run).
    context = RunContext(namespace, "numpy", state={})
    active = [obj for obj in net.objects if obj.active]
    return SchedulingSummary(stepped_operations(active, context).operations)
