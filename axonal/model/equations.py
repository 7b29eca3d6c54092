"""Model equations: parsing of the equation language into SingleEquation records."""

from __future__ import annotations

import ast
import keyword
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from axonal.model.errors import EquationError, ShadowedUnitWarning
from axonal.model.expressions import parse_expression
from axonal.model.functions import DEFAULT_CONSTANTS, DEFAULT_FUNCTIONS
from axonal.model.ir import Expression
from axonal.model.namespace import (
    RESERVED_NAMES,
    common_unit_names,
    is_noise_name,
    unit_namespace,
)
from axonal.units import (
    DIMENSIONLESS,
    Dimension,
    Quantity,
    Unit,
    UnitParseError,
    get_dimensions,
    get_unit,
    parse_unit,
)

__all__ = [
    "DIFFERENTIAL",
    "FLAGS_BY_KIND",
    "PARAMETER",
    "RESERVED_NAMES",
    "SUBEXPRESSION",
    "Equations",
    "SingleEquation",
    "check_variable_name",
]

DIFFERENTIAL = "differential"
SUBEXPRESSION = "subexpression"
PARAMETER = "parameter"

FLAGS_BY_KIND: Mapping[str, frozenset[str]] = {
    DIFFERENTIAL: frozenset({"unless refractory", "event-driven", "clock-driven"}),
    SUBEXPRESSION: frozenset({"shared", "constant over dt", "summed", "point current"}),
    PARAMETER: frozenset({"constant", "shared", "linked", "point current"}),
}
"""The flags each kind of equation may carry (a group narrows this further: check_flags)."""

ALL_FLAGS = frozenset().union(*FLAGS_BY_KIND.values())

_DTYPES = {"boolean": "bool", "integer": "int32"}

_IDENTIFIER = r"[A-Za-z_]\w*"
_DIFFERENTIAL_LHS = re.compile(rf"d\s*(?P<name>{_IDENTIFIER})\s*/\s*dt\Z")
_NAME = re.compile(rf"{_IDENTIFIER}\Z")
_FLAG_GROUP = re.compile(r"\((?P<flags>[A-Za-z\s,\-]*)\)\Z")


def check_variable_name(name: str, owner: str | None = None, line: str | None = None) -> None:
    """Raise EquationError if ``name`` cannot name a model variable; warn if it hides a unit."""
    problem = None
    if not name.isidentifier():
        problem = f"{name!r} is not a valid variable name"
    elif keyword.iskeyword(name) or name in ("True", "False", "None"):
        problem = f"{name!r} is a Python keyword and cannot name a variable"
    elif name.startswith("_"):
        problem = f"{name!r} starts with an underscore; such names are kept for internal use"
    elif name in RESERVED_NAMES or is_noise_name(name):
        problem = f"{name!r} has a special meaning in model code and cannot name a variable"
    elif name in DEFAULT_FUNCTIONS:
        problem = f"{name!r} is the name of a function and cannot name a variable"
    elif name in DEFAULT_CONSTANTS:
        problem = f"{name!r} is the name of a constant and cannot name a variable"
    if problem is not None:
        raise EquationError(problem + ".", owner, line)
    if name in common_unit_names():
        where = f" in {owner!r}" if owner else ""
        warnings.warn(
            f"The variable {name!r}{where} has the name of a unit; inside the model's code "
            f"{name!r} means the variable, not the unit.",
            ShadowedUnitWarning,
            stacklevel=3,
        )


