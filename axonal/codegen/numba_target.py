"""The Numba target: kernels, and whole network time loops, as compiled loops over elements.

Two entry points share one printer of kernel loop bodies:

- :func:`compile_numba_kernel` makes one kernel callable exactly like the NumPy target's
  ``NumpyKernel``: ``compiled(state, selection)``.
- :func:`generate_network_loop` makes ONE compiled function ``run_loop`` that runs the whole
  time loop of a network: every scheduled kernel's loop inlined in schedule order, spikes
  passed between them in event buffers, synaptic pathways through CSR connectivity and a
  ring buffer of delayed spikes, spike monitors appending to preallocated buffers.
  The schedule is a list of :class:`ScheduledItem` records (see there).

Meaning is the NumPy target's, element for element: statements run in order; a write through
an index (``ge_post += w``) accumulates over synapses sharing a target; ``condition`` limits an
assignment; a THRESHOLD kernel yields the selected elements where its condition holds. When
a kernel reads a variable that other elements of the same call write through an index (or
writes a shared variable), the element loop is split statement by statement, exactly as the
NumPy target evaluates it; otherwise all statements run in one fused loop.

Constants are never written into the source: they are arguments, so changing a parameter
value never changes the source (nor recompiles). Subexpressions over constants and ``dt`` only
(``exp(-dt/taum)``) are evaluated once per call with NumPy and passed in, so their values are
bit-identical to the NumPy target's.
"""

from __future__ import annotations

import hashlib
import inspect
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numba import njit

from axonal.codegen import kernel_cache
from axonal.codegen.numba_printer import (
    NUMBA_FUNCTION_FORMS,
    PRINTED_CODE_IMPORTS,
    RANDOM_FUNCTIONS,
    expression_dtype,
    hoist_invariants,
    numba_code,
)
from axonal.codegen.numpy_printer import numpy_code
from axonal.codegen.numpy_target import NUMPY_FUNCTIONS
from axonal.model.ir import Expression, Kernel, KernelRole, Statement, VariableKind, VariableRef

ALL_ELEMENTS = slice(None)
_NO_SELECTION = np.empty(0, dtype=np.int64)
_PER_ELEMENT = (VariableKind.ARRAY, VariableKind.INDEX)

__all__: list[str] = []  # internal room: nothing here is part of the user's namespace


class NumbaTargetError(ValueError):
    """A kernel or schedule cannot be turned into Numba code; the message says which and why."""


# ---------------------------------------------------------------------------------------------
# Parameters of a generated function


class _Arguments:
    """The generated function's parameters: state arrays, values, and hoisted invariants."""

    def __init__(self) -> None:
        self.arrays: dict[str, str] = {}  # state key -> identifier
        self.values: dict[str, str] = {}  # state key -> identifier
        self.invariants: list[tuple[str, Expression, Kernel]] = []  # identifier, expr, kernel
        self._taken: set[str] = set()

    def _identifier(self, prefix: str, key: str) -> str:
        base = prefix + re.sub(r"\W", "_", key)
        identifier, counter = base, 1
        while identifier in self._taken:
            identifier, counter = f"{base}_{counter}", counter + 1
        self._taken.add(identifier)
        return identifier

    def array(self, key: str) -> str:
        if key not in self.arrays:
            self.arrays[key] = self._identifier("a_", key)
        return self.arrays[key]

    def value(self, key: str) -> str:
        if key not in self.values:
            self.values[key] = self._identifier("c_", key)
        return self.values[key]

    def invariant(self, expression: Expression, kernel: Kernel) -> str:
        for identifier, known, owner in self.invariants:
            if known == expression and owner is kernel:
                return identifier
        identifier = f"_inv{len(self.invariants)}"
        self.invariants.append((identifier, expression, kernel))
        return identifier

    def parameters(self) -> list[str]:
        return [*self.arrays.values(), *self.values.values(), *(i for i, _, _ in self.invariants)]


