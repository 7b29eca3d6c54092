"""State updaters: differential equations to update statements (exact, Euler, RK, Milstein, ...).

Internal API, used by groups and synapses (nothing here is part of a model script's namespace):

    state_update(equations, method=None, *, owner="", constant_over_dt=()) -> StateUpdate
    StateUpdate(method, statements)   temporaries first, then one ``x = ...`` per variable
    IntegrationError                  a method that cannot apply, or an unknown one
    METHODS                           the names of the built-in methods
"""

from axonal.integrate.state_update import METHODS as METHODS
from axonal.integrate.state_update import StateUpdate as StateUpdate
from axonal.integrate.state_update import state_update as state_update
from axonal.integrate.system import IntegrationError as IntegrationError

__all__: list[str] = []  # internal room: used by groups and synapses, not by model scripts
