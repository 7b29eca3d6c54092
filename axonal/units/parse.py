"""Reading a unit from text (``'mV'``, ``'siemens/metre**2'``, ``'1'``) without eval."""

from __future__ import annotations

import ast

from axonal.units.quantity import ONE, Unit, _combine_units, _power_unit
from axonal.units.registry import registry

__all__ = ["UnitParseError", "parse_unit"]


class UnitParseError(ValueError):
    """Raised when a text is not a unit expression made of unit names, numbers, *, / and **."""

    def __init__(self, text: str, reason: str) -> None:
        self.text = text
        self.reason = reason
        super().__init__(f"Cannot read the unit {text!r}: {reason}.")


def parse_unit(text: str) -> Unit:
    """The Unit written in ``text``: unit names combined with ``*``, ``/`` and ``**``."""
    if not isinstance(text, str):
        raise TypeError(f"parse_unit expects a string, got {text!r}.")
    stripped = text.strip()
    if not stripped:
        raise UnitParseError(text, "the text is empty (write '1' for a dimensionless variable)")
    try:
        tree = ast.parse(stripped, mode="eval")
    except SyntaxError as error:
        raise UnitParseError(text, f"it is not a valid expression ({error.msg})") from None
    return _evaluate(tree.body, text)


def _number(node: ast.AST) -> float | None:
    """The value of a numeric literal (possibly negated), or None."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _number(node.operand)
        if inner is None:
            return None
        return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    return None


def _evaluate(node: ast.AST, text: str) -> Unit:
    if isinstance(node, ast.Name):
        unit = registry.get(node.id)
        if unit is None:
            raise UnitParseError(text, f"{node.id!r} is not a known unit name")
        return unit
    number = _number(node)
    if number is not None:
        if number == 1:
            return ONE
        raise UnitParseError(text, f"the number {number!r} is not a unit (only 1 is allowed)")
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Pow):
            exponent = _number(node.right)
            if exponent is None:
                raise UnitParseError(text, "an exponent after ** must be a number")
            return _power_unit(_evaluate(node.left, text), exponent, keep_dimensionless=True)
        if isinstance(node.op, (ast.Mult, ast.Div)):
            left = _evaluate(node.left, text)
            right = _evaluate(node.right, text)
            if isinstance(node.op, ast.Mult):
                if left is ONE:
                    return right
                if right is ONE:
                    return left
                return _combine_units(left, right, "*", keep_dimensionless=True)
            if right is ONE:
                return left
            return _combine_units(left, right, "/", keep_dimensionless=True)
    raise UnitParseError(
        text, "only unit names, numbers and the operators *, / and ** may appear in a unit"
    )
