"""Subexpressions in dependency order, and substituted into the differential equations."""

from __future__ import annotations

import ast
import functools
from collections.abc import Mapping

from axonal.model.errors import EquationError
from axonal.model.ir import Expression

__all__ = ["differential_right_hand_sides", "subexpression_order", "substitute_names"]

_KEPT_AS_NAME = "constant over dt"


def subexpression_order(equations: Mapping) -> tuple[str, ...]:
    """Subexpression names ordered so that each comes after the subexpressions it reads."""
    subexpressions = {name: eq for name, eq in equations.items() if eq.kind == "subexpression"}
    order: list[str] = []
    state: dict[str, str] = {}  # name -> 'visiting' | 'done'

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            cycle = path[path.index(name) :] + [name]
            raise EquationError(
                "The subexpressions depend on each other in a cycle: "
                f"{' -> '.join(cycle)}; a subexpression cannot (even indirectly) use itself.",
                None,
                subexpressions[name].line,
            )
        state[name] = "visiting"
        for used in sorted(subexpressions[name].identifiers & subexpressions.keys()):
            visit(used, [*path, name])
        state[name] = "done"
        order.append(name)

    for name in subexpressions:
        visit(name, [])
    return tuple(order)


class _NameSubstituter(ast.NodeTransformer):
    def __init__(self, replacements: Mapping[str, ast.expr]):
        self.replacements = replacements

    def visit_Name(self, node: ast.Name) -> ast.expr:
        return self.replacements.get(node.id, node)

    def visit_Call(self, node: ast.Call) -> ast.expr:
        node.args = [self.visit(arg) for arg in node.args]
        return node


def substitute_names(expr: Expression, replacements: Mapping[str, Expression]) -> Expression:
    """``expr`` with each name of ``replacements`` replaced by its expression (parenthesised
    where precedence needs it)."""
    used = expr.names & replacements.keys()
    if not used:
        return expr
    return _substituted(expr, tuple(sorted((name, replacements[name]) for name in used)))


@functools.lru_cache(maxsize=4096)
def _substituted(expr: Expression, replacements: tuple[tuple[str, Expression], ...]):
    """substitute_names; kept: every run substitutes each group's subexpressions again, and
    identical groups (100 neurons of one model) substitute the same ones."""
    trees = {name: replacement.tree for name, replacement in replacements}
    tree = _NameSubstituter(trees).visit(ast.parse(expr.code, mode="eval"))
    return Expression(ast.unparse(tree))


def differential_right_hand_sides(equations: Mapping) -> dict[str, Expression]:
    """The right-hand side of each differential equation with subexpressions substituted.

    Subexpressions flagged ``constant over dt`` stay as names (they are evaluated once per
    step, before the update). Raises EquationError for cyclic subexpressions.
    """
    expanded: dict[str, Expression] = {}
    for name in subexpression_order(equations):
        equation = equations[name]
        if _KEPT_AS_NAME in equation.flags:
            continue
        expanded[name] = substitute_names(equation.expr, expanded)
    return {
        name: substitute_names(eq.expr, expanded)
        for name, eq in equations.items()
        if eq.kind == "differential"
    }
