"""Brian 1 thresholds and resets (values, strings, functions, classes) as axonal conditions and
statements, plus the Python hooks a function threshold or reset needs."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field

import numpy as np

from axonal.brian1.unsupported import Brian1Unsupported

# Hidden variables a Python threshold or reset function works through (a network operation
# writes or reads them next to the group's own threshold and reset).
FIRED = "brian1_fired"
SPIKED = "brian1_spiked"


@dataclass
class Mechanism:
    """What a Brian 1 threshold or reset becomes: axonal code, values it names, and Python."""

    code: str | None = None
    values: dict = field(default_factory=dict)
    function: object = None  # called as Brian 1 did (see NeuronGroup)
    refractory: object = None  # EmpiricalThreshold's own refractory period


# -- the Brian 1 classes -------------------------------------------------------------------------
class Threshold:
    """``Threshold(threshold=1*mV, state=0)``: spike when the state variable is above the value."""

    def __init__(self, threshold=None, state=0):
        self.threshold, self.state = threshold, state


class VariableThreshold:
    """``VariableThreshold(threshold_state=1, state=0)``: above another state variable."""

    def __init__(self, threshold_state=1, state=0):
        self.threshold_state, self.state = threshold_state, state


class EmpiricalThreshold:
    """``EmpiricalThreshold(threshold, refractory=1*ms, state=0)``: no reset, no spike within
    the refractory period after the last one."""

    def __init__(self, threshold=None, refractory=None, state=0, clock=None):
        self.threshold, self.refractory, self.state = threshold, refractory, state


class StringThreshold:
    """``StringThreshold('v > vt')``."""

    def __init__(self, expr, level=0):
        self.expr = expr


class FunThreshold:
    """``FunThreshold(f)``: ``f(*state_variables)`` returns a boolean array."""

    def __init__(self, thresholdfun):
        self.function = thresholdfun


class SimpleFunThreshold:
    """``SimpleFunThreshold(f, state=0)``: ``f(values of one state variable)``."""

    def __init__(self, thresholdfun, state=0):
        self.function, self.state = thresholdfun, state


class PoissonThreshold:
    """``PoissonThreshold(state=0)``: spike with probability rate*dt, the rate a state variable."""

    def __init__(self, state=0):
        self.state = state


class NoThreshold:
    """``NoThreshold()``."""


class Reset:
    """``Reset(resetvalue=0*mV, state=0)``."""

    def __init__(self, resetvalue=0.0, state=0):
        self.resetvalue, self.state = resetvalue, state


class VariableReset:
    """``VariableReset(resetvaluestate=1, state=0)``: to the value of another state variable."""

    def __init__(self, resetvaluestate=1, state=0):
        self.resetvaluestate, self.state = resetvaluestate, state


class StringReset:
    """``StringReset('v = vr; w += b')``."""

    def __init__(self, expr, level=0):
        self.expr = expr


class FunReset:
    """``FunReset(f)``: ``f(P, spikes)``."""

    def __init__(self, resetfun):
        self.function = resetfun


class NoReset:
    """``NoReset()``."""


# -- translation -------------------------------------------------------------------------------
def _statements(text: str) -> str:
    return "\n".join(part.strip() for part in text.replace(";", "\n").splitlines() if part.strip())


def threshold_mechanism(threshold, name_of) -> Mechanism:
    """``name_of(state)`` gives a state variable's name from a Brian 1 name or index."""
    if threshold is None or isinstance(threshold, NoThreshold):
        return Mechanism()
    if isinstance(threshold, str):
        return Mechanism(code=threshold.strip())
    if isinstance(threshold, StringThreshold):
        return Mechanism(code=threshold.expr.strip())
    if isinstance(threshold, Threshold | EmpiricalThreshold):
        # Brian 1's Threshold fires when the variable is strictly above the value.
        mechanism = Mechanism(
            code=f"{name_of(threshold.state)} > brian1_threshold",
            values={"brian1_threshold": threshold.threshold},
        )
        if isinstance(threshold, EmpiricalThreshold):
            mechanism.refractory = threshold.refractory
        return mechanism
    if isinstance(threshold, VariableThreshold):
        return Mechanism(code=f"{name_of(threshold.state)} > {name_of(threshold.threshold_state)}")
    if isinstance(threshold, PoissonThreshold):
        return Mechanism(code=f"rand() < {name_of(threshold.state)} * dt")
    if isinstance(threshold, SimpleFunThreshold):
        variable = name_of(threshold.state)
        function = threshold.function
        return Mechanism(code=f"{FIRED} > 0.5", function=lambda values: function(values[variable]))
    if isinstance(threshold, FunThreshold) or callable(threshold):
        function = getattr(threshold, "function", threshold)
        return Mechanism(code=f"{FIRED} > 0.5", function=_state_function(function))
    # A value (-50*mV): Threshold on the membrane potential.
    return threshold_mechanism(Threshold(threshold, 0), name_of)


def _state_function(function):
    """Brian 1 called FunThreshold's function with all state arrays in order, and a plain
    callable with as many of them as it takes."""
    try:
        count = len(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        count = None

    def call(group_values):
        values = list(group_values.values())
        return function(*(values if count is None else values[:count]))

    return call


def reset_mechanism(reset, name_of) -> Mechanism:
    if reset is None or isinstance(reset, NoReset):
        return Mechanism()
    if isinstance(reset, str):
        return Mechanism(code=_statements(reset))
    if isinstance(reset, StringReset):
        return Mechanism(code=_statements(reset.expr))
    if isinstance(reset, Reset):
        return Mechanism(
            code=f"{name_of(reset.state)} = brian1_reset",
            values={"brian1_reset": reset.resetvalue},
        )
    if isinstance(reset, VariableReset):
        return Mechanism(code=f"{name_of(reset.state)} = {name_of(reset.resetvaluestate)}")
    if isinstance(reset, FunReset) or callable(reset):
        return Mechanism(code=f"{SPIKED} = 1", function=getattr(reset, "function", reset))
    if isinstance(reset, type):
        raise Brian1Unsupported(
            f"reset={reset.__name__} (a class, not an instance)",
            "Pass an instance, e.g. NoReset().",
        )
    return reset_mechanism(Reset(reset, 0), name_of)


def spikes_of(flags: np.ndarray) -> np.ndarray:
    return np.flatnonzero(flags > 0.5)
