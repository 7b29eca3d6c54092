"""Builders of expressions from expressions: conditions and products as syntax trees, not text.

Code that combines a user's expression with its own (``(threshold) and not_refractory``, a
write guard, a refractoriness test) builds the tree here; the result's canonical text is
``ast.unparse`` of that tree, the same text the former f-strings parsed to, so generated code
does not change. The parts' trees are shared, never changed (see ``TreeRewriter``).
"""

from __future__ import annotations

import ast

from axonal.model.ir import Expression

__all__: list[str] = []  # internal room: nothing here is part of the user's namespace

Part = Expression | str | float


def _tree(part: Part) -> ast.expr:
    if isinstance(part, Expression):
        return part.tree
    if isinstance(part, str):
        if not part.isidentifier():
            raise ValueError(f"a builder's part must be a name or an Expression, not {part!r}")
        return ast.Name(part, ast.Load())
    return ast.Constant(part)


def _expression(node: ast.expr) -> Expression:
    return Expression.from_tree(ast.fix_missing_locations(node))


def all_of(*parts: Part) -> Expression:
    """``a and b and ...`` (each part a condition)."""
    return _expression(ast.BoolOp(ast.And(), [_tree(p) for p in parts]))


def any_of(*parts: Part) -> Expression:
    """``a or b or ...`` (each part a condition)."""
    return _expression(ast.BoolOp(ast.Or(), [_tree(p) for p in parts]))


def negation(part: Part) -> Expression:
    """``not a``."""
    return _expression(ast.UnaryOp(ast.Not(), _tree(part)))


def difference(left: Part, right: Part) -> Expression:
    """``left - right``."""
    return _expression(ast.BinOp(_tree(left), ast.Sub(), _tree(right)))


def product(left: Part, right: Part) -> Expression:
    """``left * right``."""
    return _expression(ast.BinOp(_tree(left), ast.Mult(), _tree(right)))


def greater(left: Part, right: Part) -> Expression:
    """``left > right``."""
    return _expression(ast.Compare(_tree(left), [ast.Gt()], [_tree(right)]))


def call(function: str, *arguments: Part) -> Expression:
    """``function(arguments...)``."""
    node = ast.Call(ast.Name(function, ast.Load()), [_tree(a) for a in arguments], [])
    return _expression(node)
