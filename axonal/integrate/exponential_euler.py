"""Exponential Euler for conditionally linear equations (the Hodgkin-Huxley gating variables).

Each equation ``dx/dt = A x + B``, with ``A`` and ``B`` free of ``x`` (they may read other
state variables, which are held at their values from the start of the step), is advanced
exactly over the step: ``x + (A x + B) dt exprel(A dt)``, which is
``-B/A + (x + B/A) exp(A dt)`` where ``A`` cannot vanish, and ``x + B dt`` where ``A = 0``.

As in Brian 2, an equation in which ``x`` appears outside functions only as a first-order
factor (``g(x) x + h(x)``, Morris-Lecar's ``m_inf(V) (V - E)``) is taken with ``A = g(x)``
and ``B = h(x)`` frozen at the start of the step: still first order, and the scripts that
rely on it run unchanged.
"""

from __future__ import annotations

import sympy

from axonal.integrate.statements import assemble
from axonal.integrate.system import DT, EquationSystem, NotApplicable, enumerate_names, plural
from axonal.model.ir import Statement
from axonal.model.sympy_conversion import exprel

__all__: list[str] = []  # internal room


def split_linear(f: sympy.Expr, x: sympy.Symbol) -> tuple[sympy.Expr, sympy.Expr] | None:
    """``(A, B)`` with ``f = A x + B`` and neither reading ``x``; None if ``f`` is not so."""
    A = sympy.diff(f, x)
    if x in A.free_symbols:
        # Only a rational expression can still cancel; x inside a function (exp(v)) cannot.
        if any(x in call.free_symbols for call in A.atoms(sympy.Function)):
            return None
        A = sympy.cancel(sympy.expand(A))
        if x in A.free_symbols:
            return None
    B = f.subs(x, 0)
    if B.has(sympy.nan, sympy.zoo) or x in B.free_symbols:
        B = sympy.expand(f - A * x)
    if x in B.free_symbols:
        return None
    return A, B


def split_frozen(f: sympy.Expr, x: sympy.Symbol) -> tuple[sympy.Expr, sympy.Expr] | None:
    """``(A, B)`` with ``f = A x + B`` where ``A`` and ``B`` may still read ``x`` inside
    functions or denominators; None if ``x`` appears as another power (``x**3``) or only
    inside functions (``exp(x)``), which Brian 2 rejects too."""
    expanded = sympy.expand(f, power_exp=False, power_base=False, log=False)
    collected = sympy.collect(expanded, x, evaluate=False)
    if x not in collected or not set(collected) <= {x, sympy.S.One}:
        return None
    return collected.get(x, sympy.S.Zero), collected.get(sympy.S.One, sympy.S.Zero)


def exponential_euler(system: EquationSystem) -> tuple[Statement, ...]:
    system.reject_noise()
    finals = {}
    nonlinear = []
    for name, x in system.symbols.items():
        split = split_linear(system.drift[name], x) or split_frozen(system.drift[name], x)
        if split is None:
            nonlinear.append(name)
            continue
        A, B = split
        if A == 0:
            finals[name] = x + DT * B
        elif A.is_zero is False:
            finals[name] = -B / A + (x + B / A) * sympy.exp(A * DT)
        else:
            finals[name] = x + (A * x + B) * DT * exprel(A * DT)
    if nonlinear:
        raise NotApplicable(
            f"the {plural('equation', nonlinear)} for {enumerate_names(nonlinear)} "
            f"{'is' if len(nonlinear) == 1 else 'are'} not linear in "
            f"{'its own variable' if len(nonlinear) == 1 else 'their own variables'}"
        )
    return assemble(system, [], finals)
