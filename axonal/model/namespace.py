"""Name resolution: what each name in model code refers to, in Brian's order of look-up."""

from __future__ import annotations

import difflib
import enum
import functools
import numbers
import re
import sys
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import ModuleType

import numpy as np

from axonal.model.errors import AmbiguousNameWarning, EquationError, UnknownNameError
from axonal.model.functions import DEFAULT_CONSTANTS, DEFAULT_FUNCTIONS, Function, declares_units
from axonal.units import DIMENSIONLESS, Dimension, Quantity, Unit, get_dimensions

__all__ = [
    "NOISE_DIMENSIONS",
    "RESERVED_NAMES",
    "NameKind",
    "ResolvedName",
    "is_noise_name",
    "resolve_equation_names",
    "resolve_names",
    "unit_namespace",
]

RESERVED_NAMES = frozenset({"t", "dt", "xi", "i", "j", "N", "lastspike", "not_refractory"})
"""Names with a meaning of their own in model code; no variable may take them."""

NOISE_DIMENSIONS = Dimension(s=-0.5)
"""The dimensions of the white-noise terms ``xi`` and ``xi_*``: second**-0.5."""

_NOISE_NAME = re.compile(r"xi(_\w+)?\Z")


# Read-only observers of the constants taken from a namespace, called as observer(owner, found)
# for each one resolved; the run records keep the values a model ran with (axonal.records).
constant_observers: list = []


def is_noise_name(name: str) -> bool:
    """True for ``xi`` and ``xi_<anything>``, the stochastic terms of differential equations."""
    return _NOISE_NAME.match(name) is not None


class NameKind(enum.Enum):
    VARIABLE = "variable"  # one of the owner's own variables (or t, dt, i, N it provides)
    CONSTANT = "constant"  # a value from a namespace: a number, a quantity or an array
    FUNCTION = "function"
    UNIT = "unit"  # a unit name such as mV; a constant with the unit's value
    NOISE = "noise"  # xi, xi_*: white noise in a differential equation


@dataclass(frozen=True)
class ResolvedName:
    """What a name refers to. ``value`` is the variable's record, the constant, unit or Function;
    ``dimensions`` is None only for functions; ``source`` says where the name was found."""

    name: str
    kind: NameKind
    dimensions: Dimension | None
    value: object = None
    source: str = ""

    @property
    def raw_value(self) -> float | np.ndarray:
        """The value of a constant or unit in SI base units, without units."""
        if self.kind not in (NameKind.CONSTANT, NameKind.UNIT):
            raise TypeError(f"{self.name!r} is a {self.kind.value}, it has no constant value.")
        raw = np.asarray(self.value)
        return raw[()] if raw.ndim == 0 else raw


def unit_namespace() -> Mapping[str, Unit]:
    """Every unit name that model code may use (mV, nS, siemens, metre2, ...)."""
    from axonal.units.registry import registry

    return registry


@functools.cache
def common_unit_names() -> frozenset[str]:
    """The unit names a script gets from ``from axonal import *``; only hiding these warns."""
    from axonal.units import public_names

    return frozenset(public_names)


def _dimensions_of_record(name: str, record: object) -> Dimension:
    if isinstance(record, Dimension):
        return record
    dims = getattr(record, "dimensions", None)
    if isinstance(dims, Dimension):
        return dims
    raise TypeError(
        f"The own variable {name!r} must be given as a Dimension or a record with .dimensions, "
        f"got {type(record).__name__}."
    )


def _usable_constant(value: object) -> bool:
    """Only numbers, quantities and numeric arrays count: modules, classes and strings do not."""
    if isinstance(value, (bool, numbers.Number, np.number, np.bool_, Quantity)):
        return True
    return isinstance(value, np.ndarray) and value.dtype.kind in "biuf"


def _as_function(value: object) -> Function | None:
    if isinstance(value, Function):
        return value
    # A Python function decorated with check_units says what it takes: usable as it is.
    if declares_units(value):
        return Function(value)
    return None


def _same_value(first: object, second: object) -> bool:
    if first is second:
        return True
    try:
        return bool(
            get_dimensions(first) is get_dimensions(second)
            and np.array_equal(np.asarray(first), np.asarray(second))
        )
    except Exception:  # noqa: BLE001 - incomparable values are simply different
        return False


