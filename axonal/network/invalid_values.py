"""NaN and infinite values in the variables a run writes, found after the run and at reports.

Brian 2 warns that a "variable has NaN, very large values, or encountered an error in
numerical integration"; here the check names the group, the variables and the first element
affected, and says when the integration is the likely cause (a differential equation's
variable: try a smaller dt or another method). ``prefs.core.invalid_values`` chooses what
happens: ``'warn'`` (the default, as Brian 2), ``'error'`` (raise InvalidValuesError; a run
stopped at a progress report keeps the steps that ran), or ``'ignore'``.

Only the variables the run writes are checked (differential equations, targets of resets and
of synaptic code), so a parameter set to ``inf`` on purpose (``tau = inf*ms``) is left alone.
The check reads each array once, in Python, after a run and at each progress report (every
``report_period`` of wall time, 10 s by default, also without a report); the compiled loop
does not change.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np

__all__ = ["InvalidValuesError", "InvalidValuesWarning"]

MODES = ("warn", "error", "ignore")
_mode = ["warn"]


class InvalidValuesError(FloatingPointError):
    """A variable became NaN or infinite during a run (``prefs.core.invalid_values = 'error'``).

    Example (forward Euler at a time step ten times the time constant):

    >>> prefs.core.invalid_values = 'error'
    >>> G = NeuronGroup(2, 'dv/dt = -v/(0.01*ms) : 1', method='euler', name='unstable_cell')
    >>> G.v = 1
    >>> try:
    ...     run(50*ms)
    ... except InvalidValuesError as error:
    ...     print(str(error)[:73])
    NeuronGroup 'unstable_cell': v became NaN or infinite by t = 50 ms (first
    >>> prefs.core.invalid_values = 'warn'
    """


class InvalidValuesWarning(RuntimeWarning):
    """A variable became NaN or infinite during a run (the default: a warning, as Brian 2).

    Example:

    >>> import warnings
    >>> G = NeuronGroup(1, 'dv/dt = -v/(0.01*ms) : 1', method='euler', name='blowing_up')
    >>> G.v = 1
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter('always')
    ...     run(50*ms)
    >>> [w.category.__name__ for w in caught if 'blowing_up' in str(w.message)]
    ['InvalidValuesWarning']
    """


def set_mode(mode: str) -> None:
    """What a NaN or infinite value does: ``'warn'``, ``'error'`` or ``'ignore'``."""
    if mode not in MODES:
        raise ValueError(
            f"prefs.core.invalid_values = {mode!r}: choose 'warn', 'error' or 'ignore'"
        )
    _mode[0] = mode


def mode() -> str:
    return _mode[0]


def written_variables(obj) -> tuple[list[str], list[str]]:
    """(integrated, other written) float variable names of a group or Synapses."""
    equations = getattr(obj, "equations", None)
    if equations is None or getattr(obj, "storage_root", obj) is not obj:
        return [], []  # a subgroup's variables are its parent's, checked there
    integrated = list(equations.diff_eq_names)
    statements = [s for _, s, _ in getattr(obj, "event_code", {}).values()]
    statements += [p.statements for p in getattr(obj, "pathways", {}).values()]
    targets = {s.target for group in statements for s in group if not s.temporary}
    others = sorted(
        name
        for name in targets
        if name not in integrated and name in obj.variables and not name.endswith(("_pre", "_post"))
    )
    return integrated, others


def _first_invalid(values) -> int | None:
    values = np.asarray(values)
    if values.dtype.kind not in "fc" or values.size == 0:
        return None
    if np.isfinite(values.sum()):  # one pass in the common case: all finite
        return None
    bad = np.flatnonzero(~np.isfinite(values))
    return int(bad[0]) if len(bad) else None


def invalid_message(obj, t: float) -> str | None:
    """What is NaN or infinite in ``obj`` at ``t`` (seconds), or None."""
    integrated, others = written_variables(obj)
    found = []
    for name in [*integrated, *others]:
        values = obj.variables[name].values
        first = _first_invalid(values)
        if first is not None:
            found.append((name, first, values[first]))
    if not found:
        return None
    kind = type(obj).__name__
    element = "synapse" if kind == "Synapses" else "neuron"
    names = ", ".join(name for name, _, _ in found)
    name, first, value = found[0]
    message = (
        f"{kind} {obj.name!r}: {names} became NaN or infinite by t = {t * 1e3:g} ms (first "
        f"{name} at {element} {first}: {value})."
    )
    if any(name in integrated for name, _, _ in found):
        method = getattr(obj, "_method_used", None) or getattr(obj, "method", None)
        method_text = f" {method!r}" if isinstance(method, str) else ""
        message += (
            f" The numerical integration{method_text} at dt = {obj.clock.dt_ * 1e3:g} ms is the "
            "likely cause: try a smaller dt, or another method (e.g. method='exponential_euler' "
            "for conductance-based models, or 'rk4')."
        )
    return message


class InvalidValueCheck:
    """Checks the objects of a run at its reports and at its end; warns once per object."""

    def __init__(self, objects) -> None:
        self.objects = [obj for obj in objects if any(written_variables(obj))]
        self.warned: set[str] = set()
        self.checked_at: float | None = None

    def at_report(self, t: float) -> None:
        self.check(t)

    def after_run(self, t: float) -> None:
        if self.checked_at != t:
            self.check(t)

    def check(self, t: float) -> None:
        self.checked_at = t
        if _mode[0] == "ignore":
            return
        for obj in self.objects:
            if obj.name in self.warned:
                continue
            message = invalid_message(obj, t)
            if message is None:
                continue
            if _mode[0] == "error":
                raise InvalidValuesError(message)
            self.warned.add(obj.name)
            warnings.warn(message, InvalidValuesWarning, stacklevel=_outside_axonal())


def _outside_axonal() -> int:
    """The stacklevel of the first caller outside axonal (the line calling ``run()``)."""
    package = str(Path(__file__).parents[1])
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(package):
        frame, level = frame.f_back, level + 1
    return level
