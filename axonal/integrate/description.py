"""User-defined explicit schemes written in mathematical notation, as in Brian 2.

A description is a few lines ``name = expression`` ending with ``x_new = ...``, for instance

    k = dt * f(x, t)
    x_new = x + dt * f(x + k/2, t + dt/2)

``x`` stands for each state variable, ``f(x, t)`` for its right-hand side (``g(x, t)`` for its
noise coefficient, ``dW`` for the noise increment), ``t`` and ``dt`` for time and step.
Every intermediate name becomes one temporary per state variable (``_k_v``, ``_k_w``), and
``f(x + k/2, t)`` evaluates each right-hand side with every variable ``y`` replaced by
``y + _k_y/2``.
"""

from __future__ import annotations

import re

import sympy

from axonal.integrate.statements import assemble, noise_increments
from axonal.integrate.system import TIME, EquationSystem, IntegrationError, NotApplicable
from axonal.model.ir import Statement
from axonal.model.sympy_conversion import SympyConversionError, str_to_sympy, symbol

__all__: list[str] = []  # internal room

_LINE = re.compile(r"^\s*([A-Za-z_]\w*)\s*=(?!=)\s*(.+?)\s*$")
X, DW = symbol("x"), symbol("dW")


def is_description(method: str) -> bool:
    """A method string is a description when it assigns something (``x_new = ...``)."""
    return "=" in method


def parse_description(text: str) -> tuple[tuple[str, sympy.Expr], ...]:
    """The description's assignments in order; IntegrationError on malformed text."""
    lines = [line.split("#", 1)[0] for line in re.split(r"[\n;]", text)]
    assignments = []
    defined = {"x", "t", "dt", "dW"}
    for line in filter(str.strip, lines):
        match = _LINE.match(line)
        if match is None:
            raise IntegrationError(
                f"Cannot read the line {line.strip()!r} of the integration method description: "
                "expected 'name = expression'."
            )
        name, code = match.groups()
        try:
            expr = str_to_sympy(code)
        except SympyConversionError as error:
            raise IntegrationError(
                f"Cannot read the line {line.strip()!r} of the integration method description: "
                f"{error}."
            ) from error
        unknown = sorted(s.name for s in expr.free_symbols if s.name not in defined)
        if unknown:
            raise IntegrationError(
                f"The line {line.strip()!r} of the integration method description uses "
                f"{', '.join(map(repr, unknown))} before defining it; it can use x, t, dt, dW, "
                "f(x, t), g(x, t) and names defined on earlier lines."
            )
        for call in expr.atoms(sympy.core.function.AppliedUndef):
            if type(call).__name__ in ("f", "g") and len(call.args) != 2:
                raise IntegrationError(
                    f"In the line {line.strip()!r} of the integration method description, "
                    f"{type(call).__name__} takes two arguments (a state and a time)."
                )
        if name == "x_new" and name in defined:
            raise IntegrationError("'x_new' may be assigned only once, on the last line.")
        if name in defined:
            raise IntegrationError(
                f"The line {line.strip()!r} of the integration method description assigns "
                f"{name!r}, which is already defined."
            )
        defined.add(name)
        assignments.append((name, expr))
    if not assignments or assignments[-1][0] != "x_new":
        raise IntegrationError(
            "An integration method description must end with the line 'x_new = ...'."
        )
    return tuple(assignments)


def explicit_description(system: EquationSystem, text: str) -> tuple[Statement, ...]:
    """Statements for the scheme described by ``text`` (see the module docstring)."""
    assignments = parse_description(text)
    uses_noise = any(
        expr.has(DW) or any(type(c).__name__ == "g" for c in expr.atoms(sympy.Function))
        for _, expr in assignments
    )
    if system.is_stochastic and not uses_noise:
        raise NotApplicable("the equations are stochastic, and the description has no dW term")
    if len(system.noise_names) > 1:
        raise NotApplicable(
            "a description applies to equations with one noise symbol, these have "
            f"{', '.join(system.noise_names)}"
        )
    increments = noise_increments(system)
    increment = next(iter(increments.values()), sympy.S.Zero)
    noise = system.noise_names[0] if system.noise_names else None
    symbols = system.symbols
    intermediates = [name for name, _ in assignments[:-1]]

    def temporary(name: str, variable: str) -> sympy.Symbol:
        return symbol(f"_{name}_{variable}")

    def translate(expr: sympy.Basic, variable: str) -> sympy.Basic:
        """The description's ``expr`` for one state variable."""
        if expr == X:
            return symbols[variable]
        if expr == DW:
            return increment
        if expr.is_Symbol and expr.name in intermediates:
            return temporary(expr.name, variable)
        if isinstance(expr, sympy.core.function.AppliedUndef) and type(expr).__name__ in ("f", "g"):
            state, time = expr.args
            values = {symbols[y]: translate(state, y) for y in system.variables}
            if not system.time_is_frozen:
                values[TIME] = translate(time, variable)
            if type(expr).__name__ == "f":
                return system.drift[variable].xreplace(values)
            coefficient = system.diffusion[variable].get(noise, sympy.S.Zero) if noise else 0
            return sympy.sympify(coefficient).xreplace(values)
        if not expr.args:
            return expr
        return expr.func(*(translate(argument, variable) for argument in expr.args))

    stages = [
        {temporary(name, x).name: translate(expr, x) for x in system.variables}
        for name, expr in assignments[:-1]
    ]
    finals = {x: translate(assignments[-1][1], x) for x in system.variables}
    return assemble(system, stages, finals)