def resolve_names(
    names: Iterable[str],
    own_variables: Mapping[str, object],
    namespace: Mapping[str, object] | None,
    caller_namespace: Mapping[str, object] | None,
    owner: str,
    *,
    called: Iterable[str] = (),
    line: str | None = None,
) -> dict[str, ResolvedName]:
    """Resolve every name of ``names`` and ``called`` (the names used as functions).

    Order of look-up: the owner's own variables (a Dimension or a record with ``.dimensions``
    each); then the explicit ``namespace`` if one is given, else the caller's namespace (its
    locals then globals, merged into one mapping by ``run()``); then unit names, the default
    constants (pi, e, inf, True, False) and the default functions. ``xi`` and ``xi_*`` are white
    noise. A name that is also an own variable is the variable (with a warning when the
    namespace holds a different value under that name).
    """
    called = frozenset(called)
    external = namespace if namespace is not None else (caller_namespace or {})
    external_source = "namespace" if namespace is not None else "caller's namespace"
    units = unit_namespace()
    resolved: dict[str, ResolvedName] = {}
    unknown: list[str] = []
    for name in sorted(set(names) | called):
        found = _resolve_one(
            name, name in called, own_variables, (external, external_source), units, owner, line
        )
        if found is None:
            unknown.append(name)
        else:
            resolved[name] = found
        # Scripts often hold N or dt themselves (N = 1000): only user variables are worth a word.
        if found is not None and found.kind is NameKind.VARIABLE and name in external:
            if name in RESERVED_NAMES:
                continue
            if _usable_constant(external[name]) or _as_function(external[name]) is not None:
                warnings.warn(
                    f"In {owner!r}: {name!r} is a variable of {owner!r} and also defined in the "
                    f"{external_source}; the variable is used.",
                    AmbiguousNameWarning,
                    stacklevel=2,
                )
    if constant_observers:
        for found in resolved.values():
            if found.kind is NameKind.CONSTANT and found.source == external_source:
                for observer in constant_observers:
                    observer(owner, found)
    if unknown:
        # The model's own names and the namespace's are likelier meant than one of 1400 units.
        # Names the script got from `from axonal import *` (restore, metre, ...) come last.
        library = _star_imported(external)
        first_choice = set(own_variables) | (set(external) - library)
        second_choice = set(units) | set(DEFAULT_CONSTANTS) | set(DEFAULT_FUNCTIONS)
        raise _unknown_names_error(
            unknown, (first_choice, second_choice, library), external_source, owner, line
        )
    return resolved


def _resolve_one(
    name: str,
    is_called: bool,
    own_variables: Mapping[str, object],
    external_and_source: tuple[Mapping[str, object], str],
    units: Mapping[str, Unit],
    owner: str,
    line: str | None,
) -> ResolvedName | None:
    external, source = external_and_source
    if name in own_variables:
        if is_called:
            raise EquationError(
                f"{name!r} is a variable of {owner!r}, not a function: it cannot be called.",
                owner,
                line,
            )
        dims = _dimensions_of_record(name, own_variables[name])
        return ResolvedName(name, NameKind.VARIABLE, dims, own_variables[name], "own variables")
    if is_noise_name(name) and not is_called:
        return ResolvedName(name, NameKind.NOISE, NOISE_DIMENSIONS, None, "white noise")
    if name in external:
        value = external[name]
        found = _from_namespace(name, value, is_called, source, owner, line)
        if found is not None:
            _warn_if_default_differs(name, value, is_called, units, owner)
            return found
    if is_called:
        if name in DEFAULT_FUNCTIONS:
            return ResolvedName(
                name, NameKind.FUNCTION, None, DEFAULT_FUNCTIONS[name], "default functions"
            )
        if name in units or name in DEFAULT_CONSTANTS:
            raise EquationError(
                f"{name!r} is a constant, not a function: it cannot be called.", owner, line
            )
        return None
    if name in units:
        unit = units[name]
        return ResolvedName(name, NameKind.UNIT, get_dimensions(unit), unit, "units")
    if name in DEFAULT_CONSTANTS:
        value = DEFAULT_CONSTANTS[name]
        return ResolvedName(name, NameKind.CONSTANT, DIMENSIONLESS, value, "default constants")
    if name in DEFAULT_FUNCTIONS:
        raise EquationError(
            f"{name!r} is a function; call it with parentheses, e.g. {name}(...).", owner, line
        )
    return None


