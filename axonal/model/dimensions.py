"""Dimension checks of expressions and statements, before anything runs."""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from axonal.model.errors import EquationDimensionError, EquationError, UnknownNameError
from axonal.model.functions import (
    DEFAULT_FUNCTIONS,
    Argument,
    Function,
    FunctionDimensionError,
    show_dimensions,
)
from axonal.model.ir import Expression, Statement
from axonal.model.namespace import NOISE_DIMENSIONS, NameKind, ResolvedName
from axonal.units import DIMENSIONLESS, Dimension

__all__ = [
    "check_equations",
    "check_statement",
    "check_statements",
    "expression_dimensions",
    "is_boolean_expression",
    "split_resolved",
]

_SYMBOLS = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
}


@dataclass(frozen=True)
class _Term:
    """The dimensions of a sub-expression, and its value when it is a known constant."""

    dimensions: Dimension
    value: float | None = None  # known constant value (SI), for exponents
    literal: bool = False  # written as a number in the text (0 is then dimension-neutral)

    @property
    def neutral_in_sum(self) -> bool:
        return self.literal and self.value == 0

    @property
    def neutral_in_comparison(self) -> bool:
        if self.dimensions is not DIMENSIONLESS or self.value is None:
            return False
        return (self.literal and self.value == 0) or math.isinf(self.value)


def split_resolved(
    resolved: Mapping[str, object],
) -> tuple[dict[str, Dimension], dict[str, Function], dict[str, float]]:
    """Dimensions, functions and known scalar constant values from a resolve_names result.

    Values of the mapping may also be plain Dimensions (or records with ``.dimensions``).
    """
    dims: dict[str, Dimension] = {}
    functions: dict[str, Function] = {}
    values: dict[str, float] = {}
    for name, item in resolved.items():
        if isinstance(item, ResolvedName):
            if item.kind is NameKind.FUNCTION:
                functions[name] = item.value
                continue
            dims[name] = item.dimensions
            if item.kind in (NameKind.CONSTANT, NameKind.UNIT):
                raw = np.asarray(item.value)
                if raw.ndim == 0 and raw.dtype.kind in "biuf":
                    values[name] = float(raw)
        elif isinstance(item, Function):
            functions[name] = item
        elif isinstance(item, Dimension):
            dims[name] = item
        else:
            dims[name] = item.dimensions
    return dims, functions, values


