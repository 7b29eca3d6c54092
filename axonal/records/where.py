"""`axonal list --where 'rate > 5*Hz and N >= 100'`: conditions on figures and parameters.

The condition is read with Python's parser and only this grammar is accepted (nothing is ever
evaluated as code): comparisons (`<`, `<=`, `>`, `>=`, `==`, `!=`, chained as in `1 < cv < 2`)
between a name and a value, joined by `and`, `or`, `not` and parentheses. A name is a reported
figure or a parameter (dotted names reach nested parameters: `neuron.tau`); a value is a number,
a text in quotes, `True`/`False`, or arithmetic of numbers and unit names (`5*Hz`, `20*ms`,
`0.5*nS/um**2`). A figure reported with units is compared in SI units and only with a value of
the same dimensions; a parameter is a plain number and is compared with plain numbers.
"""

from __future__ import annotations

import ast
import difflib
import operator
import sys
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from axonal.records.errors import StoreError

_COMPARISONS = {
    ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "=", ast.NotEq: "!="
}  # fmt: skip
_MIRRORED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "!=": "!="}
_ARITHMETIC = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.Pow: operator.pow,
}  # fmt: skip


class ConditionError(StoreError):
    """A --where condition could not be read, or compares a field with the wrong kind of value."""


@dataclass(frozen=True)
class Comparison:
    """`name OP value`; `value` is a float in SI units, a text or a bool; `dimensions` is the
    value's dimension key ('' for plain numbers and texts)."""

    name: str
    operator: str
    value: Any
    dimensions: str
    text: str  # the value as written, for messages


@dataclass(frozen=True)
class Condition:
    """A parsed --where condition: a tree of ("and"|"or", parts), ("not", part) and
    Comparison leaves."""

    tree: Any
    text: str

    def comparisons(self) -> list[Comparison]:
        found: list[Comparison] = []

        def walk(node: Any) -> None:
            if isinstance(node, Comparison):
                found.append(node)
            else:
                for part in node[1:]:
                    for item in part if isinstance(part, list) else [part]:
                        walk(item)

        walk(self.tree)
        return found


def parse_condition(text: str) -> Condition:
    """Read a --where condition (see the module's description of what it may hold)."""
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as error:
        raise ConditionError(
            f"Cannot read the condition {text!r}: {error.msg}; expected e.g. "
            "'rate > 5*Hz and N >= 100'."
        ) from None
    return Condition(_condition(tree, text), text)


def _condition(node: ast.AST, text: str) -> Any:
    if isinstance(node, ast.BoolOp):
        kind = "and" if isinstance(node.op, ast.And) else "or"
        return (kind, [_condition(value, text) for value in node.values])
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return ("not", _condition(node.operand, text))
    if isinstance(node, ast.Compare):
        operands = [node.left, *node.comparators]
        parts = [
            _comparison(left, op, right, text)
            for left, op, right in zip(operands, node.ops, operands[1:], strict=False)
        ]
        return parts[0] if len(parts) == 1 else ("and", parts)
    raise ConditionError(
        f"Cannot read the condition {text!r}: {ast.unparse(node)!r} is not a comparison; "
        "expected comparisons such as 'rate > 5*Hz' joined by and, or, not."
    )


def _field_name(node: ast.AST) -> str | None:
    """The dotted name a node spells (rate, neuron.tau), or None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        parent = _field_name(node.value)
        return None if parent is None else f"{parent}.{node.attr}"
    return None


def _is_unit_name(name: str) -> bool:
    from axonal.units.registry import registry

    return name in registry


def _comparison(left: ast.AST, op: ast.cmpop, right: ast.AST, text: str) -> Comparison:
    if type(op) not in _COMPARISONS:
        raise ConditionError(
            f"Cannot read the condition {text!r}: only <, <=, >, >=, == and != compare values."
        )
    symbol = _COMPARISONS[type(op)]
    left_name, right_name = _field_name(left), _field_name(right)
    # The field is the bare name; on the other side, names are units (5*Hz, or Hz alone).
    if left_name is not None and not (right_name is not None and _is_unit_name(left_name)):
        name, value_node = left_name, right
    elif right_name is not None:
        name, value_node, symbol = right_name, left, _MIRRORED[symbol]
    else:
        raise ConditionError(
            f"Cannot read the condition {text!r}: {ast.unparse(left)} {symbol} "
            f"{ast.unparse(right)} compares no figure or parameter name."
        )
    value = _value(value_node, text)
    dimensions = ""
    units = sys.modules.get("axonal.units.quantity")
    if isinstance(value, str):
        if symbol not in ("=", "!="):
            raise ConditionError(
                f"Cannot read the condition {text!r}: texts are compared with == or != only."
            )
    elif units is not None and isinstance(value, units.Quantity):
        import numpy as np

        from axonal.records.figures import exponents_key

        dimensions = exponents_key(value.dim.exponents)
        value = float(np.asarray(value))
    return Comparison(name, symbol, value, dimensions, ast.unparse(value_node))


def _value(node: ast.AST, text: str) -> Any:
    """A constant: number, text, bool, or arithmetic of numbers and unit names."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str, bool)):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in ("True", "False"):
            return node.id == "True"
        from axonal.units.registry import registry

        unit = registry.get(node.id)
        if unit is None:
            raise ConditionError(
                f"Cannot read the condition {text!r}: {node.id!r} is compared with a name; "
                "the value must be a number, a text in quotes or a quantity such as 5*Hz "
                f"({node.id!r} is not a unit)."
            )
        return unit
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = _value(node.operand, text)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC:
        left, right = _value(node.left, text), _value(node.right, text)
        try:
            return _ARITHMETIC[type(node.op)](left, right)
        except Exception as error:  # noqa: BLE001 - unit mismatches, text arithmetic
            raise ConditionError(
                f"Cannot read the condition {text!r}: {ast.unparse(node)} ({error})"
            ) from None
    raise ConditionError(
        f"Cannot read the condition {text!r}: {ast.unparse(node)!r} is not a value; values are "
        "numbers, texts in quotes, True/False and quantities such as 5*Hz."
    )


