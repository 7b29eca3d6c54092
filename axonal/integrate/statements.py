"""From SymPy expressions of an update scheme to ordered ``Statement`` records.

A scheme gives its intermediate stages (temporaries defined from earlier ones and the state)
and the new value of each state variable as a function of the *old* values. Here the stages
are shortened with common-subexpression elimination and the final assignments are ordered so
that no assignment reads a variable that was already overwritten (a cycle, ``v`` reading ``w``
and ``w`` reading ``v``, goes through a temporary ``_v_new``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sympy

from axonal.integrate.system import EquationSystem, IntegrationError
from axonal.model.ir import Expression, Statement
from axonal.model.sympy_conversion import SympyConversionError, symbol, sympy_to_str

__all__: list[str] = []  # internal room


def noise_increment_name(noise: str) -> str:
    """The temporary holding ``dt**0.5 * randn()`` for the noise symbol ``noise``."""
    return f"_dW_{noise}"


def noise_increments(system: EquationSystem) -> dict[str, sympy.Symbol]:
    """Noise symbol -> the symbol of its Wiener increment over the step."""
    return {noise: symbol(noise_increment_name(noise)) for noise in system.noise_names}


class _Namer:
    """Fresh names for common subexpressions, unique within one state update.

    SymPy's cse draws provisional names from it; the ones that survive are renamed in order
    (``_sub1``, ``_sub2``, ...) by :meth:`keep`.
    """

    def __init__(self) -> None:
        self.provisional = 0
        self.kept = 0

    def __iter__(self):
        return self

    def __next__(self) -> sympy.Symbol:
        self.provisional += 1
        return sympy.Dummy(f"cse{self.provisional}", real=True)

    def keep(self) -> sympy.Symbol:
        self.kept += 1
        return symbol(f"_sub{self.kept}")


def _print(system: EquationSystem, expr: sympy.Expr, target: str) -> Expression:
    try:
        return Expression(sympy_to_str(expr))
    except SympyConversionError as error:
        owner = f"'{system.owner}'" if system.owner else "the equations"
        raise IntegrationError(
            f"Cannot write the update of {target} for {owner} as code: {error}"
        ) from error


def _eliminate_common(
    expressions: Mapping[str, sympy.Expr], namer: _Namer, use_cse: bool
) -> tuple[list[tuple[sympy.Symbol, sympy.Expr]], dict[str, sympy.Expr]]:
    if not use_cse or not expressions:
        return [], dict(expressions)
    names = list(expressions)
    replacements, reduced = sympy.cse([expressions[name] for name in names], symbols=namer)
    # Put back what costs nothing to recompute (-tau, 2*x): a temporary would only obscure it.
    kept, inline = [], {}
    for name, expr in replacements:
        expr = expr.xreplace(inline)
        if expr.is_Atom or (expr.count_ops() <= 1 and not expr.atoms(sympy.Function)):
            inline[name] = expr
        else:
            inline[name] = namer.keep()
            kept.append((inline[name], expr))
    reduced = [expr.xreplace(inline) for expr in reduced]
    return kept, dict(zip(names, reduced, strict=True))


def _final_order(system: EquationSystem, finals: Mapping[str, sympy.Expr]):
    """Assignment order, and the variables whose new value must wait in a temporary."""
    reads = {x: {s.name for s in finals[x].free_symbols} & (set(finals) - {x}) for x in finals}
    pending = [x for x in system.variables if x in finals]
    order: list[str] = []
    deferred: list[str] = []
    while pending:
        # A variable may be overwritten once no other pending assignment reads it.
        ready = [x for x in pending if not any(x in reads[y] for y in pending if y != x)]
        chosen = ready[0] if ready else pending[0]
        (order if ready else deferred).append(chosen)
        pending.remove(chosen)
    return order, deferred


def assemble(
    system: EquationSystem,
    stages: Sequence[Mapping[str, sympy.Expr]],
    finals: Mapping[str, sympy.Expr],
    *,
    use_cse: bool = True,
) -> tuple[Statement, ...]:
    """Statements: noise draws, the stages in order, then ``x = ...`` for every variable.

    ``stages[k]`` maps temporary names (starting with ``_``) to expressions that may read the
    state, parameters and temporaries of earlier stages. ``finals`` maps each state variable to
    its new value in terms of old values and temporaries.
    """
    statements: list[Statement] = []
    used = set().union(*(e.free_symbols for stage in stages for e in stage.values()))
    used |= set().union(*(e.free_symbols for e in finals.values()))
    for increment in noise_increments(system).values():
        if increment in used:
            statements.append(
                Statement(increment.name, "=", Expression("dt ** 0.5 * randn()"), temporary=True)
            )
    namer = _Namer()
    for stage in stages:
        replacements, reduced = _eliminate_common(stage, namer, use_cse)
        for name, expr in replacements:
            statements.append(Statement(name.name, "=", _print(system, expr, name.name), True))
        for name, expr in reduced.items():
            statements.append(Statement(name, "=", _print(system, expr, name), temporary=True))
    replacements, reduced = _eliminate_common(finals, namer, use_cse)
    for name, expr in replacements:
        statements.append(Statement(name.name, "=", _print(system, expr, name.name), True))
    order, deferred = _final_order(system, reduced)
    for x in deferred:
        statements.append(Statement(f"_{x}_new", "=", _print(system, reduced[x], x), True))
    for x in order:
        statements.append(Statement(x, "=", _print(system, reduced[x], x)))
    for x in deferred:
        statements.append(Statement(x, "=", Expression(f"_{x}_new")))
    return tuple(statements)


def substitute(expr: sympy.Expr, values: Mapping[sympy.Symbol, sympy.Expr]) -> sympy.Expr:
    """Simultaneous substitution (``x -> x + k/2`` everywhere at once)."""
    return expr.xreplace(dict(values))
