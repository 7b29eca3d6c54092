"""How a loop family's function gets one owner's parameter inside the compiled loop.

Each parameter of a family's function is passed to the loop as a pair: a *witness* and a
*container* over the owners. For arrays the witness is an empty array of the owners' dtype
and dimensions and the container a table of int64 rows ``(address, shape...)``, one per
owner; ``slot_value(witness, table, k)`` makes owner k's array from its row without copying
(as ``numba.carray`` does for C pointers). For single values the witness is None and the
container an array of the values. Addresses instead of a ``numba.typed.List`` of arrays: a
typed list costs several seconds of compilation per array type and a function call with
reference counting per use, an address a few instructions. The arrays must stay alive and in
place while the loop runs: they are the run's state arrays, which only grow (are replaced)
between two calls of the loop, and the tables are remade when one is replaced.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numba
import numpy as np
from numba import types
from numba.core.extending import intrinsic, overload

__all__: list[str] = []  # internal room: nothing here is part of the user's namespace

# In the loop's source: a change here gives new loops in the cache (Numba's does not follow).
VIEWS_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


@intrinsic
def _pointer(typingctx, address, witness):
    """The int64 ``address`` as a pointer to ``witness``'s element type."""
    signature = types.CPointer(witness.dtype)(address, witness)

    def codegen(context, builder, signature, arguments):
        element = context.get_data_type(witness.dtype)
        return builder.inttoptr(arguments[0], element.as_pointer())

    return signature, codegen


def slot_value(witness, container, k):
    """Owner ``k``'s value of a family parameter (compiled code only, see the module)."""
    raise NotImplementedError("slot_value runs in compiled loops only")


@overload(slot_value)
def _slot_value(witness, container, k):
    if isinstance(witness, types.NoneType):

        def value(witness, container, k):
            return container[k]

        return value
    if witness.ndim == 1:

        def vector(witness, container, k):
            return numba.carray(_pointer(container[k, 0], witness), (container[k, 1],))

        return vector

    def matrix(witness, container, k):
        shape = (container[k, 1], container[k, 2])
        return numba.carray(_pointer(container[k, 0], witness), shape)

    return matrix


def witness_of(array: np.ndarray) -> np.ndarray:
    """An empty array with ``array``'s dtype and number of dimensions."""
    return np.empty((0,) * array.ndim, array.dtype)


def address_table(name: str, arrays: list[np.ndarray]) -> np.ndarray:
    """Rows ``(address, shape...)`` of ``arrays``, which must share dtype and dimensions and
    be C-contiguous (checked: the loop's code is compiled for one array type)."""
    first = arrays[0]
    if first.ndim not in (1, 2):
        raise ValueError(f"loop parameter {name!r}: arrays of {first.ndim} dimensions")
    table = np.zeros((len(arrays), 1 + first.ndim), np.int64)
    for row, array in enumerate(arrays):
        if array.dtype != first.dtype or array.ndim != first.ndim:
            raise TypeError(
                f"loop parameter {name!r} of identical items holds arrays of {first.dtype} "
                f"({first.ndim}-d) and {array.dtype} ({array.ndim}-d) in different owners; "
                "expected one type"
            )
        if not array.flags.c_contiguous:
            raise TypeError(f"loop parameter {name!r}: an owner's array is not contiguous")
        table[row, 0] = array.ctypes.data
        table[row, 1:] = array.shape
    return table
