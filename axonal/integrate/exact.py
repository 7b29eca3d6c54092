"""Exact integration of linear equations ``x' = A x + b`` with coefficients constant over a step.

``x(t + dt) = exp(A dt) x(t) + integral_0^dt exp(A s) ds b``, worked out separately for each
group of variables coupled to each other: a single equation in closed form; two variables
that read each other through the trace and determinant of their 2x2 matrix (sin/cos or
sinh/cosh); chains without loops (synaptic currents feeding a membrane) by Parlett's recurrence
on the triangular augmented matrix ``[[A, b], [0, 0]] dt``; anything else by SymPy's matrix
exponential. Loops of three or more variables are refused.
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
from axonal.model.sympy_conversion import exprel, sympy_to_str

__all__: list[str] = []  # internal room

# Coupled blocks larger than this need the roots of a cubic or worse: no readable closed form.
LARGEST_CYCLE = 2


def _reads_state_in_a_function(expr: sympy.Expr, states) -> bool:
    return any(call.free_symbols & states for call in expr.atoms(sympy.Function))


def _linear_coefficients(system: EquationSystem):
    """``A`` (as a dict of dicts) and ``b``, or NotApplicable naming the nonlinear equations."""
    symbols = system.symbols
    states = system.state_symbols
    matrix: dict[str, dict[str, sympy.Expr]] = {}
    constant: dict[str, sympy.Expr] = {}
    nonlinear = []
    at_origin = {s: sympy.S.Zero for s in states}
    for x in system.variables:
        f = system.drift[x]
        row = {}
        for y in system.variables:
            coefficient = sympy.diff(f, symbols[y])
            if coefficient.free_symbols & states:
                # A rational expression may still cancel (v*(1 - v) + v**2 is linear); a
                # function of the state (exp(v), the rates of Hodgkin-Huxley) does not.
                if not _reads_state_in_a_function(coefficient, states):
                    coefficient = sympy.cancel(sympy.expand(coefficient))
                if coefficient.free_symbols & states:
                    nonlinear.append(x)
                    break
            if coefficient != 0:
                row[y] = coefficient
        else:
            matrix[x] = row
            # f is affine in the state, so its value at the origin is the constant term.
            constant[x] = f.xreplace(at_origin)
            if constant[x].has(sympy.nan, sympy.zoo):
                constant[x] = sympy.simplify(f - sum(c * symbols[y] for y, c in row.items()))
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


def _upper_triangular_order(group: list[str], matrix) -> list[str] | None:
    """An order in which every variable comes before those it reads; None if there is a loop."""
    order = []
    remaining = list(group)
    while remaining:
        # Place a variable that no remaining variable reads (it has no readers left).
        for x in remaining:
            if not any(x in matrix[y] for y in remaining if y != x):
                break
        else:
            return None
        order.append(x)
        remaining.remove(x)
    return order


def _triangular_exponential(upper: sympy.Matrix) -> sympy.Matrix | None:
    """``exp(upper)`` by Parlett's recurrence; None if two diagonal entries coincide.

    For the usual synaptic-current models this is pure algebra, where SymPy's Jordan-form
    route spends seconds proving what the triangular structure already says.
    """
    n = upper.rows
    diagonal = [upper[i, i] for i in range(n)]
    gaps = {}
    for i in range(n):
        for j in range(i + 1, n):
            gaps[i, j] = sympy.cancel(diagonal[j] - diagonal[i])
            if gaps[i, j] == 0:
                return None
    result = sympy.zeros(n, n)
    for i in range(n):
        result[i, i] = sympy.exp(diagonal[i])
    for distance in range(1, n):
        for i in range(n - distance):
            j = i + distance
            # F T = T F gives F_ij (T_jj - T_ii) = T_ij (F_jj - F_ii)
            #                                     + sum_k (T_ik F_kj - F_ik T_kj)
            total = upper[i, j] * (result[j, j] - result[i, i])
            for k in range(i + 1, j):
                total += upper[i, k] * result[k, j] - result[i, k] * upper[k, j]
            result[i, j] = total / gaps[i, j]
    return result


def _single(x: sympy.Symbol, a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
    """``x' = a x + b`` over one step. Where ``a`` may vanish, ``exprel`` avoids 0/0."""
    if a == 0:
        return x + b * DT
    if b == 0:
        return x * sympy.exp(a * DT)
    if a.is_zero is False:
        return x * sympy.exp(a * DT) + b / a * (sympy.exp(a * DT) - 1)
    return x * sympy.exp(a * DT) + b * DT * exprel(a * DT)


def _fed_by_decays(group: list[str], matrix, constant) -> tuple[str, list[str]] | None:
    """``(x, leaves)`` when ``group`` is one variable fed by others that only decay
    (``x' = a x + sum_j c_j y_j + b``, ``y_j' = a_j y_j``, each ``a_j - a`` not zero):
    synaptic currents or conductances feeding a membrane. None for any other shape."""
    fed = [x for x in group if set(matrix[x]) - {x}]
    if len(fed) != 1:
        return None
    x = fed[0]
    leaves = [y for y in group if y != x]
    for y in leaves:
        a_y = matrix[y].get(y, sympy.S.Zero)
        if constant[y] != 0 or a_y == 0 or sympy.cancel(a_y - matrix[x].get(x, 0)) == 0:
            return None
    return x, leaves