@dataclass(frozen=True)
class SingleEquation:
    """One line of a model: a differential equation, a subexpression or a parameter."""

    kind: str
    name: str
    unit: Unit = field(compare=False)
    dimensions: Dimension
    dtype: str
    expr: Expression | None
    flags: frozenset[str]
    line: str = field(default="", compare=False)
    lineno: int = field(default=0, compare=False)
    unit_text: str = "1"

    @property
    def stochastic_variables(self) -> frozenset[str]:
        """The white-noise names (``xi``, ``xi_*``) of the right-hand side."""
        if self.expr is None:
            return frozenset()
        return frozenset(name for name in self.expr.names if is_noise_name(name))

    @property
    def identifiers(self) -> frozenset[str]:
        """Names read by the right-hand side, functions and noise excluded."""
        if self.expr is None:
            return frozenset()
        return self.expr.names - self.stochastic_variables

    def __str__(self) -> str:
        if self.kind == DIFFERENTIAL:
            text = f"d{self.name}/dt = {self.expr} : {self.unit_text}"
        elif self.kind == SUBEXPRESSION:
            text = f"{self.name} = {self.expr} : {self.unit_text}"
        else:
            text = f"{self.name} : {self.unit_text}"
        if self.flags:
            text += f" ({', '.join(sorted(self.flags))})"
        return text


def _logical_lines(text: str) -> list[tuple[int, str, str]]:
    """(first line number, original text, code) per equation; an expression without ':' yet
    continues on the next line, and a trailing backslash continues a line explicitly."""
    lines: list[tuple[int, str, str]] = []
    sources: list[str] = []
    codes: list[str] = []
    start = 0
    for lineno, raw in enumerate(text.splitlines(), start=1):
        code = raw.split("#", 1)[0].strip()
        explicit = code.endswith("\\")
        if explicit:
            code = code[:-1].rstrip()
        if not code:
            continue
        if not codes and lines and _FLAG_GROUP.match(code):
            # Flags on a line of their own belong to the equation just above.
            first, source, previous = lines[-1]
            lines[-1] = (first, f"{source}\n{raw.strip()}", f"{previous} {code}")
            continue
        if not codes:
            start = lineno
        sources.append(raw.strip())
        codes.append(code)
        if ":" in code and not explicit:
            lines.append((start, "\n".join(sources), " ".join(codes)))
            sources, codes = [], []
    if codes:
        raise EquationError(
            "This equation has no ':' followed by its unit; write e.g. 'dv/dt = -v/tau : volt', "
            "'I = g*v : amp' or 'v0 : volt'.",
            None,
            "\n".join(sources),
        )
    return lines


def _split_unit_and_flags(text: str, line: str) -> tuple[str, frozenset[str]]:
    text = text.strip()
    match = _FLAG_GROUP.search(text)
    if match is None:
        return text, frozenset()
    unit_text = text[: match.start()].strip()
    if not unit_text or unit_text[-1] in "*/":
        return text, frozenset()  # the parentheses belong to the unit, e.g. metre/(second)
    flags = []
    for raw_flag in match.group("flags").split(","):
        flag = " ".join(raw_flag.split())
        if flag not in ALL_FLAGS:
            known = ", ".join(sorted(ALL_FLAGS))
            raise EquationError(f"Unknown flag {flag!r}; known flags are: {known}.", None, line)
        flags.append(flag)
    return unit_text, frozenset(flags)


def _parse_unit(unit_text: str, name: str, line: str) -> tuple[Unit, Dimension, str]:
    """The unit, its dimensions and the dtype a unit specification declares."""
    text = " ".join(unit_text.split())
    if not text:
        raise EquationError(f"The unit of {name!r} is missing after ':'.", None, line)
    if text in _DTYPES or text == "1":
        return get_unit(DIMENSIONLESS), DIMENSIONLESS, _DTYPES.get(text, "float64")
    try:
        unit = parse_unit(text)
    except (UnitParseError, ValueError, TypeError) as error:
        raise EquationError(
            f"{str(error).rstrip('.')}. The unit of {name!r} must be a unit expression such as "
            "volt, siemens/metre**2 or 1, or one of 'boolean' and 'integer'.",
            None,
            line,
        ) from None
    return unit, get_dimensions(unit), "float64"