def _value_key(ref: VariableRef) -> str:
    return ref.array or ref.name


def _invariants_function(
    invariants: Sequence[tuple[str, Expression, Kernel]], functions: Mapping[str, Callable]
) -> Callable[[Mapping[str, object]], tuple]:
    """A Python function computing the hoisted invariants from the state with NumPy."""
    lines = ["def invariants(_ns):"]
    results = []
    for number, (_, expression, kernel) in enumerate(invariants):
        bindings = []
        for name in sorted(expression.names):
            ref = kernel.variables[name]
            if ref.kind == VariableKind.SHARED:
                bindings.append(f"{name}=_ns[{ref.array!r}][0]")
            else:
                bindings.append(f"{name}=_ns[{_value_key(ref)!r}]")
        lines.append(f"    def _invariant_{number}({', '.join(bindings)}):")
        lines.append(f"        return {numpy_code(expression)}")
        results.append(f"_invariant_{number}()")
    lines.append(f"    return ({''.join(r + ', ' for r in results)})")
    scope: dict[str, object] = {**NUMPY_FUNCTIONS, **functions}
    exec(compile("\n".join(lines) + "\n", "<axonal invariants>", "exec"), scope)
    return scope["invariants"]


# ---------------------------------------------------------------------------------------------
# Element selections as loop code


@dataclass(frozen=True)
class _FlatSelection:
    """Elements 0..n-1 (``indices`` None) or ``indices[0:n]``; code strings."""

    n: str
    indices: str | None = None


@dataclass(frozen=True)
class _SourceSynapses:
    """The synapses (CSR rows) of the source elements ``sources[0:n_sources]``."""

    sources: str
    n_sources: str
    indptr: str
    synapse_ids: str | None


def _open_loop(selection, indent: str) -> tuple[list[str], str]:
    """Loop header lines that define ``_e`` (the element) for each selected element."""
    if isinstance(selection, _FlatSelection):
        if selection.indices is None:
            return [f"{indent}for _e in range({selection.n}):"], indent + "    "
        inner = indent + "    "
        return [
            f"{indent}for _k in range({selection.n}):",
            f"{inner}_e = {selection.indices}[_k]",
        ], inner
    rows = indent + "    "
    inner = rows + "    "
    lines = [
        f"{indent}for _q in range({selection.n_sources}):",
        f"{rows}_source = {selection.sources}[_q]",
        f"{rows}for _pos in range({selection.indptr}[_source], {selection.indptr}[_source + 1]):",
    ]
    element = "_pos" if selection.synapse_ids is None else f"{selection.synapse_ids}[_pos]"
    lines.append(f"{inner}_e = {element}")
    return lines, inner


def _flatten_selection(selection, indent: str) -> tuple[list[str], _FlatSelection]:
    """Lines materialising a nested selection as one index array (for statement-wise loops)."""
    if isinstance(selection, _FlatSelection):
        return [], selection
    counting, inner = _open_loop(selection, indent)
    lines = [f"{indent}_m = 0", *counting[:-1], f"{inner}_m += 1"]
    lines.append(f"{indent}_flat = np.empty(_m, np.int64)")
    lines.append(f"{indent}_m = 0")
    filling, inner = _open_loop(selection, indent)
    lines += [*filling, f"{inner}_flat[_m] = _e", f"{inner}_m += 1"]
    return lines, _FlatSelection("_m", "_flat")


# ---------------------------------------------------------------------------------------------
# One kernel as loop code


