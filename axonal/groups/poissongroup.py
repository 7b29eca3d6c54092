"""PoissonGroup: independent Poisson spike trains with rates given as values or an expression."""

from __future__ import annotations

import numpy as np

from axonal.groups.group import Group, GroupError
from axonal.groups.neurongroup import NeuronGroup
from axonal.model.expressions import parse_expression
from axonal.model.ir import Expression, Kernel, KernelRole
from axonal.network.base import RunContext, schedule_key
from axonal.units import DimensionMismatchError, Hz, get_dimensions, get_unit

# Each neuron spikes in a step of length dt with probability rates * dt.
SPIKE_CONDITION = Expression("rand() < rates * dt")


class PoissonGroup(Group):
    """``N`` neurons spiking as independent Poisson processes with ``rates``.

    ``rates`` is a rate (``20*Hz``), an array of ``N`` rates, or a string expression that may
    use ``t``, ``i`` and names of the caller's namespace, e.g. ``'r0*(1 + sin(2*pi*f*t))'`` or
    ``'stim(t)'`` for a TimedArray ``stim``.

    Example:

    >>> seed(1)
    >>> P = PoissonGroup(100, rates=20*Hz)
    >>> spikes = SpikeMonitor(P)
    >>> run(1*second)
    >>> 1800 < spikes.num_spikes < 2200   # 2000 expected
    True
    """

    def __init__(
        self,
        N,
        rates,
        dt=None,
        clock=None,
        when: str = "thresholds",
        order: int = 0,
        namespace=None,
        name: str | None = None,
    ):
        if not isinstance(N, int | np.integer) or isinstance(N, bool) or N < 1:
            raise GroupError(f"a PoissonGroup needs a whole number of neurons N >= 1, not {N!r}")
        super().__init__(
            int(N), namespace=namespace, name=name, clock=clock, dt=dt, when=when, order=order
        )
        self.add_variable("i", kind="index", dtype="int64", read_only=True)
        self.variables["i"].values[:] = np.arange(self.N)
        self._last_events.declare(["spike"])
        self.event_conditions = {"spike": SPIKE_CONDITION}
        rate_dims = get_dimensions(Hz)
        if isinstance(rates, str):
            self._rates_text = rates
            self.add_variable(
                "rates",
                dimensions=rate_dims,
                kind="subexpression",
                expression=parse_expression(rates, owner=self.name),
            )
            return
        self._rates_text = None
        if get_dimensions(rates) is not rate_dims:
            raise DimensionMismatchError(
                f"{self.name}: rates must be in Hz (e.g. 20*Hz), not {rates!r}",
                get_dimensions(rates),
                rate_dims,
            )
        raw = np.asarray(rates, dtype=float)
        if raw.ndim > 1 or (raw.ndim == 1 and len(raw) != self.N):
            raise GroupError(
                f"{self.name}: rates must be one rate or {self.N} rates (one per neuron), not an "
                f"array of shape {raw.shape}"
            )
        if np.any(raw < 0) or not np.all(np.isfinite(raw)):
            raise GroupError(f"{self.name}: rates must be finite and not negative")
        self.add_variable("rates", dimensions=rate_dims)
        self.variables["rates"].values[:] = raw

    __getitem__ = NeuronGroup.__getitem__  # subgroups by slicing, as for neurons

    # -- building kernels -------------------------------------------------------------------
    def build_kernels(self, context: RunContext) -> list[tuple[Kernel, dict]]:
        """The one kernel of a step: a THRESHOLD kernel with condition ``rand() < rates*dt``."""
        if self._rates_text is not None:
            expression = self.variables["rates"].expression
            namespace = self.namespace if self.namespace is not None else context.namespace
            dims = self._expression_dimensions(expression, self._rates_text, namespace=namespace)
            if dims is not get_dimensions(Hz):
                raise DimensionMismatchError(
                    f"{self.name}: rates={self._rates_text!r} gives values in {get_unit(dims)}, "
                    "but rates must be in Hz",
                    dims,
                    get_dimensions(Hz),
                )
        kernel = self.make_kernel(
            "spike_threshold",
            KernelRole.THRESHOLD,
            (),
            context,
            condition=SPIKE_CONDITION,
            when=self.when,
            order=self.order,
        )
        return [kernel]

    def scheduled_items(self, context: RunContext) -> list[tuple[tuple, object]]:
        """The threshold kernel over all neurons."""
        from axonal.network.fused import kernel_item, load_events

        items = []
        for kernel, functions in self.build_kernels(context):
            item = kernel_item(context, kernel, functions, "all", self.clock)
            items.append((schedule_key(self, kernel.when, kernel.order), item))
        load_events(context.state, self, ["spike"])
        return items

    def run_regularly(self, code: str, dt=None, when: str = "start", order: int = 0, name=None):
        """Run ``code`` (e.g. ``'rates = ...'``) every ``dt``, as NeuronGroup.run_regularly."""
        from axonal.groups.neurongroup import RegularOperation

        operation = RegularOperation(self, code, dt=dt, when=when, order=order, name=name)
        self.contained_objects.append(operation)
        return operation

    def summary(self) -> dict:
        rates = self._rates_text
        if rates is None:
            raw = self.variables["rates"].values
            rates = float(raw[0]) if np.all(raw == raw[0]) else "per neuron"
        return {**super().summary(), "rates": rates}

    def __repr__(self) -> str:
        return f"<PoissonGroup {self.name!r}: {self.N} neurons>"


__all__ = ["PoissonGroup"]
