"""The symbolic view of a set of differential equations: drift, noise terms and what they read.

``dx/dt = f(x, t) + sum_j g_j(x, t) * xi_j`` is split into the drift ``f`` and one noise
coefficient ``g_j`` per noise symbol (``xi``, ``xi_<suffix>``). Every state updater starts
from this record and asks it the questions that decide whether it applies.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import sympy
from sympy.core.function import AppliedUndef

from axonal.model.ir import Expression
from axonal.model.sympy_conversion import (
    RandomDraw,
    SympyConversionError,
    str_to_sympy,
    symbol,
)

__all__: list[str] = []  # internal room

NOISE_NAME = re.compile(r"^xi(_\w+)?$")
TIME = symbol("t")
DT = symbol("dt")
# ``t`` inside a call of a function declared constant over a step (a TimedArray): printed
# as ``t`` but invisible to the time-dependence checks and to the shifts t -> t + dt/2.
STEP_START_TIME = sympy.Dummy("t", real=True)


class IntegrationError(ValueError):
    """Equations that a state updater cannot integrate, or an unknown method."""


class NotApplicable(Exception):
    """Raised by a method with the reason it cannot integrate the equations (a clause)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class EquationSystem:
    """Differential equations as SymPy expressions, split into drift and noise coefficients.

    ``drift[x]`` is ``f`` for variable ``x``; ``diffusion[x][xi]`` is the coefficient of the
    noise symbol ``xi`` in the equation for ``x`` (absent when zero). ``frozen`` holds the names
    declared constant over a time step, ``t`` included if the caller says so.
    """

    owner: str
    variables: tuple[str, ...]
    drift: Mapping[str, sympy.Expr]
    diffusion: Mapping[str, Mapping[str, sympy.Expr]]
    noise_names: tuple[str, ...]
    frozen: frozenset[str]

    @property
    def symbols(self) -> dict[str, sympy.Symbol]:
        return {name: symbol(name) for name in self.variables}

    @property
    def state_symbols(self) -> frozenset[sympy.Symbol]:
        return frozenset(self.symbols.values())

    @property
    def is_stochastic(self) -> bool:
        return bool(self.noise_names)

    @property
    def time_is_frozen(self) -> bool:
        return "t" in self.frozen

    def time_dependent(self) -> list[str]:
        """Variables whose equation reads ``t`` (and ``t`` is not declared constant)."""
        if self.time_is_frozen:
            return []
        return [
            x
            for x in self.variables
            if TIME in self.drift[x].free_symbols
            or any(TIME in g.free_symbols for g in self.diffusion[x].values())
        ]

    def multiplicative_noise(self) -> list[tuple[str, str, list[str]]]:
        """``(variable, noise, state variables its coefficient reads)`` for each such term."""
        found = []
        for x in self.variables:
            for noise, coefficient in self.diffusion[x].items():
                read = sorted(s.name for s in coefficient.free_symbols & self.state_symbols)
                if read:
                    found.append((x, noise, read))
        return found

    def reject_noise(self) -> None:
        """For deterministic methods: stop at the first noise term."""
        if self.is_stochastic:
            noisy = [x for x in self.variables if self.diffusion[x]]
            raise NotApplicable(
                f"the {plural('equation', noisy)} for {enumerate_names(noisy)} "
                f"{'is' if len(noisy) == 1 else 'are'} stochastic "
                f"({enumerate_names(self.noise_names)}), and this method is for deterministic "
                "equations only"
            )

    def reject_multiplicative_noise(self) -> None:
        found = self.multiplicative_noise()
        if found:
            x, noise, read = found[0]
            raise NotApplicable(
                f"the noise term {noise} multiplies {enumerate_names(read)} in the equation for "
                f"{x} (multiplicative noise); use 'heun' or 'milstein'"
            )


def enumerate_names(names: Collection[str]) -> str:
    """``'v'``, ``'v and w'``, ``'v, w and u'``: for messages."""
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def plural(word: str, items: Collection) -> str:
    return word if len(items) == 1 else word + "s"


def _freeze_calls(expr: sympy.Expr, frozen: frozenset[str]) -> sympy.Expr:
    """Time inside calls of functions named in ``frozen`` stays at the start of the step."""
    return expr.replace(
        lambda e: isinstance(e, AppliedUndef) and e.func.__name__ in frozen,
        lambda e: e.xreplace({TIME: STEP_START_TIME}),
    )


def analyse(
    equations: Mapping[str, Expression],
    owner: str = "",
    constant_over_dt: Collection[str] = (),
) -> EquationSystem:
    """Split each right-hand side into drift and noise coefficients; check the noise is linear."""
    label = f"'{owner}'" if owner else "the equations"
    if not equations:
        raise IntegrationError(f"no differential equations to integrate for {label}")
    frozen = frozenset(constant_over_dt)
    frozen_states = sorted(frozen & set(equations))
    if frozen_states:
        raise IntegrationError(
            f"{label}: {', '.join(frozen_states)} cannot be constant over a time step, "
            "it is a state variable with a differential equation"
        )
    drift: dict[str, sympy.Expr] = {}
    diffusion: dict[str, Mapping[str, sympy.Expr]] = {}
    all_noise: set[str] = set()
    for variable, rhs in equations.items():
        if NOISE_NAME.match(variable) or variable in ("t", "dt"):
            raise IntegrationError(f"{label}: {variable!r} is reserved, not a state variable")
        code = rhs.code if isinstance(rhs, Expression) else str(rhs)
        try:
            expr = str_to_sympy(code)
        except SympyConversionError as error:
            raise IntegrationError(f"{label}: the equation for {variable}: {error}") from error
        if expr.atoms(RandomDraw):
            raise IntegrationError(
                f"{label}: the equation for {variable} calls rand() or randn(), which would draw "
                "anew at every stage of a step; write noise as xi, or move the draw into a "
                "subexpression flagged (constant over dt)"
            )
        noise_symbols = sorted(
            (s for s in expr.free_symbols if NOISE_NAME.match(s.name)), key=lambda s: s.name
        )
        coefficients = {}
        for noise in noise_symbols:
            coefficient = sympy.diff(expr, noise)
            if coefficient.free_symbols & set(noise_symbols):
                raise IntegrationError(
                    f"{label}: in the equation for {variable}, the noise term {noise.name} "
                    f"must enter linearly (as g*{noise.name}), not as {code!r}"
                )
            coefficients[noise.name] = coefficient
            all_noise.add(noise.name)
        deterministic = expr.subs({noise: 0 for noise in noise_symbols})
        drift[variable] = _freeze_calls(deterministic, frozen)
        diffusion[variable] = MappingProxyType(
            {noise: _freeze_calls(g, frozen) for noise, g in coefficients.items()}
        )
    return EquationSystem(
        owner=owner,
        variables=tuple(equations),
        drift=MappingProxyType(drift),
        diffusion=MappingProxyType(diffusion),
        noise_names=tuple(sorted(all_noise)),
        frozen=frozen,
    )