def _parse_equation(lineno: int, line: str, code: str) -> SingleEquation:
    head, _, tail = code.partition(":")
    if ":" in tail:
        raise EquationError("An equation can have only one ':' (before its unit).", None, line)
    unit_text, flags = _split_unit_and_flags(tail, line)
    head = head.strip()
    lhs, equals, rhs = _split_assignment(head)
    if not equals:
        kind, name, expr = PARAMETER, head, None
        if not _NAME.match(name):
            raise EquationError(
                f"Cannot read {head!r} as an equation; expected 'dx/dt = expression : unit', "
                "'x = expression : unit' or 'x : unit'.",
                None,
                line,
            )
    else:
        differential = _DIFFERENTIAL_LHS.match(lhs)
        if differential is not None:
            kind, name = DIFFERENTIAL, differential.group("name")
        elif _NAME.match(lhs):
            kind, name = SUBEXPRESSION, lhs
        else:
            raise EquationError(
                f"Cannot read the left-hand side {lhs!r}; expected 'dx/dt' for a differential "
                "equation or a variable name for a subexpression.",
                None,
                line,
            )
        expr = parse_expression(rhs, line=line)
    check_variable_name(name, None, line)
    unit, dims, dtype = _parse_unit(unit_text, name, line)
    equation = SingleEquation(
        kind=kind,
        name=name,
        unit=unit,
        dimensions=dims,
        dtype=dtype,
        expr=expr,
        flags=flags,
        line=line,
        lineno=lineno,
        unit_text=" ".join(unit_text.split()),
    )
    _check_equation(equation)
    return equation


def _split_assignment(head: str) -> tuple[str, bool, str]:
    """Split at the first '=' that is not part of ==, <=, >= or !=."""
    for index, char in enumerate(head):
        if char != "=":
            continue
        before = head[index - 1] if index else ""
        after = head[index + 1] if index + 1 < len(head) else ""
        if after == "=" or before in "<>!=":
            break  # a comparison comes first: there is no assignment on the left
        return head[:index].strip(), True, head[index + 1 :].strip()
    return head, False, ""


def _check_equation(equation: SingleEquation) -> None:
    allowed = FLAGS_BY_KIND[equation.kind]
    for flag in sorted(equation.flags - allowed):
        raise EquationError(
            f"The flag {flag!r} does not apply to a {equation.kind} "
            f"(allowed: {', '.join(sorted(allowed)) or 'none'}).",
            None,
            equation.line,
        )
    if {"event-driven", "clock-driven"} <= equation.flags:
        raise EquationError(
            "An equation is either event-driven or clock-driven, not both.", None, equation.line
        )
    if equation.kind == DIFFERENTIAL and equation.dtype != "float64":
        raise EquationError(
            f"A differential equation defines a real-valued variable; {equation.name!r} cannot "
            f"be {equation.unit_text}.",
            None,
            equation.line,
        )
    # White noise in a subexpression is allowed (Brian 2): it is substituted into the
    # differential equations that use it before they are integrated.
    if equation.expr is not None and equation.name in equation.identifiers:
        if equation.kind == SUBEXPRESSION:
            raise EquationError(
                f"The subexpression {equation.name!r} refers to itself.", None, equation.line
            )


