"""Print an intermediate-form expression as scalar Python code for the body of a Numba loop.

The printed code works on one element at a time: names are renamed to the loop's local
variables, ``and``/``or``/``not`` stay Python, functions become ``np.``/``math.`` calls or the
small compiled helpers defined here, and ``rand()``/``randn()`` draw from Numba's generator.

Loop-invariant parts of an expression (subexpressions over constants and ``dt`` only, such as
``exp(-dt/taum)``) can be lifted out with :func:`hoist_invariants`; the Numba target evaluates
them once per call with NumPy, which makes them bit-identical to the NumPy target's values
(NumPy's vectorised ``exp`` and the C library's ``exp`` differ in the last bit now and then).
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable, Mapping

import numpy as np
from numba import njit

from axonal.model.ir import RANDOM_FUNCTIONS, Expression, TreeRewriter, is_invariant_tree

# The intermediate form's functions as Numba-compilable code (np.* on scalars, like NumPy).
NUMBA_FUNCTION_FORMS: dict[str, str] = {
    "exp": "np.exp", "log": "np.log", "log10": "np.log10", "sqrt": "np.sqrt",
    "sin": "np.sin", "cos": "np.cos", "tan": "np.tan", "sinh": "np.sinh", "cosh": "np.cosh",
    "tanh": "np.tanh", "arcsin": "np.arcsin", "arccos": "np.arccos", "arctan": "np.arctan",
    "abs": "abs", "floor": "np.floor", "ceil": "np.ceil", "sign": "np.sign",
    "clip": "numba_clip", "exprel": "numba_exprel", "int": "int",
    "rand": "np.random.random", "randn": "np.random.standard_normal",
}  # fmt: skip

# Names that mean a number when a kernel's table does not define them (as in NumPy's scope).
NUMBER_NAMES = {"pi": "np.pi", "e": "np.e", "inf": "np.inf"}

# What a generated module imports so that every printed form resolves.
PRINTED_CODE_IMPORTS = (
    "import math\n"
    "import numpy as np\n"
    "from numba import njit, prange\n"
    "from axonal.codegen.numba_printer import numba_clip, numba_exprel\n"
)


class NumbaPrintError(ValueError):
    """An expression uses a function or name the Numba target cannot print."""


@njit(cache=True, error_model="numpy")
def numba_exprel(x):
    """(exp(x) - 1) / x, continuous at 0: the scalar twin of the NumPy target's exprel."""
    if x == 0:
        return 1.0
    return np.expm1(x) / x


@njit(cache=True)
def numba_clip(x, low, high):
    """np.clip on scalars: maximum with ``low`` first, then minimum with ``high``; NaN stays."""
    y = low if x < low else x
    return high if y > high else y


@functools.lru_cache(maxsize=4096)
def _form_node(form: str) -> ast.expr:
    """The syntax of a code form (``a_3[_e]``, ``np.exp``); shared, never changed."""
    return ast.parse(form, mode="eval").body


class _ScalarPrinter(TreeRewriter):
    def __init__(self, names: Mapping[str, str], functions: Mapping[str, str], where: str):
        self.names = names
        self.functions = functions
        self.where = where

    def visit_Call(self, node: ast.Call) -> ast.AST:
        if not isinstance(node.func, ast.Name):
            raise NumbaPrintError(f"{self.where}: only named functions can be called")
        name = node.func.id
        form = self.functions.get(name)
        if form is None:
            raise NumbaPrintError(
                f"{self.where}: the function {name!r} is unknown to the Numba target; "
                f"known are {', '.join(sorted(self.functions))} (pass others as functions=)"
            )
        if name in RANDOM_FUNCTIONS and node.args:
            raise NumbaPrintError(f"{self.where}: {name}() takes no arguments")
        args = [self.visit(arg) for arg in node.args]
        return ast.copy_location(ast.Call(func=_form_node(form), args=args, keywords=[]), node)

    def visit_Name(self, node: ast.Name) -> ast.AST:
        local = self.names.get(node.id) or NUMBER_NAMES.get(node.id)
        if local is None:
            raise NumbaPrintError(f"{self.where}: the name {node.id!r} is not defined")
        return _form_node(local)


