"""State updaters: differential equations to update statements (exact, Euler, RK, Milstein, ...).

Internal API, used by groups and synapses (nothing here is part of a model script's namespace):

    state_update(equations, method=None, *, owner="", constant_over_dt=()) -> StateUpdate
    StateUpdate(method, statements)   temporaries first, then one ``x = ...`` per variable
    IntegrationError                  a method that cannot apply, or an unknown one
    METHODS                           the names of the built-in methods

The names load on first use: SymPy takes most of a second to import, and a script pays for it
only when a group with differential equations is first run.
"""

from importlib import import_module

__all__: list[str] = []  # internal room: used by groups and synapses, not by model scripts

_LAZY = {
    "METHODS": "axonal.integrate.method_choice",
    "StateUpdate": "axonal.integrate.method_choice",
    "state_update": "axonal.integrate.method_choice",
    "IntegrationError": "axonal.integrate.system",
}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'axonal.integrate' has no attribute {name!r}")
