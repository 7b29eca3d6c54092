"""Products rearranged so that their loop-invariant factors form one subexpression.

A state updater writes ``ge * taue * (_sub2 - _sub1) / (taue - taum)``: evaluated as written,
that is three multiplications and a division per element, although only ``ge`` differs between
elements. Rewritten as ``ge * (taue * (_sub2 - _sub1) / (taue - taum))``, the parenthesised
factor is one value per call (the Numba target lifts it out of the loop; the NumPy target
computes it on scalars), leaving one multiplication per element. A division by an invariant
becomes a multiplication by its reciprocal, ``v / tau`` -> ``v * (1.0 / tau)``.

The rewrite changes the rounding of a result (by an ulp or so), never its meaning. It runs on
the intermediate form, before any target sees a kernel, so both targets evaluate the same
arithmetic and agree to the bit. Only chains of ``*`` and ``/`` are regrouped; ``//``, ``%``,
powers and function calls are factors (whose insides are regrouped in turn).
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from axonal.model.ir import (
    Expression,
    Statement,
    TreeRewriter,
    VariableKind,
    VariableRef,
    is_invariant_tree,
)

__all__: list[str] = []  # internal room: nothing here is part of the user's namespace


@dataclass
class _Chain:
    """The factors of a product/quotient chain, split by whether they vary between elements."""

    negative: bool = False
    varying: list[tuple[ast.expr, bool]] = field(default_factory=list)  # (factor, divides)
    invariant: list[tuple[ast.expr, bool]] = field(default_factory=list)


class _Regrouper(TreeRewriter):
    def __init__(self, is_invariant_name: Callable[[str], bool]) -> None:
        self.is_invariant_name = is_invariant_name

    def is_invariant(self, node: ast.expr) -> bool:
        return is_invariant_tree(node, self.is_invariant_name)

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        if not isinstance(node.op, ast.Mult | ast.Div):
            return self.generic_visit(node)
        chain = _Chain()
        self._collect(node, divides=False, chain=chain)
        dividing_invariants = any(divides for _, divides in chain.invariant)
        if not chain.varying or not (len(chain.invariant) > 1 or dividing_invariants):
            return self.generic_visit(node)  # nothing to gain: keep the text as written
        factor = _product(chain.invariant)
        if chain.negative:
            factor = ast.UnaryOp(ast.USub(), factor)
        if any(not divides for _, divides in chain.varying):
            return ast.BinOp(_product(chain.varying), ast.Mult(), factor)
        for varying, _ in chain.varying:  # only divisors vary: (tau * 2) / v
            factor = ast.BinOp(factor, ast.Div(), varying)
        return factor

    def _collect(self, node: ast.expr, divides: bool, chain: _Chain) -> None:
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult | ast.Div):
            self._collect(node.left, divides, chain)
            self._collect(node.right, divides != isinstance(node.op, ast.Div), chain)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            chain.negative = not chain.negative  # exact: a sign moves without rounding
            self._collect(node.operand, divides, chain)
        elif self.is_invariant(node):
            chain.invariant.append((node, divides))
        else:
            chain.varying.append((self.visit(node), divides))


def _product(factors: Sequence[tuple[ast.expr, bool]]) -> ast.expr:
    """``a * b / c / d`` of the factors, in their order; ``1.0 / c / d`` if all divide."""
    multiplied = [factor for factor, divides in factors if not divides]
    result = multiplied[0] if multiplied else ast.Constant(1.0)
    for factor in multiplied[1:]:
        result = ast.BinOp(result, ast.Mult(), factor)
    for factor in (factor for factor, divides in factors if divides):
        result = ast.BinOp(result, ast.Div(), factor)
    return result


def group_invariant_factors(
    expression: Expression, is_invariant_name: Callable[[str], bool]
) -> Expression:
    """``expression`` with the invariant factors of each product grouped into one factor.

    ``is_invariant_name(name)`` says whether a name has the same value for every element.
    """
    tree = _Regrouper(is_invariant_name).visit(expression.tree)
    if tree is expression.tree:
        return expression
    regrouped = Expression.from_tree(tree)
    return expression if regrouped == expression else regrouped


def group_kernel_factors(
    statements: Sequence[Statement],
    condition: Expression | None,
    variables: Mapping[str, VariableRef],
) -> tuple[tuple[Statement, ...], Expression | None]:
    """A kernel's statements and condition with :func:`group_invariant_factors` applied.

    Invariant are: constants, ``dt``, and temporaries assigned once, unconditionally, from
    invariant values (the exact integrator's ``_sub1 = exp(-dt/taum)``).
    """
    invariant_names = frozenset(
        name
        for name, ref in variables.items()
        if ref.kind == VariableKind.CONSTANT or (ref.kind == VariableKind.CLOCK and name == "dt")
    )
    return _group_kernel_factors(tuple(statements), condition, invariant_names)


@functools.lru_cache(maxsize=1024)
def _group_kernel_factors(
    statements: tuple[Statement, ...], condition: Expression | None, invariant_names: frozenset
) -> tuple[tuple[Statement, ...], Expression | None]:
    """group_kernel_factors for statements over these invariant names. Kept: each run
    rebuilds every group's kernels, and identical groups (100 neurons of one model) have the
    same ones (3-4 ms per SpatialNeuron and run)."""
    assignments: dict[str, int] = {}
    for statement in statements:
        assignments[statement.target] = assignments.get(statement.target, 0) + 1
    invariant_temporaries: set[str] = set()

    def is_invariant_name(name: str) -> bool:
        if name in invariant_temporaries:
            return True
        return name not in assignments and name in invariant_names

    def regroup(expression: Expression | None) -> Expression | None:
        return (
            None if expression is None else group_invariant_factors(expression, is_invariant_name)
        )

    regrouper = _Regrouper(is_invariant_name)
    result = []
    for s in statements:
        expr = regroup(s.expr)
        if s.temporary and s.op == "=" and s.condition is None and assignments[s.target] == 1:
            if regrouper.is_invariant(s.expr.tree):
                invariant_temporaries.add(s.target)
        result.append(Statement(s.target, s.op, expr, s.temporary, regroup(s.condition)))
    return tuple(result), regroup(condition)