class _KernelCode:
    """Prints one kernel as loop code over a selection, in the NumPy target's meaning.

    ``in_time_loop`` says whether the kernel sits inside a network time loop (``t`` is the
    loop's time, shared variables may change between kernels) or is called on its own (the
    state mapping provides ``t``; only its own writes change shared variables).
    """

    def __init__(
        self,
        kernel: Kernel,
        prefix: str,
        arguments: _Arguments,
        function_forms: Mapping[str, str],
        in_time_loop: bool,
    ) -> None:
        self.kernel = kernel
        self.prefix = prefix
        self.arguments = arguments
        self.function_forms = function_forms
        self.in_time_loop = in_time_loop
        self.where = f"kernel {kernel.name!r}"
        self.temporaries = {s.target for s in kernel.statements if s.temporary}
        self._check_names()
        self.written_shared = {
            s.target
            for s in kernel.statements
            if not s.temporary and kernel.variables[s.target].kind == VariableKind.SHARED
        }
        self.statements, self.condition = self._hoisted()
        self.statement_wise = self._needs_statement_wise_loops()

    # -- analysis ---------------------------------------------------------------------------

    def _check_names(self) -> None:
        kernel = self.kernel
        if kernel.role == KernelRole.THRESHOLD and kernel.condition is None:
            raise NumbaTargetError(f"threshold kernel {kernel.name!r} has no condition")
        for statement in kernel.statements:
            names = set(statement.expr.names) | {statement.target}
            if statement.condition is not None:
                names |= statement.condition.names
            for name in sorted(names - self.temporaries):
                if name not in kernel.variables:
                    raise NumbaTargetError(
                        f"{self.where} uses {name!r} in '{statement}', "
                        "which its variables table does not define"
                    )
            if not statement.temporary:
                ref = kernel.variables[statement.target]
                if ref.read_only:
                    raise NumbaReadOnlyError(
                        f"{self.where} writes to the read-only variable {statement.target!r} "
                        f"in '{statement}'"
                    )
                if ref.kind not in (*_PER_ELEMENT, VariableKind.SHARED):
                    raise NumbaTargetError(
                        f"{self.where} assigns to {statement.target!r} in '{statement}', "
                        f"which is a {ref.kind.value}, not a stored variable"
                    )
        if kernel.condition is not None:
            for name in sorted(kernel.condition.names - self.temporaries):
                if name not in kernel.variables:
                    raise NumbaTargetError(
                        f"{self.where} uses {name!r} in its condition '{kernel.condition}', "
                        "which its variables table does not define"
                    )

    def _is_invariant_name(self, name: str) -> bool:
        ref = self.kernel.variables.get(name)
        if name in self.temporaries or ref is None:
            return False
        if ref.kind == VariableKind.CONSTANT:
            return True
        if ref.kind == VariableKind.CLOCK:
            return not self.in_time_loop or _value_key(ref) == "dt"
        if ref.kind == VariableKind.SHARED:
            return not self.in_time_loop and name not in self.written_shared
        return False

    def _hoisted(self) -> tuple[list[Statement], Expression | None]:
        def placeholder(code: str) -> str:
            return self.arguments.invariant(Expression(code), self.kernel)

        def hoist(expression: Expression | None) -> Expression | None:
            if expression is None:
                return None
            return hoist_invariants(expression, self._is_invariant_name, placeholder)

        statements = [
            Statement(s.target, s.op, hoist(s.expr), s.temporary, hoist(s.condition))
            for s in self.kernel.statements
        ]
        return statements, hoist(self.kernel.condition)

    def _needs_statement_wise_loops(self) -> bool:
        """Whether one fused element loop would differ from statement-by-statement evaluation."""
        if self.written_shared:
            return True
        variables = self.kernel.variables
        names_of: dict[str, set[str]] = {}
        for name, ref in variables.items():
            if ref.kind in _PER_ELEMENT and ref.array is not None:
                names_of.setdefault(ref.array, set()).add(name)
        read: set[str] = set()
        for statement in self.kernel.statements:
            read |= statement.expr.names
            if statement.condition is not None:
                read |= statement.condition.names
        if self.kernel.condition is not None:
            read |= self.kernel.condition.names
        for statement in self.kernel.statements:
            if statement.temporary:
                continue
            ref = variables[statement.target]
            aliases = names_of.get(ref.array, set())
            if ref.index is not None and (aliases - self.temporaries) & read:
                return True  # another element's write through the index would be visible
            if ref.index is None and len(aliases) > 1:
                return True
        return False

    # -- names ------------------------------------------------------------------------------

    def _used_names(self) -> list[str]:
        """Names of the kernel's table the (hoisted) code reads or writes."""
        used: set[str] = set()
        for statement in self.statements:
            used |= statement.expr.names | {statement.target}
            if statement.condition is not None:
                used |= statement.condition.names
        if self.condition is not None:
            used |= self.condition.names
        return sorted(used - {identifier for identifier, _, _ in self.arguments.invariants})

    def _local(self, name: str) -> str:
        return self.prefix + name

    def _index_local(self, index_key: str) -> str:
        return self.prefix + "j_" + re.sub(r"\W", "_", index_key)

    def _scalar_forms(self) -> dict[str, str]:
        """Code forms of names that are the same for every element (constants, clock, ...)."""
        forms: dict[str, str] = {}
        for identifier, _, kernel in self.arguments.invariants:
            if kernel is self.kernel:
                forms[identifier] = identifier
        for name in self._used_names():
            ref = self.kernel.variables.get(name)
            if ref is None or name in self.temporaries:
                continue
            if ref.kind == VariableKind.CONSTANT:
                forms[name] = self.arguments.value(_value_key(ref))
            elif ref.kind == VariableKind.CLOCK:
                forms[name] = self._clock_form(ref)
            elif ref.kind == VariableKind.SHARED:
                forms[name] = self._local(name)
        return forms

    def _clock_form(self, ref: VariableRef) -> str:
        key = _value_key(ref)
        if not self.in_time_loop:
            return self.arguments.value(key)
        if key in ("t", "dt"):
            return key
        raise NumbaTargetError(
            f"{self.where} reads the clock variable {key!r}; the network loop runs on one "
            "clock, whose variables are 't' and 'dt'"
        )

    def _per_element_names(self) -> list[str]:
        return [
            name
            for name in self._used_names()
            if name in self.temporaries or self.kernel.variables[name].kind in _PER_ELEMENT
        ]

    def _load_code(self, name: str) -> str:
        """The code reading a per-element variable's stored value for element ``_e``."""
        ref = self.kernel.variables[name]
        if ref.array is None:
            if ref.kind == VariableKind.INDEX:
                return "_e"
            raise NumbaTargetError(f"{self.where}: variable {name!r} has no storage array")
        array = self.arguments.array(ref.array)
        if ref.index is None:
            return f"{array}[_e]"
        return f"{array}[{self.arguments.array(ref.index)}[_e]]"

    # -- code -------------------------------------------------------------------------------

    def lines(self, selection, events: tuple[str, str] | None, indent: str) -> list[str]:
        """The kernel's code; for a THRESHOLD kernel, ``events`` = (array, count) to append to."""
        lines = [f"{indent}# {self.kernel.name} ({self.kernel.role.value})"]
        for name in self._used_names():
            ref = self.kernel.variables.get(name)
            if ref is not None and name not in self.temporaries:
                if ref.kind == VariableKind.SHARED:
                    lines.append(
                        f"{indent}{self._local(name)} = {self.arguments.array(ref.array)}[0]"
                    )
        if self.statement_wise:
            lines += self._statement_wise_lines(selection, events, indent)
        else:
            lines += self._fused_lines(selection, events, indent)
        return lines

    def _print(self, expression: Expression, forms: Mapping[str, str]) -> str:
        return numba_code(expression, forms, self.function_forms, self.where)

    def _fused_lines(self, selection, events, indent: str) -> list[str]:
        forms = self._scalar_forms()
        for name in self._per_element_names():
            forms[name] = self._local(name)
        lines, inner = _open_loop(selection, indent)
        index_locals: dict[str, str] = {}
        for name in self._per_element_names():
            if name in self.temporaries:
                continue
            ref = self.kernel.variables[name]
            if ref.index is not None and ref.index not in index_locals:
                index_locals[ref.index] = self._index_local(ref.index)
                index_array = self.arguments.array(ref.index)
                lines.append(f"{inner}{index_locals[ref.index]} = {index_array}[_e]")
            if ref.index is not None:
                load = f"{self.arguments.array(ref.array)}[{index_locals[ref.index]}]"
            else:
                load = self._load_code(name)
            lines.append(f"{inner}{forms[name]} = {load}")
        stored: list[str] = []
        for statement in self.statements:
            lines += self._statement_lines(statement, forms, index_locals, inner)
            ref = self.kernel.variables.get(statement.target)
            if not statement.temporary and ref.index is None and statement.target not in stored:
                stored.append(statement.target)
        for name in stored:
            lines.append(f"{inner}{self._load_code(name)} = {forms[name]}")
        if events is not None:
            lines += self._event_lines(self.condition, forms, events, inner)
        return lines

    def _statement_lines(
        self, statement: Statement, forms: Mapping[str, str], index_locals, indent: str
    ) -> list[str]:
        value = self._print(statement.expr, forms)
        target = forms[statement.target]
        ref = self.kernel.variables.get(statement.target)
        if not statement.temporary and ref.index is not None:
            # Several elements may share one target: accumulate in the stored array itself.
            array = self.arguments.array(ref.array)
            slot = f"{array}[{index_locals[ref.index]}]"
            write = [f"{slot} {statement.op} {value}"]
            regather = [f"{indent}{target} = {slot}"]
        else:
            if statement.op != "=":
                value = f"{target} {statement.op[0]} ({value})"
            write = [f"{target} = {value}"]
            regather = []
        if statement.condition is not None:
            condition = self._print(statement.condition, forms)
            return [f"{indent}if {condition}:", f"{indent}    {write[0]}", *regather]
        return [f"{indent}{write[0]}", *regather]

    def _event_lines(self, condition, forms, events, indent: str) -> list[str]:
        array, count = events
        return [
            f"{indent}if {self._print(condition, forms)}:",
            f"{indent}    {array}[{count}] = _e",
            f"{indent}    {count} += 1",
        ]

    def _buffer_dtypes(self) -> dict[str, str]:
        """Dtype of each per-element local, as the NumPy target's vectors would have it."""
        dtypes: dict[str, str] = {}
        for name in self._per_element_names():
            if name not in self.temporaries:
                dtypes[name] = self.kernel.variables[name].dtype
        known = {name: ref.dtype for name, ref in self.kernel.variables.items()}
        for statement in self.statements:
            current = dtypes.get(statement.target)
            result = expression_dtype(statement.expr, {**known, **dtypes})
            if statement.op != "=" and current is not None:
                joined = np.result_type(np.dtype(current), np.dtype(result))
                result = "float64" if statement.op == "/=" else str(joined)
            elif current is not None:
                result = str(np.result_type(np.dtype(current), np.dtype(result)))
            dtypes[statement.target] = result
        return {name: dtypes[name] for name in self._per_element_names()}

    def _statement_wise_lines(self, selection, events, indent: str) -> list[str]:
        """Statement-major evaluation: each statement over all elements, then the next."""
        lines, flat = _flatten_selection(selection, indent)
        dtypes = self._buffer_dtypes()
        scalar_forms = self._scalar_forms()
        forms = dict(scalar_forms)
        for name, dtype in dtypes.items():
            buffer = self.prefix + "b_" + name
            lines.append(f"{indent}{buffer} = np.empty({flat.n}, np.{np.dtype(dtype).name})")
            forms[name] = f"{buffer}[_k]"
        flat_indexed = _FlatSelection(flat.n, flat.indices)

        def element_loop() -> tuple[list[str], str]:
            if flat_indexed.indices is None:
                inner = indent + "    "
                return [f"{indent}for _k in range({flat.n}):", f"{inner}_e = _k"], inner
            return _open_loop(flat_indexed, indent)

        loaded = [name for name in dtypes if name not in self.temporaries]
        if loaded:
            loop, inner = element_loop()
            lines += loop
            lines += [f"{inner}{forms[name]} = {self._load_code(name)}" for name in loaded]
        for statement in self.statements:
            ref = self.kernel.variables.get(statement.target)
            if not statement.temporary and ref.kind == VariableKind.SHARED:
                lines += self._shared_statement_lines(statement, scalar_forms, indent)
                continue
            loop, inner = element_loop()
            lines += loop
            index_locals = {}
            if not statement.temporary and ref.index is not None:
                index_locals[ref.index] = self._index_local(ref.index)
                lines.append(
                    f"{inner}{index_locals[ref.index]} = {self.arguments.array(ref.index)}[_e]"
                )
            statement_lines = self._statement_lines(statement, forms, index_locals, inner)
            if index_locals:
                # Re-read the target only after every element has written it.
                lines += statement_lines[:-1]
                loop, inner = element_loop()
                lines += loop
                lines.append(
                    f"{inner}{forms[statement.target]} = {self._load_code(statement.target)}"
                )
            else:
                lines += statement_lines
        stored = []
        for statement in self.statements:
            ref = self.kernel.variables.get(statement.target)
            if statement.temporary or statement.target in stored:
                continue
            if ref.kind in _PER_ELEMENT and ref.index is None:
                stored.append(statement.target)
        if stored:
            loop, inner = element_loop()
            lines += loop
            lines += [f"{inner}{self._load_code(name)} = {forms[name]}" for name in stored]
        for name in sorted(self.written_shared):
            array = self.arguments.array(self.kernel.variables[name].array)
            lines.append(f"{indent}{array}[0] = {self._local(name)}")
        if events is not None:
            loop, inner = element_loop()
            lines += loop
            lines += self._event_lines(self.condition, forms, events, inner)
        return lines

    def _shared_statement_lines(self, statement: Statement, forms, indent: str) -> list[str]:
        """A shared variable's assignment, evaluated once (its value must be the same for all)."""
        names = set(statement.expr.names)
        if statement.condition is not None:
            names |= statement.condition.names
        calls = statement.expr.functions | (
            statement.condition.functions if statement.condition is not None else frozenset()
        )
        per_element = sorted(n for n in names if n not in forms)
        if per_element or calls & set(RANDOM_FUNCTIONS):
            reason = per_element or sorted(calls & set(RANDOM_FUNCTIONS))
            raise NumbaTargetError(
                f"{self.where} assigns to the shared variable {statement.target!r} in "
                f"'{statement}' a value that differs between elements ({', '.join(reason)})"
            )
        return self._statement_lines(statement, forms, {}, indent)


