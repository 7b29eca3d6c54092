"""Conversion between the expression language (Python syntax) and SymPy expressions.

The text is parsed with :mod:`ast` and built into SymPy objects node by node, never through
``sympify``: a name such as ``E``, ``I``, ``N``, ``S`` or ``beta`` is always a plain symbol,
not SymPy's constant or function of that name. Printing goes the other way with the function
names of the expression language (``arcsin`` not ``asin``, ``ceil`` not ``ceiling``, ``abs``).

Every symbol is real (``sympy.Symbol(name, real=True)``); use :func:`symbol` to build one that
compares equal to those made by :func:`str_to_sympy`.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable

import mpmath
import sympy
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.str import StrPrinter

__all__: list[str] = []  # internal: used by the state updaters and the model room


class SympyConversionError(ValueError):
    """An expression that cannot be converted between text and SymPy."""


def symbol(name: str) -> sympy.Symbol:
    """The SymPy symbol that :func:`str_to_sympy` uses for ``name``."""
    return sympy.Symbol(name, real=True)


class exprel(sympy.Function):  # noqa: N801 -- the name users write
    """``(exp(x) - 1) / x``, continued with the value 1 at ``x = 0``."""

    @classmethod
    def eval(cls, x):
        if x.is_zero:
            return sympy.S.One
        return None

    def fdiff(self, argindex=1):
        x = self.args[0]
        return (sympy.exp(x) * (x - 1) + 1) / x**2

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return (sympy.exp(x) - 1) / x

    def _eval_evalf(self, prec):
        x = self.args[0]._eval_evalf(prec)
        if x is None or not x.is_number:
            return None
        if x.is_zero:
            return sympy.Float(1, precision=prec)
        return ((sympy.exp(x) - 1) / x)._eval_evalf(prec)

    def _eval_is_real(self):
        return self.args[0].is_real


class log10(sympy.Function):  # noqa: N801 -- the name users write
    """Decimal logarithm, kept as one function so that it prints back as ``log10``."""

    def fdiff(self, argindex=1):
        return 1 / (self.args[0] * sympy.log(10))

    def _eval_rewrite_as_log(self, x, **kwargs):
        return sympy.log(x) / sympy.log(10)

    def _eval_evalf(self, prec):
        return (sympy.log(self.args[0]) / sympy.log(10))._eval_evalf(prec)


class clip(sympy.Function):  # noqa: N801 -- the name users write
    """``clip(x, low, high)``: ``x`` limited to the interval [low, high]."""

    nargs = 3


class mod(sympy.Function):  # noqa: N801 -- printed as the operator %
    """Python's ``a % b`` (the sign of ``b``), kept as written.

    SymPy's own ``Mod`` rewrites symbolic arguments and gets signs wrong on the way
    (``Mod(-v/2, v)`` becomes ``-v/2``, where Python gives ``v/2`` for ``v > 0``).
    """

    nargs = 2

    @classmethod
    def eval(cls, a, b):
        if a.is_Number and b.is_Number:
            if b.is_zero:
                raise ZeroDivisionError("modulo by zero")
            return a - b * sympy.floor(a / b)
        return None

    def fdiff(self, argindex=1):
        a, b = self.args
        return sympy.S.One if argindex == 1 else -sympy.floor(a / b)


class int_(sympy.Function):  # noqa: N801 -- prints as ``int``
    """Python's ``int``: truncation towards zero."""

    nargs = 1

    @classmethod
    def eval(cls, x):
        if x.is_integer:
            return x
        if x.is_Number and x.is_finite:
            return sympy.Integer(int(x))
        return None


class RandomDraw(sympy.Function):
    """A call to ``rand()`` or ``randn()``.

    Each call carries a hidden unique dummy argument, so that two draws never compare equal
    (``randn() - randn()`` must not simplify to zero) and common-subexpression elimination
    never merges them. The argument is not printed.
    """

    nargs = 1


class rand(RandomDraw):  # noqa: N801 -- the name users write
    """Uniform random number on [0, 1), one per element and call."""


class randn(RandomDraw):  # noqa: N801 -- the name users write
    """Standard normal random number, one per element and call."""


def random_draw(name: str) -> sympy.Expr:
    """A fresh ``rand()`` or ``randn()`` call, distinct from every other."""
    return {"rand": rand, "randn": randn}[name](sympy.Dummy("draw"))


# Functions of the expression language and their SymPy counterparts.
FUNCTIONS: dict[str, Callable[..., sympy.Expr]] = {
    "exp": sympy.exp,
    "log": sympy.log,
    "log10": log10,
    "sqrt": sympy.sqrt,
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "sinh": sympy.sinh,
    "cosh": sympy.cosh,
    "tanh": sympy.tanh,
    "arcsin": sympy.asin,
    "arccos": sympy.acos,
    "arctan": sympy.atan,
    "abs": sympy.Abs,
    "floor": sympy.floor,
    "ceil": sympy.ceiling,
    "sign": sympy.sign,
    "clip": clip,
    "exprel": exprel,
    "int": int_,
}

