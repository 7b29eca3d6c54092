"""axonal: spiking neural networks as equations with physical units.

``from axonal import *`` gives the user's namespace: units, the unit-aware NumPy functions model
scripts use, and the simulator classes. It is assembled from each room's ``__all__`` and nothing
else, so that every public name is chosen in the room that owns it.
"""

from importlib import import_module

__version__ = "0.1.0.dev0"

# The rooms whose public names make up the user's namespace, lowest layer first.
_PUBLIC_ROOMS = (
    "units",
    "model",
    "integrate",
    "codegen",
    "network",
    "groups",
    "synapses",
    "monitors",
    "inputs",
    "spatial",
    "records",
    "devices",
    "logs",
    "profiling",
)

# Brian 2's star import also gives the names of its subpackages (scripts write
# `codegen.target = 'numpy'`); axonal's rooms of the same name stand in for them.
_BRIAN2_MODULE_NAMES = ("codegen", "core", "devices", "groups", "monitors", "synapses", "units")

# Names of rooms outside the user's namespace, imported when first used: `axonal.sweep(...)`.
_LOADED_ON_USE = {"sweep": "sweeps"}


# Units that Brian 2's star import does not give, leaving pylab's name in place (the colormap
# function gray(), dateutil's weekday TH): scripts that call them find them.
_PYLAB_OVER_UNITS = frozenset({"gray", "TH"})


def _assemble_namespace() -> list[str]:
    # As in Brian 2: pylab's names first (NumPy's, and matplotlib's loaded on first use), then
    # np/numpy as the unit-aware NumPy namespace, then every room's names over them.
    numpy_ = import_module(f"{__name__}.numpy_")
    pylab = import_module(f"{__name__}.pylab_names").script_names()
    globals().update(pylab)
    globals().update(np=numpy_, numpy=numpy_)
    names: list[str] = [*pylab, "np", "numpy"]
    for room_name in _PUBLIC_ROOMS:
        room = import_module(f"{__name__}.{room_name}")
        for name in room.__all__:
            if name in _PYLAB_OVER_UNITS and name in pylab:
                continue
            globals()[name] = getattr(room, name)
            names.append(name)
    for name in _BRIAN2_MODULE_NAMES:
        globals()[name] = import_module(f"{__name__}.{name}")
        names.append(name)
    return list(dict.fromkeys(names))  # a room's name laid over pylab's is listed once


def __getattr__(name: str):
    # Assembled on first use (PEP 562): `axonal.cli` starts without the simulator.
    if name in _LOADED_ON_USE:
        return getattr(import_module(f"{__name__}.{_LOADED_ON_USE[name]}"), name)
    if name == "__all__" or not name.startswith("__"):
        globals()["__all__"] = _assemble_namespace()
        if name in globals():
            return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
