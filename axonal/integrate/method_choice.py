"""Choosing and applying a state updater: state_update() and the automatic method choice."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from axonal.integrate.description import explicit_description, is_description
from axonal.integrate.exact import exact
from axonal.integrate.explicit import euler, heun, milstein, rk2, rk4
from axonal.integrate.exponential_euler import exponential_euler
from axonal.integrate.system import EquationSystem, IntegrationError, NotApplicable, analyse
from axonal.model.ir import Expression, Statement

__all__: list[str] = []  # internal room

logger = logging.getLogger("axonal.integrate")

_UPDATERS: dict[str, Callable[[EquationSystem], tuple[Statement, ...]]] = {
    "exact": exact,
    "euler": euler,
    "rk2": rk2,
    "rk4": rk4,
    "heun": heun,
    "milstein": milstein,
    "exponential_euler": exponential_euler,
}
# Brian 2's former names, still accepted there: 'linear' is exact.
_ALIASES = {"linear": "exact"}
METHODS: tuple[str, ...] = tuple(_UPDATERS)

# Tried in this order when no method is given, as Brian 2 does.
AUTOMATIC_CHOICE = ("exact", "euler", "heun")


@dataclass(frozen=True)
class StateUpdate:
    """The update statements for one time step, and the method that produced them.

    ``statements`` are temporaries (``temporary=True``, names starting with ``_``) followed by
    one non-temporary assignment ``x = ...`` per state variable.
    """

    method: str
    statements: tuple[Statement, ...]

    def describe(self) -> str:
        return "\n".join(str(statement) for statement in self.statements)


def _label(owner: str) -> str:
    return f"'{owner}'" if owner else "the equations"


def _apply(system: EquationSystem, method: str) -> StateUpdate:
    try:
        if is_description(method):
            return StateUpdate(method.strip(), explicit_description(system, method))
        return StateUpdate(method, _UPDATERS[method](system))
    except NotApplicable as failure:
        whose = f"the equations of '{system.owner}'" if system.owner else "the equations"
        how = "the method description" if is_description(method) else f"method '{method}'"
        raise IntegrationError(f"Cannot integrate {whose} with {how}: {failure.reason}.") from None


def state_update(
    equations: Mapping[str, Expression],
    method: str | None = None,
    *,
    owner: str = "",
    constant_over_dt: Collection[str] = (),
) -> StateUpdate:
    """Update statements advancing ``dx/dt = rhs`` for every ``x`` in ``equations`` by ``dt``.

    ``equations`` maps each state variable to its right-hand side (subexpressions already
    substituted). Names other than the state variables, ``t`` and ``dt`` are constant during a
    step; ``constant_over_dt`` may add ``t`` itself (explicit time dependence frozen over the
    step) and names of functions whose value does not change within a step, such as
    TimedArrays: ``t`` inside their calls then stays at the step's start and does not keep
    ``exact`` from applying. ``xi`` and ``xi_<suffix>`` are noise.

    ``method=None`` tries ``exact``, ``euler`` and ``heun`` in turn and logs the choice at INFO
    level. ``method`` may also be an explicit scheme in Brian 2's notation, such as
    ``'x_new = x + dt * f(x, t)'``.
    """
    method = _ALIASES.get(method, method) if isinstance(method, str) else method
    if isinstance(method, str) and method.startswith("gsl"):
        raise IntegrationError(
            f"{_label(owner)}: method {method!r} is one of Brian 2's GSL integrators (variable "
            "time step, GNU Scientific Library), which axonal does not have; use 'rk4' or "
            "'exact' (with a smaller dt if accuracy matters)."
        )
    if method is not None and method not in _UPDATERS and not is_description(method):
        raise IntegrationError(
            f"Unknown integration method {method!r} for {_label(owner)}; "
            f"choose one of {', '.join(METHODS)}."
        )
    system = analyse(equations, owner=owner, constant_over_dt=constant_over_dt)
    if method is not None:
        return _apply(system, method)
    tried = []
    start = time.perf_counter()
    for candidate in AUTOMATIC_CHOICE:
        started = time.perf_counter()
        try:
            update = StateUpdate(candidate, _UPDATERS[candidate](system))
        except NotApplicable as failure:
            tried.append(f"'{candidate}' ({failure.reason}, {time.perf_counter() - started:.2f} s)")
            continue
        message = (
            f"No integration method given for '{owner}', using '{candidate}' "
            f"(took {time.perf_counter() - started:.2f} s)"
        )
        if tried:
            message += f"; not applicable: {'; '.join(tried)}"
        logger.info(message)
        return update
    raise IntegrationError(  # heun takes every equation analyse() accepts; kept for safety
        f"No integration method applies to the equations of {_label(owner)} "
        f"(tried {'; '.join(tried)}, {time.perf_counter() - start:.2f} s in all)."
    )