def numba_code(
    expression: Expression | str,
    names: Mapping[str, str],
    functions: Mapping[str, str] | None = None,
    where: str = "expression",
) -> str:
    """The expression as scalar code; ``names`` maps each name to its local code form.

    ``functions`` maps function names to their code form (default: the standard functions);
    ``where`` names the kernel or statement for error messages.
    """
    if not isinstance(expression, Expression):
        expression = Expression(expression)
    where = f"{where} ({expression.code})"
    printer = _ScalarPrinter(names, functions or NUMBA_FUNCTION_FORMS, where)
    return ast.unparse(printer.visit(expression.tree))


def _is_trivial(node: ast.expr) -> bool:
    if isinstance(node, ast.Name | ast.Constant):
        return True
    return (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub | ast.UAdd)
        and isinstance(node.operand, ast.Constant)
    )


class _InvariantHoister(TreeRewriter):
    """Replaces maximal invariant subtrees by placeholder names (post-order)."""

    def __init__(self, invariant_names: Callable[[str], bool], placeholder: Callable[[str], str]):
        self.invariant_names = invariant_names
        self.placeholder = placeholder

    def invariant(self, node: ast.AST) -> bool:
        return is_invariant_tree(node, self.invariant_names)

    def visit(self, node: ast.AST) -> ast.AST:
        if isinstance(node, ast.expr) and not _is_trivial(node) and self.invariant(node):
            name = self.placeholder(ast.unparse(node))
            return ast.copy_location(ast.Name(id=name, ctx=ast.Load()), node)
        return self.generic_visit(node)


def hoist_invariants(
    expression: Expression,
    invariant_names: Callable[[str], bool],
    placeholder: Callable[[str], str],
) -> Expression:
    """``expression`` with each maximal loop-invariant subexpression replaced by a name.

    ``invariant_names(name)`` says whether a name keeps its value for the whole call;
    ``placeholder(code)`` returns the name standing for the invariant subexpression ``code``
    (and records it, so the caller can evaluate it). Random draws are never invariant.
    """
    hoisted = _InvariantHoister(invariant_names, placeholder).visit(expression.tree)
    return expression if hoisted is expression.tree else Expression.from_tree(hoisted)


def is_invariant(expression: Expression, invariant_names: Callable[[str], bool]) -> bool:
    """Whether the whole expression keeps its value for the call (no random draw in it)."""
    return _InvariantHoister(invariant_names, str).invariant(expression.tree)


class _Substituter(TreeRewriter):
    def __init__(self, values: Mapping[str, Expression]):
        self.values = values

    def visit_Name(self, node: ast.Name) -> ast.AST:
        value = self.values.get(node.id)
        return node if value is None else value.tree


def substitute(expression: Expression, values: Mapping[str, Expression]) -> Expression:
    """``expression`` with each name in ``values`` replaced by that expression (as a unit)."""
    if not expression.names & values.keys():
        return expression
    return Expression.from_tree(_Substituter(values).visit(expression.tree))


_INTEGER_OPS = (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv, ast.Mod)


def _join_dtypes(dtypes: list[str]) -> str:
    return str(np.result_type(*[np.dtype(d) for d in dtypes])) if dtypes else "float64"


def expression_dtype(expression: Expression | ast.expr, dtypes: Mapping[str, str]) -> str:
    """The dtype ('bool', 'int64', 'float64', ...) a scalar evaluation of the expression has."""

    def infer(node: ast.expr) -> str:
        if isinstance(node, ast.Compare | ast.BoolOp):
            return (
                "bool"
                if isinstance(node, ast.Compare)
                else _join_dtypes([infer(v) for v in node.values])
            )
        if isinstance(node, ast.UnaryOp):
            return "bool" if isinstance(node.op, ast.Not) else infer(node.operand)
        if isinstance(node, ast.Constant):
            return {bool: "bool", int: "int64"}.get(type(node.value), "float64")
        if isinstance(node, ast.Name):
            return dtypes.get(node.id, "float64")
        if isinstance(node, ast.BinOp):
            left, right = infer(node.left), infer(node.right)
            joined = _join_dtypes([left, right])
            if isinstance(node.op, _INTEGER_OPS) and np.dtype(joined).kind in "biu":
                return "int64" if joined == "bool" else joined
            return "float64"
        if isinstance(node, ast.IfExp):
            return _join_dtypes([infer(node.body), infer(node.orelse)])
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "int":
                return "int64"
            if node.func.id in ("abs", "clip"):
                return _join_dtypes([infer(arg) for arg in node.args])
        return "float64"

    return infer(expression if isinstance(expression, ast.expr) else expression.tree)