# SymPy function classes printed under another name.
_PRINTED_NAMES: dict[type, str] = {
    sympy.asin: "arcsin",
    sympy.acos: "arccos",
    sympy.atan: "arctan",
    sympy.Abs: "abs",
    sympy.ceiling: "ceil",
    int_: "int",
}

_BINARY_OPERATORS: dict[type, Callable] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.Mod: mod,
    ast.FloorDiv: lambda a, b: sympy.floor(a / b),
}

_COMPARISONS: dict[type, Callable] = {
    ast.Lt: sympy.Lt,
    ast.LtE: sympy.Le,
    ast.Gt: sympy.Gt,
    ast.GtE: sympy.Ge,
    ast.Eq: sympy.Eq,
    ast.NotEq: sympy.Ne,
}


def _as_number(value: sympy.Basic) -> sympy.Expr:
    """A boolean used in arithmetic (``v * (v > 0)``) counts as 1 or 0, as in Python."""
    if isinstance(value, sympy.logic.boolalg.Boolean) and not isinstance(value, sympy.Symbol):
        return sympy.Piecewise((sympy.S.One, value), (sympy.S.Zero, True))
    return value


def _as_boolean(value: sympy.Basic) -> sympy.Basic:
    """A number used as a condition (``not x``) is true when non-zero, as in Python."""
    if isinstance(value, sympy.logic.boolalg.Boolean) or isinstance(value, sympy.Symbol):
        return value
    return sympy.Ne(value, 0)


class _Builder(ast.NodeVisitor):
    def __init__(self, code: str) -> None:
        self.code = code

    def fail(self, node: ast.AST, what: str) -> SympyConversionError:
        fragment = ast.get_source_segment(self.code, node) or ast.unparse(node)
        return SympyConversionError(f"{what} in {self.code!r}: {fragment!r}")

    def generic_visit(self, node: ast.AST):
        raise self.fail(node, f"unsupported syntax ({type(node).__name__})")

    def visit_Expression(self, node: ast.Expression):
        return self.visit(node.body)

    def visit_Name(self, node: ast.Name):
        if node.id == "True":
            return sympy.true
        if node.id == "False":
            return sympy.false
        return symbol(node.id)

    def visit_Constant(self, node: ast.Constant):
        value = node.value
        if isinstance(value, bool):
            return sympy.true if value else sympy.false
        if isinstance(value, int):
            return sympy.Integer(value)
        if isinstance(value, float):
            return sympy.Float(value)
        raise self.fail(node, "unsupported constant")

    def visit_BinOp(self, node: ast.BinOp):
        combine = _BINARY_OPERATORS.get(type(node.op))
        if combine is None:
            raise self.fail(node, f"unsupported operator {type(node.op).__name__}")
        return combine(_as_number(self.visit(node.left)), _as_number(self.visit(node.right)))

    def visit_UnaryOp(self, node: ast.UnaryOp):
        operand = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            return sympy.Not(_as_boolean(operand))
        if isinstance(node.op, ast.USub):
            return -_as_number(operand)
        if isinstance(node.op, ast.UAdd):
            return _as_number(operand)
        raise self.fail(node, "unsupported unary operator")

    def visit_BoolOp(self, node: ast.BoolOp):
        combine = sympy.And if isinstance(node.op, ast.And) else sympy.Or
        return combine(*(_as_boolean(self.visit(value)) for value in node.values))

    def visit_Compare(self, node: ast.Compare):
        operands = [_as_number(self.visit(node.left))]
        operands += [_as_number(self.visit(right)) for right in node.comparators]
        parts = []
        for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
            compare = _COMPARISONS.get(type(op))
            if compare is None:
                raise self.fail(node, f"unsupported comparison {type(op).__name__}")
            parts.append(compare(left, right))
        return parts[0] if len(parts) == 1 else sympy.And(*parts)

    def visit_Call(self, node: ast.Call):
        if not isinstance(node.func, ast.Name) or node.keywords:
            raise self.fail(node, "only calls of named functions with positional arguments")
        name = node.func.id
        arguments = [_as_number(self.visit(argument)) for argument in node.args]
        if name in ("rand", "randn"):
            if arguments:
                raise self.fail(node, f"{name}() takes no arguments")
            return random_draw(name)
        if name in FUNCTIONS:
            try:
                return FUNCTIONS[name](*arguments)
            except TypeError as error:
                raise self.fail(node, f"wrong number of arguments for {name}") from error
        # A user-defined function (or a TimedArray): opaque to SymPy.
        return sympy.Function(name)(*arguments)


def str_to_sympy(code: str) -> sympy.Basic:
    """Parse an expression of the expression language into a SymPy expression."""
    try:
        tree = ast.parse(code.strip(), mode="eval")
    except SyntaxError as error:
        raise SympyConversionError(f"cannot parse expression {code!r}: {error.msg}") from error
    try:
        return _Builder(code.strip()).visit(tree)
    except ZeroDivisionError as error:
        raise SympyConversionError(f"division by zero in expression {code!r}") from error
    except TypeError as error:  # SymPy refuses, e.g., to compare with an infinite value
        raise SympyConversionError(f"cannot convert expression {code!r}: {error}") from error


