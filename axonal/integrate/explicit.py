"""Explicit schemes: Euler-Maruyama, midpoint RK2, classical RK4, stochastic Heun, Milstein.

Each scheme evaluates the right-hand sides at shifted states (``x + k/2``) by simultaneous
substitution into the SymPy expressions, so an intermediate stage is one temporary per
variable. Stochastic equations are read in the Stratonovich sense by ``heun`` and
``milstein`` (as in Brian 2); ``euler`` accepts only additive noise, for which Ito and
Stratonovich agree.
"""

from __future__ import annotations

import sympy

from axonal.integrate.statements import assemble, noise_increments, substitute
from axonal.integrate.system import DT, TIME, EquationSystem, NotApplicable
from axonal.model.ir import Statement
from axonal.model.sympy_conversion import symbol

__all__: list[str] = []  # internal room


def _drift_at(system: EquationSystem, state: dict[sympy.Symbol, sympy.Expr], time_shift=0):
    """The drift of every variable at the given state and at ``t + time_shift``."""
    values = dict(state)
    if time_shift != 0 and not system.time_is_frozen:
        values[TIME] = TIME + time_shift
    return {x: substitute(system.drift[x], values) for x in system.variables}


def _stage_symbols(prefix: str, system: EquationSystem) -> dict[str, sympy.Symbol]:
    return {x: symbol(f"_{prefix}_{x}") for x in system.variables}


def euler(system: EquationSystem) -> tuple[Statement, ...]:
    """Forward Euler; with noise, Euler-Maruyama (additive noise only)."""
    system.reject_multiplicative_noise()
    increments = noise_increments(system)
    finals = {}
    for x, s in system.symbols.items():
        noise = sum((g * increments[xi] for xi, g in system.diffusion[x].items()), sympy.S.Zero)
        finals[x] = s + DT * system.drift[x] + noise
    return assemble(system, [], finals)


def rk2(system: EquationSystem) -> tuple[Statement, ...]:
    """Second-order Runge-Kutta (midpoint rule), deterministic equations only."""
    system.reject_noise()
    k1 = _stage_symbols("k1", system)
    symbols = system.symbols
    stage1 = {k1[x].name: DT * f for x, f in _drift_at(system, {}).items()}
    midpoint = {symbols[x]: symbols[x] + k1[x] / 2 for x in system.variables}
    slopes = _drift_at(system, midpoint, DT / 2)
    finals = {x: symbols[x] + DT * slopes[x] for x in system.variables}
    return assemble(system, [stage1], finals)


def rk4(system: EquationSystem) -> tuple[Statement, ...]:
    """Classical fourth-order Runge-Kutta, deterministic equations only."""
    system.reject_noise()
    symbols = system.symbols
    ks = [_stage_symbols(f"k{n}", system) for n in (1, 2, 3, 4)]
    shifts = [(0, 0), (sympy.Rational(1, 2), DT / 2), (sympy.Rational(1, 2), DT / 2), (1, DT)]
    stages = []
    for n, (weight, time_shift) in enumerate(shifts):
        state = {}
        if n > 0:
            state = {symbols[x]: symbols[x] + weight * ks[n - 1][x] for x in system.variables}
        slopes = _drift_at(system, state, time_shift)
        stages.append({ks[n][x].name: DT * slopes[x] for x in system.variables})
    finals = {
        x: symbols[x] + (ks[0][x] + 2 * ks[1][x] + 2 * ks[2][x] + ks[3][x]) / 6
        for x in system.variables
    }
    return assemble(system, stages, finals)


def heun(system: EquationSystem) -> tuple[Statement, ...]:
    """Stochastic Heun (trapezoidal predictor-corrector), Stratonovich sense.

    Predictor ``x* = x + f(x, t) dt + sum_j g_j(x, t) dW_j``, corrector
    ``x + (f(x, t) + f(x*, t + dt)) dt / 2 + sum_j (g_j(x, t) + g_j(x*, t + dt)) dW_j / 2``.
    Without noise this is Heun's second-order method.
    """
    symbols = system.symbols
    increments = noise_increments(system)
    support = _stage_symbols("support", system)

    def noise(x, values=None, time_shift=0):
        total = sympy.S.Zero
        for xi, g in system.diffusion[x].items():
            if values is not None:
                shifted = dict(values)
                if not system.time_is_frozen:
                    shifted[TIME] = TIME + time_shift
                g = substitute(g, shifted)
            total += g * increments[xi]
        return total

    predictor = {
        support[x].name: symbols[x] + DT * system.drift[x] + noise(x) for x in system.variables
    }
    at_support = {symbols[x]: support[x] for x in system.variables}
    slopes = _drift_at(system, at_support, DT)
    finals = {
        x: symbols[x]
        + DT * (system.drift[x] + slopes[x]) / 2
        + (noise(x) + noise(x, at_support, DT)) / 2
        for x in system.variables
    }
    return assemble(system, [predictor], finals)


def milstein(system: EquationSystem) -> tuple[Statement, ...]:
    """Derivative-free Milstein scheme, Stratonovich sense (as ``heun`` and Brian 2).

    For each noise ``xi`` with coefficient vector ``g``, the update adds
    ``g dW + K dW**2 / 2``, where ``K = (g(x + g sqrt(dt)) - g(x - g sqrt(dt))) / (2 sqrt(dt))``
    approximates the Milstein term ``sum_l g_l dg/dx_l`` by a central difference: unlike a
    one-sided difference from ``x + f dt + g sqrt(dt)`` (Brian 2's support point), it leaves
    no bias of order ``sqrt(dt)``, so the strong order is 1 with one noise term per equation.
    """
    crowded = [x for x in system.variables if len(system.diffusion[x]) > 1]
    multiplicative = {x for x, _, _ in system.multiplicative_noise()}
    if set(crowded) & multiplicative:
        x = sorted(set(crowded) & multiplicative)[0]
        raise NotApplicable(
            f"the equation for {x} has several noise terms "
            f"({', '.join(system.diffusion[x])}) with multiplicative noise; 'milstein' supports "
            "one noise term per equation, use 'heun'"
        )
    symbols = system.symbols
    increments = noise_increments(system)
    stage: dict[str, sympy.Expr] = {}
    finals = {x: symbols[x] + DT * system.drift[x] for x in system.variables}
    for xi in system.noise_names:
        coefficients = {x: g[xi] for x, g in system.diffusion.items() if xi in g}
        read = set().union(*(g.free_symbols for g in coefficients.values()))
        # Support points are needed only for the variables the noise coefficients read.
        shifted = [x for x in system.variables if symbols[x] in read and x in coefficients]
        up = {x: symbol(f"_up_{xi}_{x}") for x in shifted}
        down = {x: symbol(f"_down_{xi}_{x}") for x in shifted}
        for x in shifted:
            stage[up[x].name] = symbols[x] + sympy.sqrt(DT) * coefficients[x]
            stage[down[x].name] = symbols[x] - sympy.sqrt(DT) * coefficients[x]
        at_up = {symbols[x]: up[x] for x in shifted}
        at_down = {symbols[x]: down[x] for x in shifted}
        dW = increments[xi]
        for x, g in coefficients.items():
            finals[x] += g * dW
            if shifted:
                difference = substitute(g, at_up) - substitute(g, at_down)
                finals[x] += difference * dW**2 / (4 * sympy.sqrt(DT))
    return assemble(system, [stage] if stage else [], finals)