class _DimensionChecker:
    def __init__(self, dims, functions, values, owner, line):
        self.dims = dims
        self.functions = functions
        self.values = values
        self.owner = owner
        self.line = line

    def fail(self, message: str) -> EquationDimensionError:
        return EquationDimensionError(message, self.owner, self.line)

    def term(self, node: ast.expr) -> _Term:
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise EquationError(
                f"Cannot work out the units of {ast.unparse(node)!r}.", self.owner, self.line
            )
        return method(node)

    def _Constant(self, node: ast.Constant) -> _Term:
        try:
            value = float(node.value)
        except OverflowError:  # an integer literal beyond float range
            value = math.inf
        return _Term(DIMENSIONLESS, value, literal=True)

    def _Name(self, node: ast.Name) -> _Term:
        try:
            dims = self.dims[node.id]
        except KeyError:
            raise UnknownNameError(
                f"The units of {node.id!r} are not known.", self.owner, self.line, name=node.id
            ) from None
        return _Term(dims, self.values.get(node.id))

    def _UnaryOp(self, node: ast.UnaryOp) -> _Term:
        operand = self.term(node.operand)
        if isinstance(node.op, ast.Not):
            return _Term(DIMENSIONLESS)
        value = operand.value
        if value is not None and isinstance(node.op, ast.USub):
            value = -value
        return _Term(operand.dimensions, value, operand.literal)

    def _BoolOp(self, node: ast.BoolOp) -> _Term:
        for operand in node.values:
            self.term(operand)
        return _Term(DIMENSIONLESS)

    def _BinOp(self, node: ast.BinOp) -> _Term:
        left, right = self.term(node.left), self.term(node.right)
        value = _fold(node.op, left.value, right.value)
        # Only a 0 written as such is neutral: `2 - 2` is arithmetic, as Quantity sees it.
        literal = False
        if isinstance(node.op, (ast.Add, ast.Sub, ast.Mod)):
            if left.dimensions is right.dimensions:
                dims = left.dimensions
            elif right.neutral_in_sum and not isinstance(node.op, ast.Mod):
                dims = left.dimensions
            elif left.neutral_in_sum and not isinstance(node.op, ast.Mod):
                dims = right.dimensions
            else:
                raise self.fail(self._mismatch(node, node.left, left, node.right, right))
            return _Term(dims, value, literal)
        if isinstance(node.op, ast.Mult):
            return _Term(left.dimensions * right.dimensions, value, literal)
        if isinstance(node.op, (ast.Div, ast.FloorDiv)):
            return _Term(left.dimensions / right.dimensions, value, literal)
        return self._power(node, left, right, value, literal)

    def _power(self, node, base: _Term, exponent: _Term, value, literal) -> _Term:
        if exponent.dimensions is not DIMENSIONLESS:
            raise self.fail(
                f"The exponent {ast.unparse(node.right)!r} has units of "
                f"{show_dimensions(exponent.dimensions)}; an exponent must be dimensionless."
            )
        if base.dimensions is DIMENSIONLESS:
            return _Term(DIMENSIONLESS, value, literal)
        if exponent.value is None:
            raise self.fail(
                f"In {ast.unparse(node)!r} a quantity with units of "
                f"{show_dimensions(base.dimensions)} is raised to the power "
                f"{ast.unparse(node.right)!r}, which is not a constant; when the base has units "
                "the exponent must be a number or a constant."
            )
        return _Term(base.dimensions**exponent.value, value, literal)

    def _Compare(self, node: ast.Compare) -> _Term:
        operands = [node.left, *node.comparators]
        terms = [self.term(operand) for operand in operands]
        for index, operator in enumerate(node.ops):
            left, right = terms[index], terms[index + 1]
            if left.dimensions is right.dimensions:
                continue
            if left.neutral_in_comparison or right.neutral_in_comparison:
                continue
            raise self.fail(
                self._mismatch(
                    node, operands[index], left, operands[index + 1], right, operator=operator
                )
            )
        return _Term(DIMENSIONLESS)

    def _Call(self, node: ast.Call) -> _Term:
        name = node.func.id
        function = self.functions.get(name)
        if function is None:
            raise UnknownNameError(f"Unknown function {name!r}.", self.owner, self.line, name=name)
        arguments = []
        for arg in node.args:
            term = self.term(arg)
            neutral = term.neutral_in_comparison
            arguments.append(Argument(ast.unparse(arg), term.dimensions, neutral))
        try:
            dims = function.result_dimensions(arguments)
        except FunctionDimensionError as error:
            raise self.fail(str(error)) from None
        return _Term(dims)

    @staticmethod
    def _mismatch(node, left_node, left: _Term, right_node, right: _Term, operator=None) -> str:
        symbol = _SYMBOLS[type(operator if operator is not None else node.op)]
        verb = (
            "compares"
            if operator is not None
            else {"+": "adds", "-": "subtracts", "%": "takes the remainder of"}[symbol]
        )
        left_text, right_text = ast.unparse(left_node), ast.unparse(right_node)
        return (
            f"The expression {left_text + ' ' + symbol + ' ' + right_text!r} {verb} quantities "
            f"of different units: {left_text!r} has units of {show_dimensions(left.dimensions)} "
            f"but {right_text!r} has units of {show_dimensions(right.dimensions)}."
        )