class _LanguagePrinter(StrPrinter):
    """SymPy's string printer with the expression language's names and Python semantics."""

    def _print_Float(self, expr):
        _, _, exponent, bits = expr._mpf_
        # Decide from the binary exponent first: converting exp(exp(100.0)) takes minutes.
        if expr._mpf_ not in (mpmath.libmp.fzero, mpmath.libmp.fnzero) and exponent + bits > 1100:
            raise SympyConversionError("a number in the expression is outside the float64 range")
        if exponent + bits < -1100:  # below the smallest subnormal: zero in float64
            return "0.0"
        value = float(expr)
        if not math.isfinite(value):
            raise SympyConversionError("a number in the expression is outside the float64 range")
        return repr(value)

    def _print_Integer(self, expr):
        if abs(expr.p).bit_length() > 1100:
            raise SympyConversionError("a number in the expression is outside the float64 range")
        return str(expr.p)

    def _print_Rational(self, expr):
        return f"{expr.p}/{expr.q}"

    def _print_Exp1(self, expr):
        return "exp(1)"

    def _print_Pi(self, expr):
        return repr(math.pi)

    def _print_Infinity(self, expr):
        return "inf"

    def _print_NegativeInfinity(self, expr):
        return "-inf"

    def _print_ImaginaryUnit(self, expr):
        raise SympyConversionError("the expression is complex-valued (contains the imaginary unit)")

    def _print_NaN(self, expr):
        raise SympyConversionError("the expression is undefined (NaN)")

    def _print_ComplexInfinity(self, expr):
        raise SympyConversionError("the expression is infinite (division by zero)")

    def _print_BooleanTrue(self, expr):
        return "True"

    def _print_BooleanFalse(self, expr):
        return "False"

    def _print_Symbol(self, expr):
        return expr.name

    # A Dummy stands for a name that must not be confused with its namesake during the algebra
    # (the state updaters' step-start time), but it is written as that name.
    _print_Dummy = _print_Symbol

    def _print_Function(self, expr):
        name = _PRINTED_NAMES.get(type(expr), type(expr).__name__)
        return f"{name}({self.stringify(expr.args, ', ')})"

    def _print_Abs(self, expr):
        return self._print_Function(expr)

    def _print_ceiling(self, expr):
        return self._print_Function(expr)

    def _print_RandomDraw(self, expr):
        return f"{type(expr).__name__}()"

    _print_rand = _print_RandomDraw
    _print_randn = _print_RandomDraw

    def _print_mod(self, expr):
        # Always bracketed, as a function call would be: -(a % b) must not become -a % b.
        # Its right operand is bracketed unless atomic: Python reads v % 1/v as (v % 1)/v.
        left, right = expr.args
        right_text = self._print(right)
        if not (right.is_Atom or isinstance(right, sympy.Function)) or right_text.startswith("-"):
            right_text = f"({right_text})"
        return f"({self.parenthesize(left, PRECEDENCE['Mul'])} % {right_text})"

    def _print_Relational(self, expr):
        operators = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
        return (
            f"{self.parenthesize(expr.lhs, PRECEDENCE['Add'])} "
            f"{operators[expr.rel_op]} {self.parenthesize(expr.rhs, PRECEDENCE['Add'])}"
        )

    def _print_And(self, expr):
        return " and ".join(f"({self._print(arg)})" for arg in _sorted_args(expr))

    def _print_Or(self, expr):
        return " or ".join(f"({self._print(arg)})" for arg in _sorted_args(expr))

    def _print_Not(self, expr):
        return f"not ({self._print(expr.args[0])})"

    def _print_Piecewise(self, expr):
        # Only the form made by _as_number (a condition used as a number) has a spelling.
        if (
            len(expr.args) == 2
            and expr.args[0].expr == 1
            and expr.args[1].expr == 0
            and expr.args[1].cond == sympy.true
        ):
            return f"int({self._print(expr.args[0].cond)})"
        raise SympyConversionError(f"no expression-language spelling for {expr}")

    def parenthesize(self, item, level, strict=False):
        # Booleans inside arithmetic or comparisons always get brackets (Python precedence).
        if isinstance(item, sympy.logic.boolalg.Boolean) and not isinstance(item, sympy.Symbol):
            return f"({self._print(item)})"
        return super().parenthesize(item, level, strict)


def _sorted_args(expr: sympy.Basic) -> list[sympy.Basic]:
    return sorted(expr.args, key=sympy.default_sort_key)


_PRINTER = _LanguagePrinter({"order": "none"})


def sympy_to_str(expr: sympy.Basic) -> str:
    """Print a SymPy expression in the expression language (Python syntax)."""
    return _PRINTER.doprint(sympy.sympify(expr))