def _from_namespace(
    name: str, value: object, is_called: bool, source: str, owner: str, line: str | None
) -> ResolvedName | None:
    function = _as_function(value)
    if is_called:
        if function is not None:
            return ResolvedName(name, NameKind.FUNCTION, None, function, source)
        if _usable_constant(value):
            raise EquationError(
                f"{name!r} is a constant in the namespace ({value!r}), not a function: "
                "it cannot be called.",
                owner,
                line,
            )
        if name not in DEFAULT_FUNCTIONS and callable(value) and not isinstance(value, type):
            raise EquationError(
                f"{name!r} is a Python function that does not declare its units; decorate it "
                "with @check_units(arg=unit, ..., result=unit) or wrap it in "
                "Function(f, arg_units=[...], return_unit=...).",
                owner,
                line,
            )
        return None  # e.g. numpy's exp from 'from numpy import *': the default function is meant
    if _usable_constant(value):
        kind = NameKind.UNIT if isinstance(value, Unit) else NameKind.CONSTANT
        return ResolvedName(name, kind, get_dimensions(value), value, source)
    if function is not None:
        raise EquationError(
            f"{name!r} is a function; call it with parentheses, e.g. {name}(...).", owner, line
        )
    return None


def _warn_if_default_differs(
    name: str, value: object, is_called: bool, units: Mapping[str, Unit], owner: str
) -> None:
    if is_called:
        default = DEFAULT_FUNCTIONS.get(name)
        differs = default is not None and value is not default
    elif name in units:
        # Shadowing a rare prefixed unit (El is an exalitre, EK an exakelvin) is no surprise.
        differs = name in common_unit_names() and not _same_value(value, units[name])
    elif name in DEFAULT_CONSTANTS:
        differs = not _same_value(value, DEFAULT_CONSTANTS[name])
    else:
        differs = False
    if differs:
        warnings.warn(
            f"In {owner!r}: {name!r} is defined in the namespace and is also a built-in "
            "name with a different meaning; the namespace's value is used.",
            AmbiguousNameWarning,
            stacklevel=4,
        )


def _star_imported(external: Mapping[str, object]) -> set[str]:
    """The names of ``external`` that are axonal's own objects (from the star import)."""
    package = sys.modules.get("axonal")
    exported = vars(package) if package is not None else {}
    return {
        name
        for name, value in external.items()
        if name in exported and exported[name] is value or isinstance(value, ModuleType)
    }


def _unknown_names_error(
    unknown: list[str],
    candidates: tuple[set[str], ...],
    source: str,
    owner: str,
    line: str | None,
) -> UnknownNameError:
    hints = []
    for name in unknown:
        close = []
        for group in candidates:
            close = close or difflib.get_close_matches(name, sorted(group), n=3)
        if close:
            hints.append(f"for {name!r} did you mean {' or '.join(map(repr, close))}?")
    listed = ", ".join(map(repr, unknown))
    noun = "name" if len(unknown) == 1 else "names"
    message = (
        f"Unknown {noun} {listed}: not a variable of {owner!r}, nor a constant, function or "
        f"unit in the {source}."
    )
    if hints:
        message += " " + "; ".join(hints)[0].upper() + "; ".join(hints)[1:]
    return UnknownNameError(message, owner, line, name=unknown[0])


def resolve_equation_names(
    equations: Mapping,
    own_variables: Mapping[str, object],
    namespace: Mapping[str, object] | None,
    caller_namespace: Mapping[str, object] | None,
    owner: str,
) -> dict[str, ResolvedName]:
    """resolve_names for every line of ``equations`` (their own variables included), so that
    an unknown name is reported with the line that uses it."""
    own = {**{name: eq.dimensions for name, eq in equations.items()}, **own_variables}
    resolved: dict[str, ResolvedName] = {}
    for equation in equations.values():
        if equation.expr is None:
            continue
        resolved.update(
            resolve_names(
                equation.expr.names,
                own,
                namespace,
                caller_namespace,
                owner,
                called=equation.expr.functions,
                line=equation.line,
            )
        )
    return resolved
