"""The NumPy target: each kernel becomes one vectorised Python function.

The reference target: simple, always available, and the one the compiled target is tested
against. A kernel is printed as the source of a function ``kernel(_ns, _idx)`` where ``_ns``
maps array keys, constants, ``t`` and ``dt`` to values and ``_idx`` selects the elements to
work on (``slice(None)`` for all of them, or an index array: the neurons that spiked, the
synapses an event reaches). The source is compiled once per kernel and kept.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from axonal.codegen.numpy_printer import numpy_code
from axonal.model.ir import Expression, Kernel, KernelRole, Statement, VariableKind, VariableRef

ALL_ELEMENTS = slice(None)


def _exprel(x):
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.expm1(x) / x
    return np.where(x == 0, 1.0, result) if result.ndim else (1.0 if x == 0 else float(result))


def _int(x):
    return np.asarray(x).astype(np.int64) if np.ndim(x) else int(x)


def _rand(size):
    return np.random.rand() if size is None else np.random.rand(size)


def _randn(size):
    return np.random.randn() if size is None else np.random.randn(size)


# Functions every NumPy kernel can call, by the names the intermediate form uses.
NUMPY_FUNCTIONS: dict[str, Callable] = {
    "exp": np.exp,
    "log": np.log,
    "log10": np.log10,
    "sqrt": np.sqrt,
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "sinh": np.sinh,
    "cosh": np.cosh,
    "tanh": np.tanh,
    "arcsin": np.arcsin,
    "arccos": np.arccos,
    "arctan": np.arctan,
    "abs": np.abs,
    "floor": np.floor,
    "ceil": np.ceil,
    "sign": np.sign,
    "clip": np.clip,
    "exprel": _exprel,
    "int": _int,
    "rand": _rand,
    "randn": _randn,
    "logical_and": np.logical_and,
    "logical_or": np.logical_or,
    "logical_not": np.logical_not,
    "where": np.where,
    "_add_at": np.add.at,
    "_subtract_at": np.subtract.at,
    "_multiply_at": np.multiply.at,
    "_divide_at": np.divide.at,
    "_flatnonzero": np.flatnonzero,
    "_broadcast_to": np.broadcast_to,
    "_arange": np.arange,
    "pi": math.pi,
    "e": math.e,
    "inf": math.inf,
}

_UFUNC_AT = {"+=": "_add_at", "-=": "_subtract_at", "*=": "_multiply_at", "/=": "_divide_at"}


@dataclass(frozen=True)
class NumpyKernel:
    """A compiled kernel: call it with the state mapping and the element selection."""

    kernel: Kernel
    source: str
    function: Callable

    def __call__(self, namespace: Mapping[str, object], selection=ALL_ELEMENTS):
        return self.function(namespace, selection)


def _local_index_name(index_key: str) -> str:
    return "_index_" + index_key.replace(".", "_")


def numpy_kernel_source(kernel: Kernel) -> str:
    """The Python source of the kernel's function (see the module docstring)."""
    variables = kernel.variables
    lines = ["def kernel(_ns, _idx):"]
    body: list[str] = []
    size_key = f"{kernel.owner}.N"
    body.append(f"_vector_size = _ns[{size_key!r}] if _idx is _ALL else len(_idx)")

    used = set()
    for statement in kernel.statements:
        used |= statement.expr.names
        used.add(statement.target)
        if statement.condition is not None:
            used |= statement.condition.names
    if kernel.condition is not None:
        used |= kernel.condition.names
    temporaries = {s.target for s in kernel.statements if s.temporary}

    # Loads: every name the kernel touches, bound once at the top.
    index_locals: dict[str, str] = {}
    for name in sorted(used - temporaries):
        ref = variables.get(name)
        if ref is None:
            raise KeyError(f"kernel {kernel.name!r} uses {name!r}, which its table does not define")
        if ref.kind in (VariableKind.CONSTANT, VariableKind.CLOCK):
            body.append(f"{name} = _ns[{(ref.array or name)!r}]")
        elif ref.kind == VariableKind.SHARED:
            body.append(f"{name} = _ns[{ref.array!r}][0]")
        elif ref.index is None:
            body.append(f"{name} = _ns[{ref.array!r}][_idx]")
        else:
            local = index_locals.get(ref.index)
            if local is None:
                local = index_locals[ref.index] = _local_index_name(ref.index)
                body.append(f"{local} = _ns[{ref.index!r}][_idx]")
            body.append(f"{name} = _ns[{ref.array!r}][{local}]")

    written: list[str] = []
    for statement in kernel.statements:
        body.extend(_statement_lines(statement, variables.get(statement.target), index_locals))
        if not statement.temporary and statement.target not in written:
            ref = variables[statement.target]
            if ref.read_only:
                raise PermissionError(
                    f"kernel {kernel.name!r} writes to the read-only variable {statement.target!r}"
                )
            if ref.index is None:
                written.append(statement.target)

    # Stores: own arrays written back once, at the end (indexed ones were written in place).
    for name in written:
        ref = variables[name]
        if ref.kind == VariableKind.SHARED:
            body.append(f"_ns[{ref.array!r}][0] = {name}")
        else:
            body.append(f"_ns[{ref.array!r}][_idx] = {name}")

    if kernel.role == KernelRole.THRESHOLD:
        if kernel.condition is None:
            raise ValueError(f"threshold kernel {kernel.name!r} has no condition")
        body.append(f"_cond = _broadcast_to({numpy_code(kernel.condition)}, (_vector_size,))")
        body.append("return _flatnonzero(_cond) if _idx is _ALL else _idx[_cond]")
    lines.extend("    " + line for line in body)
    return "\n".join(lines) + "\n"


