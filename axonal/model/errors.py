"""The errors and warnings of the model room: bad equations, expressions, names and units."""

from __future__ import annotations

import copy

from axonal.units import DimensionMismatchError


def where(owner: str | None, line: str | None) -> str:
    """``In 'neurongroup', line 'v = vr': `` -- the prefix every model error starts with."""
    parts = []
    if owner:
        parts.append(f"in {owner!r}")
    if line:
        parts.append(f"line {' '.join(line.split())!r}")
    if not parts:
        return ""
    text = ", ".join(parts) + ": "
    return text[0].upper() + text[1:]


class EquationError(ValueError):
    """Model text (equations, expressions, statements) that cannot be accepted as written.

    Example:

    >>> try:
    ...     NeuronGroup(1, 'dv/dt = -v/tau')  # no unit
    ... except EquationError as error:
    ...     print(error)
    In 'neurongroup...', line 'dv/dt = -v/tau': This equation has no ':' followed by its unit; ...
    """

    def __init__(self, message: str, owner: str | None = None, line: str | None = None) -> None:
        self.owner = owner
        self.line = line
        self.message = message
        super().__init__(where(owner, line) + message)

    def __str__(self) -> str:
        return where(self.owner, self.line) + self.message

    def __reduce__(self):
        return (type(self), (self.message, self.owner, self.line))

    def with_owner(self, owner: str) -> EquationError:
        """The same error, naming ``owner`` if it named no owner yet (for callers that know it)."""
        if self.owner is not None:
            return self
        named = copy.copy(self)
        named.owner = owner
        return named


class ExpressionError(EquationError):
    """An expression or statement that uses syntax outside the model language."""


class UnknownNameError(EquationError):
    """A name that is neither a variable, nor a constant, function or unit in reach."""

    def __init__(
        self,
        message: str,
        owner: str | None = None,
        line: str | None = None,
        name: str = "",
    ) -> None:
        self.name = name
        super().__init__(message, owner, line)

    def __reduce__(self):
        return (type(self), (self.message, self.owner, self.line, self.name))


class EquationDimensionError(EquationError, DimensionMismatchError):
    """Model text whose physical dimensions do not agree (it is also a DimensionMismatchError)."""

    def __init__(self, message: str, owner: str | None = None, line: str | None = None) -> None:
        EquationError.__init__(self, message, owner, line)
        self.description = message
        self.dims = ()

    def __str__(self) -> str:
        return EquationError.__str__(self)


class AmbiguousNameWarning(UserWarning):
    """A name that refers to two things at once; the message says which one is used."""


class ShadowedUnitWarning(UserWarning):
    """A model variable whose name hides a unit of the same name inside the model's text."""