class NumbaReadOnlyError(NumbaTargetError, PermissionError):
    """A kernel assigns to a variable marked read-only."""


# ---------------------------------------------------------------------------------------------
# Functions the kernels may call


def _function_forms(functions: Mapping[str, Callable] | None) -> dict[str, str]:
    forms = dict(NUMBA_FUNCTION_FORMS)
    for name in functions or {}:
        forms[name] = f"user_{name}"
    return forms


def _compiled_user_functions(functions: Mapping[str, Callable] | None) -> dict[str, object]:
    from numba.core.registry import CPUDispatcher

    compiled = {}
    for name, function in (functions or {}).items():
        if not isinstance(function, CPUDispatcher):
            function = njit(function)
        compiled[f"user_{name}"] = function
    return compiled


def _function_fingerprints(functions: Mapping[str, Callable] | None) -> list[str]:
    """One line per user function identifying its code, so that a change changes the source."""
    lines = []
    for name, function in sorted((functions or {}).items()):
        python_function = getattr(function, "py_func", function)
        try:
            text = inspect.getsource(python_function)
        except (OSError, TypeError):
            code = python_function.__code__
            text = repr((code.co_code, code.co_consts, code.co_names))
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        lines.append(f"# user function {name}: {digest}")
    return lines


# ---------------------------------------------------------------------------------------------
# Step A: one kernel


