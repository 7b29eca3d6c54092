"""The parameter table of a generated function, and the invariants it is passed.

Constants are never written into generated source: they are parameters, so changing a value
never changes the source (nor recompiles). Subexpressions over constants and ``dt`` only are
evaluated once per call with NumPy and passed in, bit-identical to the NumPy target's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from axonal.codegen.numpy_printer import numpy_code
from axonal.codegen.numpy_target import NUMPY_FUNCTIONS
from axonal.model.ir import Expression, Kernel, VariableKind, VariableRef

__all__: list[str] = []  # internal room: nothing here is part of the user's namespace


class Arguments:
    """The generated function's parameters: state arrays, values, and hoisted invariants."""

    def __init__(self) -> None:
        self.arrays: dict[str, str] = {}  # state key -> identifier
        self.values: dict[str, str] = {}  # state key -> identifier
        self.value_dtypes: dict[str, str] = {}  # state key -> dtype the value is passed as
        self.invariants: list[tuple[str, Expression, Kernel]] = []  # identifier, expr, kernel
        self._taken: set[str] = set()  # invariant identifiers handed out
        self.recorded: set[str] | None = None  # identifiers used since record() (see there)

    def record(self) -> set[str]:
        """Collect from now on the identifiers code uses (parameters and the loop's ``t`` and
        ``dt``): the parameters a function of its own needs for that code."""
        self.recorded = set()
        return self.recorded

    def use(self, identifier: str) -> str:
        """``identifier``, noted as used by the code being printed."""
        if self.recorded is not None:
            self.recorded.add(identifier)
        return identifier

    def call_fields(self, functions: Mapping[str, Callable] | None) -> dict[str, object]:
        """What a compiled kernel or loop keeps to be called: its arrays' keys, its values'
        dtypes, the evaluator of its invariants and the description of its parameters."""
        return {
            "array_keys": tuple(self.arrays),
            "value_dtypes": dict(self.value_dtypes),
            "invariants": invariants_function(self.invariants, functions or {}),
            "parameters": self.describe(),
        }

    def describe(self) -> str:
        """Which state key each parameter stands for (for reading generated code)."""
        pairs = [*self.arrays.items(), *self.values.items()]
        pairs += [(str(e), i) for i, e, _ in self.invariants]
        return "\n".join(f"{identifier} = {key}" for key, identifier in pairs)

    def array(self, key: str) -> str:
        # Numbered, not named after the key: the same model under other object names gives
        # the same source, hence the same cache entry (``describe()`` shows the mapping).
        if key not in self.arrays:
            self.arrays[key] = f"a_{len(self.arrays)}"
        return self.use(self.arrays[key])

    def value(self, key: str, dtype: str) -> str:
        """A scalar parameter, always passed as ``dtype`` (so its type, and the compiled
        code, stays the same whether the user wrote 3 or 3.0)."""
        if key not in self.values:
            self.values[key] = f"c_{len(self.values)}"
            self.value_dtypes[key] = dtype
        return self.use(self.values[key])

    def invariant(self, expression: Expression, kernel: Kernel) -> str:
        for identifier, known, owner in self.invariants:
            if known == expression and owner is kernel:
                return identifier
        number = len(self.invariants)
        # Never shadow one of the kernel's own names.
        while f"_inv{number}" in kernel.variables or f"_inv{number}" in self._taken:
            number += 1
        identifier = f"_inv{number}"
        self._taken.add(identifier)
        self.invariants.append((identifier, expression, kernel))
        return identifier

    def parameters(self) -> list[str]:
        return [*self.arrays.values(), *self.values.values(), *(i for i, _, _ in self.invariants)]


def value_arguments(state: Mapping[str, object], dtypes: Mapping[str, str]) -> list:
    """Scalar arguments in their declared dtypes (arrays given as constants pass unchanged)."""
    values = []
    for key, dtype in dtypes.items():
        value = state[key]
        if isinstance(value, np.ndarray):
            if value.ndim:
                values.append(value)
                continue
            value = value[()]
        values.append(_SCALAR_TYPES[dtype](value))
    return values


_SCALAR_TYPES = {name: np.dtype(name).type for name in ("float64", "float32", "int64", "int32")}
_SCALAR_TYPES.update({"bool": np.bool_, "uint64": np.uint64, "uint32": np.uint32})


def value_key(ref: VariableRef) -> str:
    return ref.array or ref.name


def invariants_function(
    invariants: Sequence[tuple[str, Expression, Kernel]], functions: Mapping[str, Callable]
) -> Callable[[Mapping[str, object]], tuple]:
    """A Python function computing the hoisted invariants from the state with NumPy.

    The last inputs and results are kept: a kernel called on every step with unchanged
    constants does not recompute its ``exp(-dt/tau)``.
    """
    inputs: dict[str, int] = {}  # load code -> position in the tuple of inputs
    lines = ["def _make():", "    _last = [None, None]"]
    calls = []
    for number, (_, expression, kernel) in enumerate(invariants):
        names = sorted(expression.names)
        positions = []
        for name in names:
            ref = kernel.variables[name]
            load = (
                f"_ns[{ref.array!r}][0]"
                if ref.kind == VariableKind.SHARED
                else f"_ns[{value_key(ref)!r}]"
            )
            positions.append(inputs.setdefault(load, len(inputs)))
        lines.append(f"    def _invariant_{number}({', '.join(names)}):")
        lines.append(f"        return {numpy_code(expression)}")
        calls.append(f"_invariant_{number}({', '.join(f'_inputs[{p}]' for p in positions)})")
    lines += [
        "    def invariants(_ns):",
        f"        _inputs = ({''.join(load + ', ' for load in inputs)})",
        "        _key = _cache_key(_inputs)",
        "        if _key is not None and _key == _last[0]:",
        "            return _last[1]",
        f"        _results = ({''.join(call + ', ' for call in calls)})",
        "        _last[0], _last[1] = _key, _results",
        "        return _results",
        "    return invariants",
    ]
    scope: dict[str, object] = {**NUMPY_FUNCTIONS, **functions, "_cache_key": _cache_key}
    exec(compile("\n".join(lines) + "\n", "<axonal invariants>", "exec"), scope)
    return scope["_make"]()


def _cache_key(inputs: tuple) -> tuple | None:
    """Inputs compared exactly (-0.0 differs from 0.0), or None when one is an array."""
    key = []
    for value in inputs:
        if isinstance(value, float):  # numpy.float64 included
            key.append(value.hex())
        elif isinstance(value, int | bool | np.integer | np.bool_):
            key.append((type(value), value))
        else:
            return None
    return tuple(key)
