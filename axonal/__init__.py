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
    "records",
)

__all__: list[str] = []


def _assemble_namespace() -> None:
    for room_name in _PUBLIC_ROOMS:
        room = import_module(f"{__name__}.{room_name}")
        for name in room.__all__:
            globals()[name] = getattr(room, name)
            __all__.append(name)


_assemble_namespace()
