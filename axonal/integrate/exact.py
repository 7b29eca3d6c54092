"""Exact integration of linear equations ``x' = A x + b`` whose coefficients are constant
over a time step: ``x(t + dt) = exp(A dt) x(t) + integral_0^dt exp(A s) ds b``.

Both parts come from one matrix exponential of the augmented matrix ``[[A, b], [0, 0]] dt``,
computed by SymPy separately for each group of variables that are coupled to each other.
"""

from __future__ import annotations

import sympy

from axonal.integrate.statements import assemble
from axonal.integrate.system import (
    DT,
    EquationSystem,
    NotApplicable,
    enumerate_names,
    plural,
)
from axonal.model.ir import Statement

__all__: list[str] = []  # internal room

# Coupled blocks larger than this need the roots of a cubic or worse: no readable closed form.
LARGEST_CYCLE = 2


def _linear_coefficients(system: EquationSystem):
    """``A`` (as a dict of dicts) and ``b``, or NotApplicable naming the nonlinear equations."""
    symbols = system.symbols
    states = system.state_symbols
    matrix: dict[str, dict[str, sympy.Expr]] = {}
    constant: dict[str, sympy.Expr] = {}
    nonlinear = []
    for x in system.variables:
        f = sympy.expand(system.drift[x])
        row = {}
        for y in system.variables:
            coefficient = sympy.diff(f, symbols[y])
            if coefficient.free_symbols & states:
                nonlinear.append(x)
                break
            if coefficient != 0:
                row[y] = coefficient
        else:
            matrix[x] = row
            constant[x] = sympy.simplify(f - sum(c * symbols[y] for y, c in row.items()))
            if constant[x].free_symbols & states:
                nonlinear.append(x)
    if nonlinear:
        raise NotApplicable(
            f"the {plural('equation', nonlinear)} for {enumerate_names(nonlinear)} "
            f"{'is' if len(nonlinear) == 1 else 'are'} not linear in the state variables"
        )
    return matrix, constant


def _coupled_groups(system: EquationSystem, matrix) -> list[list[str]]:
    """Variables that influence each other (connected in either direction), in order."""
    neighbours = {x: set(matrix[x]) - {x} for x in system.variables}
    for x in system.variables:
        for y in neighbours[x].copy():
            neighbours[y].add(x)
    groups, seen = [], set()
    for x in system.variables:
        if x in seen:
            continue
        group, frontier = set(), [x]
        while frontier:
            y = frontier.pop()
            if y not in group:
                group.add(y)
                frontier.extend(neighbours[y] - group)
        seen |= group
        groups.append([y for y in system.variables if y in group])
    return groups


def _largest_cycle(group: list[str], matrix) -> int:
    """Size of the largest set of variables that all feed back on each other."""
    reach = {x: {y for y in matrix[x] if y in group and y != x} for x in group}
    changed = True
    while changed:  # transitive closure; the groups are small
        changed = False
        for x in group:
            extended = set().union(reach[x], *(reach[y] for y in reach[x]))
            if extended != reach[x]:
                reach[x], changed = extended, True
    return max(1 + sum(1 for y in reach[x] if x in reach[y] and y != x) for x in group)


def _real_form(expr: sympy.Expr) -> sympy.Expr:
    """Rewrite complex exponentials (oscillating solutions) with sin and cos."""
    if not expr.has(sympy.I):
        return expr
    expr = sympy.simplify(sympy.expand_complex(expr.rewrite(sympy.cos)))
    if expr.has(sympy.I):
        raise NotApplicable("the solution is complex-valued for general parameter values")
    return expr


def exact(system: EquationSystem) -> tuple[Statement, ...]:
    """The exact update of a linear system with coefficients constant over the step."""
    system.reject_noise()
    depends_on_time = system.time_dependent()
    if depends_on_time:
        raise NotApplicable(
            f"the {plural('equation', depends_on_time)} for {enumerate_names(depends_on_time)} "
            f"{'depends' if len(depends_on_time) == 1 else 'depend'} on t"
        )
    matrix, constant = _linear_coefficients(system)
    symbols = system.symbols
    finals: dict[str, sympy.Expr] = {}
    for group in _coupled_groups(system, matrix):
        if _largest_cycle(group, matrix) > LARGEST_CYCLE:
            raise NotApplicable(
                f"{enumerate_names(group)} are coupled in a loop of more than {LARGEST_CYCLE} "
                "variables, which has no compact closed-form solution"
            )
        n = len(group)
        augmented = sympy.zeros(n + 1, n + 1)
        for i, x in enumerate(group):
            for j, y in enumerate(group):
                augmented[i, j] = matrix[x].get(y, 0)
            augmented[i, n] = constant[x]
        try:
            propagator = (augmented * DT).exp()
        except (NotImplementedError, ValueError, sympy.matrices.MatrixError) as error:
            raise NotApplicable(f"SymPy found no matrix exponential ({error})") from error
        for i, x in enumerate(group):
            new_value = sympy.S.Zero
            for j, y in enumerate(group):
                coefficient = _real_form(sympy.simplify(propagator[i, j]))
                new_value += coefficient * symbols[y]
            new_value += _real_form(sympy.simplify(propagator[i, n]))
            finals[x] = new_value
    return assemble(system, [], finals)
