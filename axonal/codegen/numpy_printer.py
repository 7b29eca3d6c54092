"""Print an intermediate-form expression as vectorised NumPy code."""

from __future__ import annotations

import ast

from axonal.model.ir import RANDOM_FUNCTIONS, Expression, TreeRewriter

# Functions whose NumPy form needs the number of elements the kernel works on.


class _VectorisingTransformer(TreeRewriter):
    """Rewrites Python's scalar boolean logic and random calls into array operations."""

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        node = self.generic_visit(node)
        function = "logical_and" if isinstance(node.op, ast.And) else "logical_or"
        result = node.values[0]
        for value in node.values[1:]:
            result = _call(function, [result, value])
        return result

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        node = self.generic_visit(node)
        if isinstance(node.op, ast.Not):
            return _call("logical_not", [node.operand])
        return node

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        node = self.generic_visit(node)
        if len(node.ops) == 1:
            return node
        # a < b < c is (a < b) and (b < c), element-wise
        left, parts = node.left, []
        for op, right in zip(node.ops, node.comparators, strict=True):
            parts.append(ast.Compare(left=left, ops=[op], comparators=[right]))
            left = right
        result = parts[0]
        for part in parts[1:]:
            result = _call("logical_and", [result, part])
        return result

    def __init__(self, scalar: bool = False):
        self.scalar = scalar

    def visit_Call(self, node: ast.Call) -> ast.AST:
        node = self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id in RANDOM_FUNCTIONS and not node.args:
            size = ast.Constant(None) if self.scalar else ast.Name("_vector_size", ast.Load())
            return _call(node.func.id, [size])
        return node


def _call(function: str, args: list[ast.expr]) -> ast.Call:
    return ast.Call(func=ast.Name(id=function, ctx=ast.Load()), args=args, keywords=[])


def numpy_code(expression: Expression, scalar: bool = False) -> str:
    """The expression as NumPy code over arrays of the same length.

    Names stay as they are (the kernel binds them to arrays or scalars); ``and``/``or``/``not``
    become ``logical_and``/``logical_or``/``logical_not`` and ``rand()`` becomes
    ``rand(_vector_size)``, so the kernel's namespace must provide those names. ``scalar``:
    the value is computed once (a shared variable's), so ``rand()`` is ``rand(None)``, one draw.
    """
    return ast.unparse(_VectorisingTransformer(scalar).visit(expression.tree))