class Equations(Mapping[str, SingleEquation]):
    """A model's equations, by variable name in definition order.

    ``Equations(text, tau='tau_e', E=0*mV)`` parses ``text`` and then renames ``tau`` to
    ``tau_e`` and replaces ``E`` by the value 0 mV. ``+`` combines two sets of equations.

    Example:

    >>> eqs = Equations('dv/dt = (E - v)/tau : volt', tau='tau_m', E=-70*mV)
    >>> print(eqs)
    dv/dt = (-0.07 * volt - v) / tau_m : volt
    >>> (eqs + Equations('I : amp')).names
    ('v', 'I')
    """

    def __init__(self, eqs: str | Equations | Iterable[SingleEquation] = "", /, **substitutions):
        equations = list(_equations_from(eqs))
        if substitutions:
            equations = _substitute(equations, substitutions)
        self._equations: dict[str, SingleEquation] = {}
        for equation in equations:
            existing = self._equations.get(equation.name)
            if existing is not None:
                raise EquationError(
                    f"{equation.name!r} is defined twice: by {existing.line!r} and by "
                    f"{equation.line!r}.",
                    None,
                    equation.line,
                )
            self._equations[equation.name] = equation

    def __getitem__(self, name: str) -> SingleEquation:
        try:
            return self._equations[name]
        except KeyError:
            raise KeyError(
                f"The equations define no variable {name!r}; they define "
                f"{', '.join(self._equations) or 'nothing'}."
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._equations)

    def __len__(self) -> int:
        return len(self._equations)

    def _names_of(self, kind: str) -> tuple[str, ...]:
        return tuple(name for name, eq in self._equations.items() if eq.kind == kind)

    @property
    def names(self) -> tuple[str, ...]:
        """Every defined variable, in definition order."""
        return tuple(self._equations)

    @property
    def diff_eq_names(self) -> tuple[str, ...]:
        return self._names_of(DIFFERENTIAL)

    @property
    def subexpr_names(self) -> tuple[str, ...]:
        return self._names_of(SUBEXPRESSION)

    @property
    def parameter_names(self) -> tuple[str, ...]:
        return self._names_of(PARAMETER)

    @property
    def dimensions(self) -> dict[str, Dimension]:
        return {name: eq.dimensions for name, eq in self._equations.items()}

    @property
    def dtypes(self) -> dict[str, str]:
        return {name: eq.dtype for name, eq in self._equations.items()}

    @property
    def identifiers(self) -> frozenset[str]:
        """Names the equations read but do not define (constants, t, ...), noise excluded."""
        used = frozenset().union(*(eq.identifiers for eq in self._equations.values()))
        return used - set(self._equations)

    @property
    def functions(self) -> frozenset[str]:
        """Names of the functions the equations call."""
        return frozenset().union(
            *(eq.expr.functions for eq in self._equations.values() if eq.expr is not None)
        )

    @property
    def stochastic_variables(self) -> frozenset[str]:
        return frozenset().union(*(eq.stochastic_variables for eq in self._equations.values()))

    @property
    def is_stochastic(self) -> bool:
        return bool(self.stochastic_variables)

    def check_flags(self, allowed: Mapping[str, Iterable[str]], owner: str) -> None:
        """Raise EquationError for a flag that ``owner`` does not support on that kind of line.

        ``allowed`` maps 'differential', 'subexpression' and 'parameter' to the flags
        the owner accepts (a NeuronGroup, for instance, has no event-driven equations).
        """
        for equation in self._equations.values():
            permitted = frozenset(allowed.get(equation.kind, ()))
            for flag in sorted(equation.flags - permitted):
                raise EquationError(
                    f"The flag {flag!r} is not supported here on a {equation.kind} "
                    f"(allowed: {', '.join(sorted(permitted)) or 'none'}).",
                    owner,
                    equation.line,
                )

    def substitute(self, **substitutions) -> Equations:
        """A copy with names renamed (a str) or replaced by values (a number or quantity)."""
        return Equations(self, **substitutions)

    def __add__(self, other: Equations | str) -> Equations:
        if isinstance(other, str):
            other = Equations(other)
        if not isinstance(other, Equations):
            return NotImplemented
        return Equations([*self.values(), *other.values()])

    def __radd__(self, other: str) -> Equations:
        if isinstance(other, str):
            return Equations(other) + self
        return NotImplemented

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Equations):
            return NotImplemented
        return list(self.values()) == list(other.values())

    def __hash__(self) -> int:
        return hash(tuple(self.values()))

    def __str__(self) -> str:
        return "\n".join(str(equation) for equation in self.values())

    def __repr__(self) -> str:
        return f"Equations({str(self)!r})"


def _equations_from(eqs: object) -> Iterator[SingleEquation]:
    if isinstance(eqs, Equations):
        yield from eqs.values()
    elif isinstance(eqs, str):
        for lineno, line, code in _logical_lines(eqs):
            yield _parse_equation(lineno, line, code)
    elif isinstance(eqs, SingleEquation):
        yield eqs
    elif isinstance(eqs, Iterable):
        for item in eqs:
            yield from _equations_from(item)
    else:
        raise TypeError(
            f"Equations are given as a string, an Equations object or a list of them; "
            f"got {type(eqs).__name__}."
        )