def _fold(operator: ast.operator, left: float | None, right: float | None) -> float | None:
    if left is None or right is None:
        return None
    try:
        if isinstance(operator, ast.Add):
            return left + right
        if isinstance(operator, ast.Sub):
            return left - right
        if isinstance(operator, ast.Mult):
            return left * right
        if isinstance(operator, ast.Div):
            return left / right
        if isinstance(operator, ast.FloorDiv):
            return float(left // right)
        if isinstance(operator, ast.Mod):
            return left % right
        if isinstance(operator, ast.Pow):
            result = left**right
            return float(result) if not isinstance(result, complex) else None
    except (ZeroDivisionError, OverflowError):
        return None
    return None


def _make_checker(dims, functions, values, owner, line) -> _DimensionChecker:
    name_dims, found_functions, found_values = split_resolved(dims)
    return _DimensionChecker(
        name_dims,
        {**DEFAULT_FUNCTIONS, **found_functions, **(functions or {})},
        {**found_values, **(values or {})},
        owner,
        line,
    )


def expression_dimensions(
    expr: Expression,
    dims: Mapping[str, object],
    functions: Mapping[str, Function] | None = None,
    owner: str | None = None,
    line: str | None = None,
    values: Mapping[str, float] | None = None,
) -> Dimension:
    """The dimensions of ``expr``; EquationDimensionError where its parts do not agree.

    ``dims`` maps each name to a Dimension (or is a resolve_names result, from which
    functions and constant values are taken too). ``functions`` defaults to DEFAULT_FUNCTIONS;
    ``values`` holds the values of constants, needed for exponents of dimensioned bases.
    """
    checker = _make_checker(dims, functions, values, owner, line if line is not None else expr.code)
    return checker.term(expr.tree).dimensions


def is_boolean_expression(
    expr: Expression,
    boolean_names: frozenset[str] | set[str] = frozenset(),
    functions: Mapping[str, Function] | None = None,
) -> bool:
    """True if ``expr`` yields a truth value: a comparison, and/or/not, True/False, a boolean
    variable (``boolean_names``) or a call of a function that returns ``bool``."""
    node = expr.tree
    if isinstance(node, (ast.Compare, ast.BoolOp)):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return True
    if isinstance(node, ast.Constant):
        return isinstance(node.value, bool)
    if isinstance(node, ast.Name):
        return node.id in boolean_names or node.id in ("True", "False")
    if isinstance(node, ast.Call):
        function = {**DEFAULT_FUNCTIONS, **(functions or {})}.get(node.func.id)
        return function is not None and function.return_type == "bool"
    return False


def check_statement(
    statement: Statement,
    dims: Mapping[str, object],
    functions: Mapping[str, Function] | None = None,
    owner: str | None = None,
    values: Mapping[str, float] | None = None,
    line: str | None = None,
) -> None:
    """Check ``target op expr``: = += -= need the target's units, *= /= a dimensionless value."""
    line = line if line is not None else str(statement)
    checker = _make_checker(dims, functions, values, owner, line)
    if statement.target not in checker.dims:
        raise UnknownNameError(
            f"The statement assigns to {statement.target!r}, which is not a variable of {owner!r}.",
            owner,
            line,
            name=statement.target,
        )
    target_dims = checker.dims[statement.target]
    value = checker.term(statement.expr.tree)
    if statement.op in ("*=", "/="):
        if value.dimensions is not DIMENSIONLESS:
            raise checker.fail(
                f"The right-hand side of {statement.op} must be dimensionless, but "
                f"{statement.expr.code!r} has units of {show_dimensions(value.dimensions)}."
            )
        return
    if value.dimensions is target_dims or value.neutral_in_sum:
        return
    raise checker.fail(
        f"The right-hand side {statement.expr.code!r} has units of "
        f"{show_dimensions(value.dimensions)}, but {statement.target!r} has units of "
        f"{show_dimensions(target_dims)}."
    )


def check_statements(
    statements: tuple[Statement, ...] | list[Statement],
    dims: Mapping[str, object],
    functions: Mapping[str, Function] | None = None,
    owner: str | None = None,
    values: Mapping[str, float] | None = None,
) -> None:
    """Check each statement in turn (see check_statement)."""
    for statement in statements:
        check_statement(statement, dims, functions, owner, values)


def check_equations(
    equations: Mapping,
    dims: Mapping[str, object] | None = None,
    functions: Mapping[str, Function] | None = None,
    owner: str | None = None,
    values: Mapping[str, float] | None = None,
) -> None:
    """Check every line of ``equations`` against its declared unit.

    ``dims`` gives the names the equations read but do not define (a resolve_names result
    or Dimensions); the equations' own variables and ``xi`` are known already. For
    ``dx/dt = f : u`` f must have units u/second; a subexpression must have its declared
    units, and a boolean subexpression must be a condition.
    """
    known: dict[str, object] = {name: eq.dimensions for name, eq in equations.items()}
    known.update(dims or {})
    for equation in equations.values():
        for noise in equation.stochastic_variables:
            known.setdefault(noise, NOISE_DIMENSIONS)
    checker = _make_checker(known, functions, values, owner, None)
    second = Dimension(s=1)
    for name, equation in equations.items():
        if equation.expr is None:
            continue
        checker.line = equation.line
        value = checker.term(equation.expr.tree)
        if equation.kind == "differential":
            needed = equation.dimensions / second
            if value.dimensions is not needed and not value.neutral_in_sum:
                raise checker.fail(
                    f"The right-hand side has units of {show_dimensions(value.dimensions)}, "
                    f"but d{name}/dt needs {show_dimensions(needed)}."
                )
        elif equation.dtype == "bool":
            boolean_names = {n for n, eq in equations.items() if eq.dtype == "bool"}
            if not is_boolean_expression(equation.expr, boolean_names, checker.functions):
                raise EquationError(
                    f"{name!r} is declared boolean, but {equation.expr.code!r} is not a condition.",
                    owner,
                    equation.line,
                )
        elif value.dimensions is not equation.dimensions and not value.neutral_in_sum:
            raise checker.fail(
                f"The right-hand side has units of {show_dimensions(value.dimensions)}, but "
                f"{name!r} is declared in {show_dimensions(equation.dimensions)}."
            )