# -- SQL ---------------------------------------------------------------------------------------


def check_fields(condition: Condition, known: dict[str, dict[str, set[str]]]) -> None:
    """Refuse comparisons no record can satisfy because of a typo or a unit mismatch.

    `known` is {"figures": {name: dimension keys}, "parameters": {name: set()}}, from the store.
    """
    figures, parameters = known["figures"], known["parameters"]
    for comparison in condition.comparisons():
        name = comparison.name
        if name not in figures and name not in parameters:
            close = difflib.get_close_matches(name, sorted(set(figures) | set(parameters)), n=3)
            hint = f" Did you mean {' or '.join(map(repr, close))}?" if close else ""
            raise ConditionError(
                f"In the condition {condition.text!r}: no record has a figure or parameter "
                f"named {name!r}.{hint}"
            )
        if isinstance(comparison.value, str) or isinstance(comparison.value, bool):
            continue
        stored = figures.get(name, set())
        if comparison.dimensions and name not in figures:
            raise ConditionError(
                f"In the condition {condition.text!r}: {name!r} is a parameter, a plain number; "
                f"compare it with a plain number, not {comparison.text}."
            )
        if name in figures and name not in parameters and comparison.dimensions not in stored:
            from axonal.records.figures import unit_of_key

            units = ", ".join(sorted(unit_of_key(key) for key in stored))
            raise ConditionError(
                f"In the condition {condition.text!r}: the figure {name!r} is recorded in "
                f"{units}, but it is compared with {comparison.text}; give the value in "
                "units of the same dimensions."
            )


def condition_clause(condition: Condition, records_id: Any, figures: Any, parameters: Any) -> Any:
    """The SQL condition on `records.id` for a parsed condition (the tables' columns given)."""

    def build(node: Any) -> Any:
        if isinstance(node, Comparison):
            return _comparison_clause(node, records_id, figures, parameters)
        kind, parts = node
        if kind == "not":
            return sa.not_(build(parts))
        clauses = [build(part) for part in parts]
        return sa.and_(*clauses) if kind == "and" else sa.or_(*clauses)

    return build(condition.tree)


def _compare(column: Any, symbol: str, value: Any) -> Any:
    return {
        "=": column.__eq__, "!=": column.__ne__, "<": column.__lt__,
        ">": column.__gt__, "<=": column.__le__, ">=": column.__ge__,
    }[symbol](value)  # fmt: skip


def _comparison_clause(
    comparison: Comparison, records_id: Any, figures: Any, parameters: Any
) -> Any:
    value = comparison.value
    if isinstance(value, str):
        figure_match = _compare(figures.text, comparison.operator, value)
        parameter_match = _compare(parameters.text, comparison.operator, value)
    else:
        number = float(value)
        figure_match = sa.and_(
            _compare(figures.number, comparison.operator, number),
            figures.dimensions == comparison.dimensions,
        )
        parameter_match = _compare(parameters.number, comparison.operator, number)
        if comparison.dimensions:
            parameter_match = sa.false()
    return sa.or_(
        records_id.in_(
            sa.select(figures.record_id).where(figures.name == comparison.name, figure_match)
        ),
        records_id.in_(
            sa.select(parameters.record_id).where(
                parameters.name == comparison.name, parameter_match
            )
        ),
    )