# --- substitutions -------------------------------------------------------------------------


def _value_code(name: str, value: object) -> str:
    """Model code for a substituted value: a number, or a number times SI units."""
    if isinstance(value, (bool, np.bool_)):
        return repr(bool(value))
    raw = np.asarray(value)
    if raw.ndim != 0 or raw.dtype.kind not in "biuf":
        raise EquationError(
            f"The substitution {name}={value!r} must be a name, a number or a scalar quantity."
        )
    number = int(raw) if raw.dtype.kind in "iu" else float(raw)
    dims = get_dimensions(value)
    if dims is DIMENSIONLESS:
        return repr(number)
    return f"({number!r} * {_unit_code(dims)})"


def _unit_code(dims: Dimension) -> str:
    """Model code for the SI unit of ``dims``: its name (``volt``) or a product of base units."""
    unit = get_unit(dims)
    name = getattr(unit, "name", "")
    try:
        names = {
            node.id for node in ast.walk(ast.parse(name, mode="eval")) if isinstance(node, ast.Name)
        }
    except SyntaxError:
        names = None
    if names and names <= set(unit_namespace()) and float(np.asarray(unit)) == 1.0:
        return name if name.isidentifier() else f"({name})"
    base_names = ("metre", "kilogram", "second", "amp", "kelvin", "mole", "candela")
    factors = []
    for base, exponent in zip(base_names, dims.exponents, strict=True):
        if exponent == 1:
            factors.append(base)
        elif exponent != 0:
            factors.append(f"{base}**{exponent}")
    return " * ".join(factors)


class _Substituter(ast.NodeTransformer):
    def __init__(self, renames: Mapping[str, str], values: Mapping[str, ast.expr]):
        self.renames = renames
        self.values = values

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if node.id in self.values:
            return self.values[node.id]
        if node.id in self.renames:
            return ast.Name(id=self.renames[node.id], ctx=ast.Load())
        return node

    def visit_Call(self, node: ast.Call) -> ast.expr:
        # Function names are not substituted; only their arguments are.
        node.args = [self.visit(arg) for arg in node.args]
        return node


def _substitute(
    equations: list[SingleEquation], substitutions: Mapping[str, object]
) -> list[SingleEquation]:
    defined = {eq.name for eq in equations}
    used = frozenset().union(*(eq.identifiers for eq in equations)) if equations else set()
    renames: dict[str, str] = {}
    values: dict[str, ast.expr] = {}
    for name, replacement in substitutions.items():
        if name not in defined and name not in used:
            raise EquationError(
                f"Cannot substitute {name!r}: the equations neither define nor use it."
            )
        if isinstance(replacement, str):
            if not replacement.isidentifier() or keyword.iskeyword(replacement):
                raise EquationError(
                    f"The substitution {name}={replacement!r} must give a variable name; "
                    "expressions cannot be substituted."
                )
            renames[name] = replacement
        elif isinstance(replacement, (bool, int, float, np.number, np.bool_, Quantity)):
            if name in defined:
                raise EquationError(
                    f"Cannot replace the model variable {name!r} by a value; only names the "
                    "equations use without defining them can be replaced by values."
                )
            values[name] = ast.parse(_value_code(name, replacement), mode="eval").body
        else:
            raise EquationError(
                f"The substitution {name}={replacement!r} must be a name (str), a number or "
                f"a quantity, not {type(replacement).__name__}."
            )
    substituter = _Substituter(renames, values)
    result = []
    for equation in equations:
        new_name = renames.get(equation.name, equation.name)
        if new_name != equation.name:
            check_variable_name(new_name, None, equation.line)
        expr = equation.expr
        if expr is not None:
            tree = substituter.visit(ast.parse(expr.code, mode="eval"))
            expr = Expression(ast.unparse(tree))
        changed = replace(equation, name=new_name, expr=expr)
        if changed != equation:
            changed = replace(changed, line=str(changed))
        result.append(changed)
    return result
