"""State updaters: differential equations to update statements (exact, Euler, RK, Milstein, ...)."""

from axonal.integrate.state_update import METHODS, StateUpdate, state_update
from axonal.integrate.system import IntegrationError

__all__: list[str] = []  # internal room: used by groups and synapses, not by model scripts

_INTERNAL_API = (METHODS, StateUpdate, state_update, IntegrationError)