def _statement_lines(
    statement: Statement, ref: VariableRef | None, index_locals: Mapping[str, str]
) -> list[str]:
    target, op = statement.target, statement.op
    shared = ref is not None and ref.kind == VariableKind.SHARED and not statement.temporary
    value = numpy_code(statement.expr, scalar=shared)
    if ref is not None and ref.index is not None and not statement.temporary:
        # Several synapses may share one target element: accumulate, never overwrite.
        local_index = index_locals[ref.index]
        array = f"_ns[{ref.array!r}]"
        if statement.condition is not None:
            condition = numpy_code(statement.condition)
            mask = f"_broadcast_to({condition}, (_vector_size,))"
            index = f"{local_index}[{mask}]"
            value = f"_broadcast_to({value}, (_vector_size,))[{mask}]"
        else:
            index = local_index
        if op == "=":
            line = f"{array}[{index}] = {value}"
        else:
            line = f"{_UFUNC_AT[op]}({array}, {index}, {value})"
        return [line, f"{target} = {array}[{local_index}]"]
    if op != "=":
        value = f"{target} {op[0]} ({value})"
    if statement.condition is not None:
        value = f"where({numpy_code(statement.condition)}, {value}, {target})"
    return [f"{target} = {value}"]


def compile_numpy_kernel(
    kernel: Kernel, functions: Mapping[str, Callable] | None = None
) -> NumpyKernel:
    """Compile ``kernel``; ``functions`` adds (or overrides) callable implementations by name."""
    source = numpy_kernel_source(kernel)
    scope: dict[str, object] = {"_ALL": ALL_ELEMENTS, **NUMPY_FUNCTIONS, **(functions or {})}
    code = compile(source, f"<axonal kernel {kernel.name}>", "exec")
    exec(code, scope)  # the source was generated from checked statements, not user text
    return NumpyKernel(kernel=kernel, source=source, function=scope["kernel"])


def evaluate_expression(
    expression: Expression,
    values: Mapping[str, object],
    size: int,
    functions: Mapping[str, Callable] | None = None,
):
    """Evaluate one expression over ``size`` elements (used for initial values and indices)."""
    scope = {**NUMPY_FUNCTIONS, **(functions or {}), **values, "_vector_size": size}
    result = eval(numpy_code(expression), scope)  # generated from a checked expression
    return np.broadcast_to(result, (size,)) if np.ndim(result) == 0 else result


__all__: list[str] = []