@dataclass(frozen=True)
class NumbaKernel:
    """A compiled kernel: call it with the state mapping and the element selection."""

    kernel: Kernel
    source: str
    function: Callable
    array_keys: tuple[str, ...]
    value_keys: tuple[str, ...]
    invariants: Callable[[Mapping[str, object]], tuple]

    def __call__(self, namespace: Mapping[str, object], selection=ALL_ELEMENTS):
        if isinstance(selection, slice):
            size = namespace[f"{self.kernel.owner}.N"]
            if selection == ALL_ELEMENTS:
                n, use_indices, indices = size, False, _NO_SELECTION
            else:
                indices = np.arange(size)[selection]
                n, use_indices = len(indices), True
        else:
            indices = np.asarray(selection)
            if indices.dtype == bool:
                indices = np.flatnonzero(indices)
            n, use_indices = len(indices), True
        events = np.empty(n if self.kernel.role == KernelRole.THRESHOLD else 0, np.int64)
        arguments = [namespace[key] for key in self.array_keys]
        arguments += [namespace[key] for key in self.value_keys]
        arguments += self.invariants(namespace)
        count = self.function(n, use_indices, indices, events, *arguments)
        if self.kernel.role == KernelRole.THRESHOLD:
            return events[:count]
        return None


def numba_kernel_source(kernel: Kernel, functions: Mapping[str, Callable] | None = None):
    """The module source of the kernel's compiled function, and its parameters."""
    arguments = _Arguments()
    code = _KernelCode(kernel, "k_", arguments, _function_forms(functions), in_time_loop=False)
    events = ("_events", "_count") if kernel.role == KernelRole.THRESHOLD else None
    # One loop for both cases (all elements, or an index array) keeps compilation short.
    selection = _FlatSelection("_n", "(_indices if _use_indices else _all)")
    body = ["    _count = 0", "    _all = np.arange(0 if _use_indices else _n)"]
    body += [*code.lines(selection, events, "    "), "    return _count"]
    parameters = ["_n", "_use_indices", "_indices", "_events", *arguments.parameters()]
    header = [
        f'"""Generated by axonal from kernel {kernel.name!r}: do not edit."""',
        *_function_fingerprints(functions),
        PRINTED_CODE_IMPORTS,
        "",
        "@njit(cache=True, error_model='numpy')",
        f"def kernel({', '.join(parameters)}):",
    ]
    return "\n".join(header + body) + "\n", arguments


def compile_numba_kernel(
    kernel: Kernel, functions: Mapping[str, Callable] | None = None
) -> NumbaKernel:
    """Compile ``kernel``; ``functions`` adds Numba-compilable implementations by name."""
    source, arguments = numba_kernel_source(kernel, functions)
    module = kernel_cache.load_module(
        source, tag="kernel", injected=_compiled_user_functions(functions)
    )
    return NumbaKernel(
        kernel=kernel,
        source=source,
        function=module.kernel,
        array_keys=tuple(arguments.arrays),
        value_keys=tuple(arguments.values),
        invariants=_invariants_function(arguments.invariants, functions or {}),
    )


@njit(cache=True)
def _seed_numba_generator(value):
    np.random.seed(value)


def seed_numba(value: int | None = None) -> None:
    """Seed Numba's own random generator (``rand()``/``randn()`` in compiled code).

    Register it with ``axonal.network.random.register_seed_hook`` so that ``seed(n)`` reaches it.
    """
    if value is None:
        value = int(np.random.SeedSequence().generate_state(1)[0] >> 1)
    _seed_numba_generator(value)
