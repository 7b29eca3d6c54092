"""Conditions rewritten without branches (``&``/``|`` on booleans), so that a scan vectorises."""

from __future__ import annotations

import ast
from collections.abc import Mapping

from axonal.codegen.numba_printer import expression_dtype
from axonal.model.ir import Expression, TreeRewriter

__all__: list[str] = []  # internal room: nothing here is part of the user's namespace


class _BranchFree(TreeRewriter):
    """``and``/``or`` and chained comparisons as ``&``/``|`` on booleans (no short circuit)."""

    def __init__(self, dtypes: Mapping[str, str]):
        self.dtypes = dtypes

    def boolean(self, node: ast.expr) -> ast.expr:
        """``node`` branch-free, as a boolean (``!= 0`` added where it is a number)."""
        boolean = isinstance(node, ast.BoolOp)  # made of booleans below
        dtype = "bool" if boolean else expression_dtype(node, self.dtypes)
        node = self.visit(node)
        if dtype == "bool":
            return node
        return ast.Compare(left=node, ops=[ast.NotEq()], comparators=[ast.Constant(0)])

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.expr:
        operator = ast.BitAnd() if isinstance(node.op, ast.And) else ast.BitOr()
        result = self.boolean(node.values[0])
        for value in node.values[1:]:
            result = ast.BinOp(left=result, op=operator, right=self.boolean(value))
        return result

    def visit_Compare(self, node: ast.Compare) -> ast.expr:
        node = self.generic_visit(node)
        if len(node.ops) == 1:
            return node
        operands = [node.left, *node.comparators]
        pairs = [
            ast.Compare(left=left, ops=[op], comparators=[right])
            for left, op, right in zip(operands, node.ops, operands[1:], strict=False)
        ]
        result = pairs[0]
        for pair in pairs[1:]:
            result = ast.BinOp(left=result, op=ast.BitAnd(), right=pair)
        return result

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.expr:
        if isinstance(node.op, ast.Not):
            return ast.UnaryOp(op=ast.Not(), operand=self.boolean(node.operand))
        return self.generic_visit(node)


def branch_free_condition(condition: Expression, dtypes: Mapping[str, str]) -> Expression:
    """``condition`` evaluated in full, as the NumPy target does (``logical_and`` and friends),
    so that a loop testing it has no branch; ``dtypes`` gives the dtype of each name."""
    return Expression.from_tree(_BranchFree(dtypes).boolean(condition.tree))
