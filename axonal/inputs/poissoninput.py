"""PoissonInput: the summed effect of N Poisson sources on a variable, without one synapse each."""

from __future__ import annotations

import dataclasses

import numpy as np

from axonal.inputs.binomial import binomial_function
from axonal.model.builders import call, product
from axonal.model.dimensions import expression_dimensions
from axonal.model.expressions import parse_expression
from axonal.model.ir import Expression, Kernel, KernelRole, Statement, VariableKind, VariableRef
from axonal.network.base import (
    RunContext,
    SimulationObject,
    schedule_key,
    whole_number,
)
from axonal.units import DimensionMismatchError, Hz, Quantity, get_dimensions, get_unit

__all__ = ["PoissonInput"]


class PoissonInputError(ValueError):
    """A PoissonInput that cannot act on its target as asked; the message says why."""


# Names the kernel defines for itself (a leading underscore keeps them apart from user names).
_COUNT = "_poisson_count"
_WEIGHT = "_poisson_weight"


class PoissonInput(SimulationObject):
    """``N`` independent Poisson sources at ``rate``, each adding ``weight`` to ``target_var``.

    Every neuron of ``target`` receives its own input: each time step adds
    ``weight * Binomial(N, rate*dt)`` to its ``target_var``. ``weight`` is a quantity in the
    units of ``target_var`` or a string expression over the target's variables and the
    namespace (e.g. ``'w0 * (1 + i)'``).

    Example:

    >>> seed(1)
    >>> G = NeuronGroup(100, 'v : volt')
    >>> background = PoissonInput(G, 'v', N=1000, rate=10*Hz, weight=0.1*mV)
    >>> run(100*ms)
    >>> print(mean(G.v))   # expected: 1000 * 10 Hz * 100 ms * 0.1 mV = 100 mV
    99.805 mV
    """

    default_when = "synapses"

    def __init__(
        self,
        target,
        target_var: str,
        N: int,
        rate,
        weight,
        when: str = "synapses",
        order: int = 0,
        name: str | None = None,
    ):
        super().__init__(name=name, clock=target.clock, when=when, order=order)
        variable = target.variables.get(target_var)
        if variable is None:
            known = ", ".join(sorted(n for n, v in target.variables.items() if v.is_stored))
            raise PoissonInputError(
                f"{self.name}: {target.name} has no variable {target_var!r} to add input to "
                f"(its variables: {known})"
            )
        if variable.read_only or not variable.is_stored or variable.kind == "index":
            raise PoissonInputError(
                f"{self.name}: {target.name}.{target_var} is read-only (a {variable.kind}); "
                "input can only be added to a stored variable"
            )
        if whole_number(N) is None or N < 0:
            raise PoissonInputError(
                f"{self.name}: N (the number of sources) must be a whole number >= 0, not {N!r}"
            )
        if not isinstance(rate, Quantity) or get_dimensions(rate) is not get_dimensions(Hz):
            raise DimensionMismatchError(
                f"{self.name}: the rate must be in Hz (e.g. 10*Hz), not {rate!r}",
                get_dimensions(rate),
                get_dimensions(Hz),
            )
        if np.ndim(rate) != 0 or not float(np.asarray(rate)) >= 0:
            raise PoissonInputError(f"{self.name}: the rate must be one rate >= 0, not {rate!r}")
        self.target, self._target_var, self._N, self._rate = target, target_var, int(N), rate
        self._weight = weight
        target_dims = variable.dimensions
        if isinstance(weight, str):
            self._weight_expression = parse_expression(weight, owner=self.name)
        else:
            if get_dimensions(weight) is not target_dims or np.ndim(weight) != 0:
                raise DimensionMismatchError(
                    f"{self.name}: the weight {weight!r} must be one value in the units of "
                    f"{target.name}.{target_var} ({get_unit(target_dims)})",
                    get_dimensions(weight),
                    target_dims,
                )
            self._weight_expression = None

    # -- what users see ------------------------------------------------------------------------
    @property
    def N(self) -> int:
        """The number of sources."""
        return self._N

    @property
    def rate(self) -> Quantity:
        """The rate of each source."""
        return self._rate

    @property
    def weight(self):
        """What each source's spike adds: a quantity or the expression as given."""
        return self._weight

    @property
    def target_var(self) -> str:
        return self._target_var

    # -- building kernels -------------------------------------------------------------------
    def _check_weight(self, namespace) -> None:
        target, expression = self.target, self._weight_expression
        resolved = target.resolve(
            expression.names, namespace, expression.functions, line=self._weight
        )
        dims = expression_dimensions(expression, resolved, owner=self.name, line=self._weight)
        target_dims = target.variables[self._target_var].dimensions
        if dims is not target_dims:
            raise DimensionMismatchError(
                f"{self.name}: the weight {self._weight!r} is in {get_unit(dims)}, but "
                f"{target.name}.{self._target_var} is in {get_unit(target_dims)}",
                dims,
                target_dims,
            )

    def build_kernels(self, context: RunContext) -> list[tuple[Kernel, dict]]:
        """One STATE_UPDATE kernel over the target: ``var += name(rand()) * weight``."""
        target = self.target
        probability = float(np.asarray(self._rate)) * target.clock.dt_
        if probability > 1:
            raise PoissonInputError(
                f"{self.name}: rate * dt = {probability:g} exceeds 1 (rate {self._rate}, dt "
                f"{target.clock.dt}); use a smaller time step or a lower rate"
            )
        extra = {_COUNT: VariableRef(_COUNT, VariableKind.TEMPORARY, dtype="int64")}
        if self._weight_expression is None:
            key = f"{self.name}.weight"
            extra[_WEIGHT] = VariableRef(_WEIGHT, VariableKind.CONSTANT, array=key, read_only=True)
            context.state[key] = float(np.asarray(self._weight))
            weight = Expression(_WEIGHT)
        else:
            namespace = target.namespace if target.namespace is not None else context.namespace
            self._check_weight(namespace)
            weight = self._weight_expression
        increment = Statement(self._target_var, "+=", product(_COUNT, weight))
        kernel, functions = target.make_kernel(
            "poisson_input",
            KernelRole.STATE_UPDATE,
            [increment],
            context,
            when=self.when,
            order=self.order,
            extra=extra,
        )
        kernel = target.local_kernel(kernel, context)  # a subgroup's own i and elements
        sampler_name = f"_binomial_{self.name}"
        if getattr(self, "_binomial_for", None) != (self._N, probability):
            # Kept while N and p stay: the same function lets a compiled loop be reused.
            self.binomial = binomial_function(self._N, probability, sampler_name)
            self._binomial_for = (self._N, probability)
        draw = Statement(_COUNT, "=", call(sampler_name, call("rand")), temporary=True)
        kernel = dataclasses.replace(
            kernel, name=f"{self.name}.poisson_input", statements=(draw, *kernel.statements)
        )
        return [(kernel, {**functions, sampler_name: self.binomial})]

    def scheduled_items(self, context: RunContext) -> list[tuple[tuple, object]] | None:
        """The input kernel over the target's neurons."""
        from axonal.network.fused import kernel_item

        items = []
        for kernel, functions in self.build_kernels(context):
            item = kernel_item(context, kernel, functions, "all", self.clock)
            items.append((schedule_key(self, kernel.when, kernel.order), item))
        return items

    def summary(self) -> dict:
        weight = self._weight if isinstance(self._weight, str) else float(np.asarray(self._weight))
        return {
            **super().summary(),
            "target": self.target.name,
            "target_var": self._target_var,
            "N": self._N,
            "rate": float(np.asarray(self._rate)),
            "weight": weight,
        }

    def __repr__(self) -> str:
        return (
            f"<PoissonInput {self.name!r}: {self._N} sources at {self._rate} onto "
            f"{self.target.name}.{self._target_var}>"
        )