def _decays_feeding_one(x: str, leaves: list[str], symbols, matrix, constant):
    """The exact update of ``_fed_by_decays``'s shape, written out: no simplification needed.

    ``y_j(t + dt) = exp(a_j dt) y_j`` and ``x(t + dt) = exp(a dt) x + sum_j c_j / (a_j - a)
    (exp(a_j dt) - exp(a dt)) y_j`` plus the constant's part, as for a single equation. Only
    the rational prefactors ``c_j / (a_j - a)`` are simplified (``cancel``: quick), so the
    SymPy time of the general route (``simplify`` on every entry of a matrix exponential,
    0.5 s for CUBA) is not spent.
    """
    a = matrix[x].get(x, sympy.S.Zero)
    decay = sympy.exp(a * DT)
    finals = {x: _single(symbols[x], a, constant[x])}
    for y in leaves:
        a_y = matrix[y][y]
        prefactor = sympy.cancel(matrix[x][y] / (a_y - a))
        finals[x] += prefactor * (sympy.exp(a_y * DT) - decay) * symbols[y]
        finals[y] = _single(symbols[y], a_y, sympy.S.Zero)
    return finals


def _pair(
    system: EquationSystem, pair: list[str], matrix, constant
) -> dict[str, sympy.Expr] | None:
    """Two variables that read each other: ``exp(A dt)`` from the trace and determinant.

    ``exp(A t) = exp(T t / 2) (cos(w t) I + sin(w t) / w (A - T I / 2))`` with
    ``w**2 = D - T**2 / 4`` when that is positive (oscillation), cosh and sinh when it is
    negative; an inhomogeneous part goes through the fixed point ``-A**-1 b``. None when the
    sign is known to be zero (left to SymPy's Jordan form).
    """
    x, y = pair
    A = sympy.Matrix([[matrix[x].get(x, 0), matrix[x].get(y, 0)],
                      [matrix[y].get(x, 0), matrix[y].get(y, 0)]])  # fmt: skip
    trace, determinant = A.trace(), A.det()
    frequency_squared = sympy.factor(sympy.expand(determinant - trace**2 / 4))
    identity = sympy.eye(2)
    shifted = A - trace / 2 * identity
    if frequency_squared.is_zero:
        return None
    # The sign of n/d is that of n*d, which SymPy decides more often (-1/tau**2: d >= 0).
    numerator, denominator = sympy.fraction(sympy.together(frequency_squared))
    sign_carrier = sympy.expand(numerator * denominator)
    if sign_carrier.is_nonnegative:
        w = sympy.sqrt(frequency_squared)
        rotation = sympy.cos(w * DT) * identity + sympy.sin(w * DT) / w * shifted
    elif sign_carrier.is_nonpositive:
        w = sympy.sqrt(-frequency_squared)
        rotation = sympy.cosh(w * DT) * identity + sympy.sinh(w * DT) / w * shifted
    else:
        raise NotApplicable(
            f"whether {x} and {y} oscillate depends on the sign of "
            f"{sympy_to_str(frequency_squared)}, which the parameters do not fix"
        )
    propagator = sympy.exp(trace * DT / 2) * rotation
    state = sympy.Matrix([system.symbols[x], system.symbols[y]])
    b = sympy.Matrix([constant[x], constant[y]])
    if b == sympy.zeros(2, 1):
        new = propagator * state
    else:
        if determinant == 0:
            return None
        fixed_point = -A.inv() * b
        new = fixed_point + propagator * (state - fixed_point)
    return {x: new[0], y: new[1]}


def _tidy(coefficient: sympy.Expr) -> sympy.Expr:
    """A coefficient of the solution, simplified and with common factors pulled out."""
    return sympy.factor_terms(sympy.simplify(coefficient))


def _compact(expr: sympy.Expr, symbols: list[sympy.Symbol]) -> sympy.Expr:
    """Collect on the state variables, each coefficient simplified on its own."""
    expr = sympy.expand(expr)
    total = sympy.S.Zero
    remainder = expr
    for s in symbols:
        coefficient = remainder.coeff(s)
        remainder = sympy.expand(remainder - coefficient * s)
        total += _tidy(coefficient) * s
    return total + _tidy(remainder)


def _check_real(expr: sympy.Expr, names: str) -> sympy.Expr:
    if expr.has(sympy.I) or expr.atoms(sympy.arg, sympy.re, sympy.im, sympy.atan2):
        raise NotApplicable(f"the solution for {names} is complex-valued for some parameters")
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
        if len(group) == 1:
            x = group[0]
            a = matrix[x].get(x, sympy.S.Zero)
            finals[x] = _single(symbols[x], a, constant[x])
            continue
        if len(group) == 2 and _largest_cycle(group, matrix) == 2:
            pair = _pair(system, group, matrix, constant)
            if pair is not None:
                for x, value in pair.items():
                    finals[x] = _check_real(_compact(value, [symbols[y] for y in group]), x)
                continue
        fed = _fed_by_decays(group, matrix, constant)
        if fed is not None:
            finals.update(_decays_feeding_one(*fed, symbols, matrix, constant))
            continue
        group = _upper_triangular_order(group, matrix) or group
        n = len(group)
        augmented = sympy.zeros(n + 1, n + 1)
        for i, x in enumerate(group):
            for j, y in enumerate(group):
                augmented[i, j] = matrix[x].get(y, 0)
            augmented[i, n] = constant[x]
        propagator = None
        if augmented.is_upper:
            propagator = _triangular_exponential(augmented * DT)
        if propagator is None:
            try:
                propagator = (augmented * DT).exp()
            except (NotImplementedError, ValueError, sympy.matrices.MatrixError) as error:
                raise NotApplicable(f"SymPy found no matrix exponential ({error})") from error
        for i, x in enumerate(group):
            new_value = sympy.S.Zero
            for j, y in enumerate(group):
                new_value += _tidy(propagator[i, j]) * symbols[y]
            new_value += _tidy(propagator[i, n])
            finals[x] = _check_real(new_value, x)
    return assemble(system, [], finals)
