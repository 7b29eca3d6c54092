"""The Numba target: kernels, and whole network time loops, as compiled loops over elements.

Two entry points share one printer of kernel loop bodies:

- :func:`compile_numba_kernel` makes one kernel callable exactly like the NumPy target's
  ``NumpyKernel``: ``compiled(state, selection)``.
- :func:`generate_network_loop` makes ONE compiled function ``run_loop`` that runs the whole
  time loop of a network: every scheduled kernel's loop inlined in schedule order, spikes
  passed between them in event buffers, synaptic pathways through CSR connectivity and a
  ring buffer of delayed spikes, monitors appending to preallocated buffers.
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

import ast
import dataclasses
import hashlib
import inspect
import re
from collections.abc import Callable, Collection, Mapping, Sequence
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
    is_invariant,
    numba_code,
    substitute,
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
        self.value_dtypes: dict[str, str] = {}  # state key -> dtype the value is passed as
        self.invariants: list[tuple[str, Expression, Kernel]] = []  # identifier, expr, kernel
        self._taken: set[str] = set()  # invariant identifiers handed out

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
        return self.arrays[key]

    def value(self, key: str, dtype: str) -> str:
        """A scalar parameter, always passed as ``dtype`` (so its type, and the compiled
        code, stays the same whether the user wrote 3 or 3.0)."""
        if key not in self.values:
            self.values[key] = f"c_{len(self.values)}"
            self.value_dtypes[key] = dtype
        return self.values[key]

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


def _value_arguments(state: Mapping[str, object], dtypes: Mapping[str, str]) -> list:
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


def _value_key(ref: VariableRef) -> str:
    return ref.array or ref.name


def _invariants_function(
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
                else f"_ns[{_value_key(ref)!r}]"
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


# ---------------------------------------------------------------------------------------------
# Element selections as loop code


@dataclass(frozen=True)
class _FlatSelection:
    """Elements start..n-1 (``indices`` None) or ``indices[0:n]``; code strings."""

    n: str
    indices: str | None = None
    parallel: bool = False  # elements independent: prange may split them between threads
    start: str | None = None  # first element (None: 0); only without ``indices``
    # ``_e`` unsigned: indexing needs no test for negative indices (wraparound), which keeps a
    # loop from vectorising where the compiler cannot prove ``start`` >= 0.
    unsigned: bool = False


@dataclass(frozen=True)
class _HitFlag:
    """Where a threshold's loop records only WHETHER some element meets the condition:
    ``flag |= condition``, evaluated without branches so that the loop vectorises."""

    flag: str


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
            loop = "prange" if selection.parallel else "range"
            bounds = selection.n if selection.start is None else f"{selection.start}, {selection.n}"
            if selection.unsigned:
                bounds = f"np.uint64({selection.start or 0}), np.uint64({selection.n})"
            return [f"{indent}for _e in {loop}({bounds}):"], indent + "    "
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
# Threshold conditions without branches

# Elements a threshold tests together: a block is first tested with branch-free code, which
# vectorises, and scanned for its events in element order only when one element meets the
# condition (most blocks have none: CUBA's 4000-neuron scan took 0.45x the time of one
# branching loop). Fixed, so that the compiler knows the trip count.
THRESHOLD_BLOCK = 64
# Elements per chunk of a threshold split between threads: each chunk collects its events in
# its own part of the event buffer, and the parts are joined in chunk order, so the events
# come out in ascending order whatever the number of threads. A multiple of THRESHOLD_BLOCK.
THRESHOLD_CHUNK = 64 * THRESHOLD_BLOCK


class _BranchFree(ast.NodeTransformer):
    """``and``/``or`` and chained comparisons as ``&``/``|`` on booleans (no short circuit)."""

    def __init__(self, dtypes: Mapping[str, str]):
        self.dtypes = dtypes

    def boolean(self, node: ast.expr) -> ast.expr:
        """``node`` branch-free, as a boolean (``!= 0`` added where it is a number)."""
        boolean = isinstance(node, ast.BoolOp)  # made of booleans below
        dtype = "bool" if boolean else expression_dtype(Expression(ast.unparse(node)), self.dtypes)
        node = self.visit(node)
        if dtype == "bool":
            return node
        return ast.Compare(left=node, ops=[ast.NotEq()], comparators=[ast.Constant(0)])

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.expr:
        operator = ast.BitAnd() if isinstance(node.op, ast.And) else ast.BitOr()
        result = self.boolean(node.values[0])
        for value in node.values[1:]:
            result = ast.BinOp(left=result, op=operator, right=self.boolean(value))
        return result

    def visit_Compare(self, node: ast.Compare) -> ast.expr:
        node = self.generic_visit(node)
        if len(node.ops) == 1:
            return node
        operands = [node.left, *node.comparators]
        pairs = [
            ast.Compare(left=left, ops=[op], comparators=[right])
            for left, op, right in zip(operands, node.ops, operands[1:], strict=False)
        ]
        result = pairs[0]
        for pair in pairs[1:]:
            result = ast.BinOp(left=result, op=ast.BitAnd(), right=pair)
        return result

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.expr:
        if isinstance(node.op, ast.Not):
            return ast.UnaryOp(op=ast.Not(), operand=self.boolean(node.operand))
        return self.generic_visit(node)


def branch_free_condition(condition: Expression, dtypes: Mapping[str, str]) -> Expression:
    """``condition`` evaluated in full, as the NumPy target does (``logical_and`` and friends),
    so that a loop testing it has no branch; ``dtypes`` gives the dtype of each name."""
    tree = _BranchFree(dtypes).boolean(ast.parse(condition.code, mode="eval").body)
    return Expression(ast.unparse(ast.fix_missing_locations(tree)))


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
        """The statements with loop-invariant parts lifted out as parameters.

        A temporary assigned once, unconditionally, from invariant values (the exact
        integrator's ``_sub1 = exp(-dt/taum)``) is not computed per element: its expression
        takes its place in later statements, where it joins a larger invariant if it can.
        """

        def placeholder(code: str) -> str:
            return self.arguments.invariant(Expression(code), self.kernel)

        invariant_temporaries: dict[str, Expression] = {}

        def hoist(expression: Expression | None) -> Expression | None:
            if expression is None:
                return None
            expression = substitute(expression, invariant_temporaries)
            return hoist_invariants(expression, self._is_invariant_name, placeholder)

        assignments: dict[str, int] = {}
        for statement in self.kernel.statements:
            assignments[statement.target] = assignments.get(statement.target, 0) + 1
        statements = []
        for s in self.kernel.statements:
            if s.temporary and s.op == "=" and s.condition is None and assignments[s.target] == 1:
                expression = substitute(s.expr, invariant_temporaries)
                if is_invariant(expression, self._is_invariant_name):
                    invariant_temporaries[s.target] = expression
                    continue
            statements.append(
                Statement(s.target, s.op, hoist(s.expr), s.temporary, hoist(s.condition))
            )
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
        return self.prefix + "j_" + self.arguments.array(index_key)

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
                forms[name] = self.arguments.value(_value_key(ref), ref.dtype)
            elif ref.kind == VariableKind.CLOCK:
                forms[name] = self._clock_form(ref)
            elif ref.kind == VariableKind.SHARED:
                forms[name] = self._local(name)
        return forms

    def _clock_form(self, ref: VariableRef) -> str:
        key = _value_key(ref)
        if not self.in_time_loop:
            return self.arguments.value(key, ref.dtype)
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

    def _called_functions(self) -> set[str]:
        """Functions called by the (hoisted) statements, their conditions and the condition."""
        calls: set[str] = set(self.condition.functions if self.condition is not None else ())
        for statement in self.statements:
            calls |= statement.expr.functions
            if statement.condition is not None:
                calls |= statement.condition.functions
        return calls

    def parallelisable(self) -> bool:
        """Whether elements may run on different threads with unchanged results."""
        calls = self._called_functions()
        indexed_writes = any(
            not s.temporary and self.kernel.variables[s.target].index is not None
            for s in self.statements
        )
        return not (self.statement_wise or indexed_writes or calls & set(RANDOM_FUNCTIONS))

    def scans_in_blocks(self) -> bool:
        """Whether a threshold may test its elements twice, and in full (see THRESHOLD_BLOCK):
        it writes nothing but temporaries, draws no random numbers and calls no user function
        (whose side effects, or errors on arguments a short circuit would have avoided, are
        unknown)."""
        if not all(statement.temporary for statement in self.statements):
            return False
        return not self.statement_wise and all(
            name not in RANDOM_FUNCTIONS
            and self.function_forms.get(name) == NUMBA_FUNCTION_FORMS.get(name)
            for name in self._called_functions()
        )

    def _reads_element_index(self) -> bool:
        """Whether the code uses the loop's element ``_e`` itself as a value: an index variable
        without a stored array (groups store ``i``, which is read like any array)."""
        return any(
            self.kernel.variables[name].kind == VariableKind.INDEX
            and self.kernel.variables[name].array is None
            for name in self._per_element_names()
            if name not in self.temporaries
        )

    # -- code -------------------------------------------------------------------------------

    def _shared_loads(self, indent: str) -> list[str]:
        """The kernel's comment, then shared variables read once into locals."""
        lines = [f"{indent}# {self.kernel.role.value}"]
        for name in self._used_names():
            ref = self.kernel.variables.get(name)
            if ref is not None and name not in self.temporaries:
                if ref.kind == VariableKind.SHARED:
                    lines.append(
                        f"{indent}{self._local(name)} = {self.arguments.array(ref.array)}[0]"
                    )
        return lines

    def lines(self, selection, events: tuple[str, str] | None, indent: str) -> list[str]:
        """The kernel's code; for a THRESHOLD kernel, ``events`` = (array, count) to append to."""
        lines = self._shared_loads(indent)
        if self.statement_wise:
            lines += self._statement_wise_lines(selection, events, indent)
        else:
            lines += self._fused_lines(selection, events, indent)
        return lines

    def _print(self, expression: Expression, forms: Mapping[str, str]) -> str:
        return numba_code(expression, forms, self.function_forms, self.where)

    def _fused_lines(self, selection, events, indent: str) -> list[str]:
        """All statements in one element loop (no element sees another's writes here)."""
        written = {s.target for s in self.statements}
        forms = self._scalar_forms()
        lines, inner = _open_loop(selection, indent)
        index_locals: dict[str, str] = {}
        for name in self._per_element_names():
            ref = self.kernel.variables.get(name)
            if name in self.temporaries:
                forms[name] = self._local(name)
            elif name not in written:
                # Read where used: a short-circuit condition may never need it.
                forms[name] = self._load_code(name)
            elif ref.index is not None:
                # Written through the index in place; never read back in a fused loop.
                forms[name] = self._local(name)
                if ref.index not in index_locals:
                    index_locals[ref.index] = self._index_local(ref.index)
                    index_array = self.arguments.array(ref.index)
                    lines.append(f"{inner}{index_locals[ref.index]} = {index_array}[_e]")
            else:
                forms[name] = self._local(name)
                lines.append(f"{inner}{forms[name]} = {self._load_code(name)}")
        stored: list[str] = []
        for statement in self.statements:
            statement_lines = self._statement_lines(statement, forms, index_locals, inner)
            ref = self.kernel.variables.get(statement.target)
            if not statement.temporary and ref.index is not None:
                statement_lines = statement_lines[:-1]  # the re-read is for statement-wise loops
            lines += statement_lines
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
        if isinstance(events, _HitFlag):
            known = {name: ref.dtype for name, ref in self.kernel.variables.items()}
            eager = branch_free_condition(condition, {**known, **self._buffer_dtypes()})
            return [f"{indent}{events.flag} |= {self._print(eager, forms)}"]
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

        def element_loop() -> tuple[list[str], str]:
            """A loop defining both the position ``_k`` (for buffers) and the element ``_e``."""
            if flat.indices is None:
                inner = indent + "    "
                return [f"{indent}for _k in range({flat.n}):", f"{inner}_e = _k"], inner
            return _open_loop(_FlatSelection(flat.n, flat.indices), indent)

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

    def threshold_lines(
        self, size: str, events: tuple[str, str], indent: str, parallel: bool = False
    ) -> list[str]:
        """A THRESHOLD kernel over elements 0..size-1, its events appended in ascending order
        to ``events`` = (array, count array), the count stored in ``count array[0]``.

        With ``parallel``, chunks of THRESHOLD_CHUNK elements are scanned on different threads
        (only for kernels that scan in blocks, and parallelisable ones)."""
        array, count_array = events
        if not self.scans_in_blocks():
            # The plain loop: tests each element once, in order (random draws stay in order).
            body = self.lines(_FlatSelection(size), (array, "_count"), indent)
            return [f"{indent}_count = 0", *body, f"{indent}{count_array}[0] = _count"]
        lines = self._shared_loads(indent)
        if not parallel:  # (a kernel that scans in blocks is parallelisable)
            lines.append(f"{indent}_count = 0")
            lines += self._block_scan_lines("0", size, (array, "_count"), indent)
            return [*lines, f"{indent}{count_array}[0] = _count"]
        p, chunk = self.prefix, THRESHOLD_CHUNK
        inner = indent + "    "
        lines += [
            f"{indent}{p}n_chunks = ({size} + {chunk - 1}) // {chunk}",
            f"{indent}{p}found = np.empty({p}n_chunks, np.int64)",
            f"{indent}for {p}chunk in prange({p}n_chunks):",
            f"{inner}{p}start = {p}chunk * {chunk}",
            f"{inner}{p}count = {p}start",  # the chunk's events go to its own elements' places
            *self._block_scan_lines(
                f"{p}start", f"min({p}start + {chunk}, {size})", (array, f"{p}count"), inner
            ),
            f"{inner}{p}found[{p}chunk] = {p}count - {p}start",
            # Joined in chunk order; each part moves down (or stays), never over one unread.
            f"{indent}_count = 0",
            f"{indent}for {p}chunk in range({p}n_chunks):",
            f"{inner}for _q in range({p}found[{p}chunk]):",
            f"{inner}    {array}[_count + _q] = {array}[{p}chunk * {chunk} + _q]",
            f"{inner}_count += {p}found[{p}chunk]",
            f"{indent}{count_array}[0] = _count",
        ]
        return lines

    def _block_scan_lines(self, start: str, stop: str, events, indent: str) -> list[str]:
        """Elements start..stop-1 tested in blocks of THRESHOLD_BLOCK (see there)."""
        p, block = self.prefix, THRESHOLD_BLOCK
        whole, inner = f"{p}whole", indent + "    "
        elements = _FlatSelection(f"{p}block + {block}", start=f"{p}block")
        # 3-5x faster when a chunk starts at a variable element; where the index is a value
        # of the condition, it keeps its signed type.
        tested = dataclasses.replace(elements, unsigned=not self._reads_element_index())
        return [
            f"{indent}{whole} = {start} + ({stop} - {start}) // {block} * {block}",
            f"{indent}for {p}block in range({start}, {whole}, {block}):",
            f"{inner}{p}hit = False",
            *self._fused_lines(tested, _HitFlag(f"{p}hit"), inner),
            f"{inner}if {p}hit:",
            *self._fused_lines(elements, events, inner + "    "),
            *self._fused_lines(_FlatSelection(stop, start=whole), events, indent),
        ]

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
    value_dtypes: Mapping[str, str]
    invariants: Callable[[Mapping[str, object]], tuple]
    parameters: str = ""  # which state key each parameter of the source stands for

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
            elif indices.dtype.kind not in "iu" and indices.size:
                raise NumbaTargetError(
                    f"kernel {self.kernel.name!r} was given a selection of {indices.dtype} "
                    "values; expected element indices (integers) or a boolean mask"
                )
            # One index type for every call: one compiled signature.
            indices = indices.astype(np.int64, copy=False)
            n, use_indices = len(indices), True
        events = np.empty(n if self.kernel.role == KernelRole.THRESHOLD else 0, np.int64)
        arguments = [namespace[key] for key in self.array_keys]
        arguments += _value_arguments(namespace, self.value_dtypes)
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
        f'"""Generated by axonal from a {kernel.role.value} kernel: do not edit."""',
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
        value_dtypes=dict(arguments.value_dtypes),
        invariants=_invariants_function(arguments.invariants, functions or {}),
        parameters=arguments.describe(),
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


# ---------------------------------------------------------------------------------------------
# Step B: the whole network's time loop as one compiled function
#
# A schedule is a list of ScheduledItem records, run in list order on every time step. Each
# item pairs a kernel with the rule that selects its elements:
#
#   'all'                        every element of kernel.owner (size: state[f'{owner}.N'])
#   OnEvents(owner, event)       the elements of `owner` found by its THRESHOLD kernel for
#                                `event` earlier in the same time step (resets)
#   SynapsesOfEvents(pathway)    the synapses (CSR rows) of the source elements whose events
#                                arrive now through `pathway`, after its delay
#   SpikeRecording(monitor, ...) no kernel: append (index, t) of this step's events of
#                                `source` to the monitor's buffers
#   StateRecording(monitor, ...) no kernel: append t and variables at recorded indices
#   RateRecording(monitor, ...)  no kernel: append t and the fraction of elements with events
#   SpikeGeneration(owner, ...)  no kernel: events given in advance (instead of a threshold)
#
# Each item may run only every k-th step (ScheduledItem.every), counted on the absolute step.
#
# A THRESHOLD kernel (selection 'all') writes its events to state[f'{owner}._events_{event}']
# (int64, length N) and their number to state[f'{owner}._n_events_{event}'] (int64, shape (1,)),
# where Python can read the last step's events after a run.
#
# Example (CUBA; benchmarks/numba_loop.py builds it in full):
#
#   pathway = SynapticPathway("Ce.pre", source="P", indptr="Ce._indptr", synapse_ids=None)
#   loop = generate_network_loop([
#       ScheduledItem(P_state_update), ScheduledItem(P_threshold),
#       ScheduledItem(None, SpikeRecording("spikes", "P")),
#       ScheduledItem(Ce_on_pre, SynapsesOfEvents(pathway)),
#       ScheduledItem(P_reset, OnEvents("P")),
#   ])
#   loop.run(state, n_steps=10_000, t0=0.0, dt=1e-4)   # state: the run's arrays and values
#   spikes_i = state["spikes.i"][: state["spikes.n"][0]]
#
# A run that must return to Python (network_operation, progress report) is split into
# several loop.run calls: the loop's state (queued spikes, buffers) lives in ``state``.


@dataclass(frozen=True)
class OnEvents:
    """Select the elements of ``owner`` that had ``event`` in this time step."""

    owner: str
    event: str = "spike"


@dataclass(frozen=True)
class SynapticPathway:
    """Events of ``source`` reaching synapses through CSR connectivity, now or after a delay.

    ``indptr`` is the state key of the CSR row pointers (length N_source + 1): the synapses of
    source element i are at positions ``indptr[i]:indptr[i+1]``. ``synapse_ids`` is the key of
    the synapse indices in that order, or None when synapses are stored sorted by source (the
    position is the synapse index). ``delay`` is None (events arrive in the step they happen),
    or the key of the delay in time steps: one int value for all synapses, or with
    ``heterogeneous_delays`` an int array with one delay per synapse. Delayed events wait in a
    ring buffer kept in the state under ``f'{name}._queue'`` (see ``NetworkLoop.prepare``).
    """

    name: str
    source: str
    indptr: str
    synapse_ids: str | None = None
    event: str = "spike"
    delay: str | None = None
    heterogeneous_delays: bool = False


@dataclass(frozen=True)
class SynapsesOfEvents:
    """Select the synapses that the events arriving through ``pathway`` reach in this step."""

    pathway: SynapticPathway


@dataclass(frozen=True)
class SpikeRecording:
    """A spike monitor: append (index, t) of this step's ``event``s of ``source``.

    Buffers: ``f'{monitor}.i'`` (int64), ``f'{monitor}.t'`` (float64), and the number of
    entries used in ``f'{monitor}.n'`` (int64, shape (1,)). When a buffer is full, the compiled
    loop returns to Python, which grows both buffers (new arrays in the state mapping) and
    resumes at the same item of the same step.
    """

    monitor: str
    source: str
    event: str = "spike"


@dataclass(frozen=True)
class StateRecording:
    """A state monitor: append ``t`` and the current values of ``variables`` at ``indices``.

    ``variables`` are (name, state key of the array) pairs; ``indices`` is the state key of
    the recorded element indices (int array). Buffers: ``f'{monitor}.t'`` (float64),
    ``f'{monitor}.{name}'`` (one row per recorded step, one column per index, the array's
    dtype) and ``f'{monitor}.n'`` (rows used, int64, shape (1,)); grown like SpikeRecording's.
    Schedule it with ``every`` for a recording period longer than dt.
    """

    monitor: str
    variables: tuple[tuple[str, str], ...]
    indices: str


@dataclass(frozen=True)
class RateRecording:
    """A population rate monitor: append ``t`` and the fraction of ``source``'s elements that
    had ``event`` in this step (divide by dt for a rate): ``f'{monitor}.t'``,
    ``f'{monitor}.fraction'`` (float64) and ``f'{monitor}.n'``."""

    monitor: str
    source: str
    event: str = "spike"


@dataclass(frozen=True)
class SpikeGeneration:
    """Events given in advance (a spike generator): element ``indices[k]`` has ``event`` on
    the absolute step ``steps[k]``. ``steps`` and ``indices`` are state keys of int arrays
    sorted by step; the position of the next one is kept in ``f'{owner}._generator_next'``.
    Steps already past when a run starts are skipped. Stands in for a threshold kernel."""

    owner: str
    steps: str
    indices: str
    event: str = "spike"


_RECORDINGS = (SpikeRecording, StateRecording, RateRecording)
_WITHOUT_KERNEL = (*_RECORDINGS, SpikeGeneration)

Selection = (
    str | OnEvents | SynapsesOfEvents | SpikeRecording | StateRecording | RateRecording
    | SpikeGeneration
)  # fmt: skip


@dataclass(frozen=True)
class ScheduledItem:
    """One entry of a time step's schedule: a kernel and the elements it runs on."""

    kernel: Kernel | None
    selection: Selection = "all"
    every: int = 1  # run on time steps whose absolute index is a multiple of this

    def __post_init__(self) -> None:
        kernel, selection = self.kernel, self.selection
        if not isinstance(self.every, int) or self.every < 1:
            raise NumbaTargetError(
                f"scheduled item {_item_name(self)!r}: every={self.every!r} "
                "must be a whole number of time steps, at least 1"
            )
        if isinstance(selection, _WITHOUT_KERNEL):
            if kernel is not None:
                raise NumbaTargetError(
                    f"{type(selection).__name__} runs no kernel, got {kernel.name!r}"
                )
            return
        if kernel is None:
            raise NumbaTargetError(f"the scheduled selection {selection!r} needs a kernel")
        expected = {
            KernelRole.THRESHOLD: "'all'",
            KernelRole.RESET: "OnEvents",
            KernelRole.SYNAPTIC_EVENT: "SynapsesOfEvents",
        }.get(kernel.role)
        kind = "'all'" if selection == "all" else type(selection).__name__
        if selection != "all" and not isinstance(selection, OnEvents | SynapsesOfEvents):
            raise NumbaTargetError(
                f"kernel {kernel.name!r} is scheduled on {selection!r}; expected 'all', "
                "OnEvents, SynapsesOfEvents or a recording"
            )
        if expected is not None and kind != expected:
            raise NumbaTargetError(
                f"{kernel.role.value} kernel {kernel.name!r} is scheduled on {kind}; "
                f"it runs on {expected}"
            )


def event_keys(owner: str, event: str = "spike") -> tuple[str, str]:
    """State keys of an owner's event buffer and of its event count."""
    return f"{owner}._events_{event}", f"{owner}._n_events_{event}"


# Why run_loop returned: the run is complete, or Python must grow a buffer and resume.
LOOP_DONE, LOOP_MONITOR_FULL, LOOP_QUEUE_FULL = 0, 1, 2


class _LoopPrinter:
    """Prints ``run_loop`` for a schedule."""

    def __init__(
        self,
        items: Sequence[ScheduledItem],
        functions: Mapping[str, Callable] | None,
        parallel: bool | Collection[str] = False,
    ):
        self.items = list(items)
        self.parallel = parallel
        self.arguments = _Arguments()
        forms = _function_forms(functions)
        self.codes = [
            None
            if item.kernel is None
            else _KernelCode(item.kernel, f"k{number}_", self.arguments, forms, in_time_loop=True)
            for number, item in enumerate(self.items)
        ]
        self.thresholds = {}  # (owner, event) -> item number of what finds those events
        for number, item in enumerate(self.items):
            key = _detected_events(item)
            if key is None:
                continue
            if key in self.thresholds:
                raise NumbaTargetError(f"two scheduled items detect {key[1]!r} of {key[0]!r}")
            self.thresholds[key] = number

    def _events(self, owner: str, event: str, user: str) -> tuple[str, str]:
        if (owner, event) not in self.thresholds:
            raise NumbaTargetError(
                f"{user} needs the {event!r} events of {owner!r}, but no threshold kernel in "
                "the schedule detects them"
            )
        buffer, count = event_keys(owner, event)
        return self.arguments.array(buffer), self.arguments.array(count)

    def item_lines(self, number: int, indent: str) -> list[str]:
        item, code = self.items[number], self.codes[number]
        selection = item.selection
        if isinstance(selection, SpikeRecording):
            return self._recording_lines(number, selection, indent)
        if isinstance(selection, StateRecording):
            return self._state_recording_lines(number, selection, indent)
        if isinstance(selection, SpikeGeneration):
            return self._generation_lines(selection, indent)
        if isinstance(selection, RateRecording):
            return self._rate_recording_lines(number, selection, indent)
        if isinstance(selection, SynapsesOfEvents):
            return self._pathway_lines(number, code, selection.pathway, indent)
        if isinstance(selection, OnEvents):
            events, count = self._events(selection.owner, selection.event, item.kernel.name)
            return code.lines(_FlatSelection(f"{count}[0]", events), None, indent)
        size = self.arguments.value(f"{item.kernel.owner}.N", "int64")
        parallel = self._in_parallel(item.kernel.owner)
        if item.kernel.role != KernelRole.THRESHOLD:
            parallel = parallel and code.parallelisable()
            return code.lines(_FlatSelection(size, parallel=parallel), None, indent)
        events, count = event_keys(item.kernel.owner, item.kernel.event)
        events, count = self.arguments.array(events), self.arguments.array(count)
        return code.threshold_lines(size, (events, count), indent, parallel=parallel)

    def _in_parallel(self, owner: str) -> bool:
        if isinstance(self.parallel, bool):
            return self.parallel
        return owner in self.parallel

    def _recording_lines(self, number: int, recording: SpikeRecording, indent: str):
        events, count = self._events(
            recording.source, recording.event, f"spike monitor {recording.monitor!r}"
        )
        indices = self.arguments.array(f"{recording.monitor}.i")
        times = self.arguments.array(f"{recording.monitor}.t")
        used = self.arguments.array(f"{recording.monitor}.n")
        return [
            f"{indent}# spike recording",
            f"{indent}_used = {used}[0]",
            f"{indent}if _used + {count}[0] > {indices}.shape[0]:",
            f"{indent}    return {LOOP_MONITOR_FULL}, _step, {number}",
            f"{indent}for _q in range({count}[0]):",
            f"{indent}    {indices}[_used + _q] = {events}[_q]",
            f"{indent}    {times}[_used + _q] = t",
            f"{indent}{used}[0] = _used + {count}[0]",
        ]

    def _state_recording_lines(self, number: int, recording: StateRecording, indent: str):
        times = self.arguments.array(f"{recording.monitor}.t")
        used = self.arguments.array(f"{recording.monitor}.n")
        indices = self.arguments.array(recording.indices)
        lines = [
            f"{indent}# state recording",
            f"{indent}_used = {used}[0]",
            f"{indent}if _used >= {times}.shape[0]:",
            f"{indent}    return {LOOP_MONITOR_FULL}, _step, {number}",
            f"{indent}{times}[_used] = t",
            f"{indent}for _q in range({indices}.shape[0]):",
        ]
        for name, key in recording.variables:
            buffer = self.arguments.array(f"{recording.monitor}.{name}")
            source = self.arguments.array(key)
            lines.append(f"{indent}    {buffer}[_used, _q] = {source}[{indices}[_q]]")
        return [*lines, f"{indent}{used}[0] = _used + 1"]

    def _generation_lines(self, generation: SpikeGeneration, indent: str) -> list[str]:
        events, count = self._events(generation.owner, generation.event, "")
        steps = self.arguments.array(generation.steps)
        indices = self.arguments.array(generation.indices)
        following = self.arguments.array(f"{generation.owner}._generator_next")
        return [
            f"{indent}# spike generation",
            f"{indent}_count = 0",
            f"{indent}_next = {following}[0]",
            f"{indent}while _next < {steps}.shape[0] and {steps}[_next] <= step0 + _step:",
            f"{indent}    if {steps}[_next] == step0 + _step:",
            f"{indent}        {events}[_count] = {indices}[_next]",
            f"{indent}        _count += 1",
            f"{indent}    _next += 1",
            f"{indent}{following}[0] = _next",
            f"{indent}{count}[0] = _count",
        ]

    def _rate_recording_lines(self, number: int, recording: RateRecording, indent: str):
        _, count = self._events(
            recording.source, recording.event, f"rate monitor {recording.monitor!r}"
        )
        times = self.arguments.array(f"{recording.monitor}.t")
        fractions = self.arguments.array(f"{recording.monitor}.fraction")
        used = self.arguments.array(f"{recording.monitor}.n")
        size = self.arguments.value(f"{recording.source}.N", "int64")
        return [
            f"{indent}# rate recording",
            f"{indent}_used = {used}[0]",
            f"{indent}if _used >= {times}.shape[0]:",
            f"{indent}    return {LOOP_MONITOR_FULL}, _step, {number}",
            f"{indent}{times}[_used] = t",
            f"{indent}{fractions}[_used] = {count}[0] / {size}",
            f"{indent}{used}[0] = _used + 1",
        ]

    def _pathway_lines(self, number: int, code, pathway: SynapticPathway, indent: str):
        events, count = self._events(pathway.source, pathway.event, f"pathway {pathway.name!r}")
        indptr = self.arguments.array(pathway.indptr)
        ids = None if pathway.synapse_ids is None else self.arguments.array(pathway.synapse_ids)
        if pathway.delay is None:
            selection = _SourceSynapses(events, f"{count}[0]", indptr, ids)
            return code.lines(selection, None, indent)
        queue = self.arguments.array(f"{pathway.name}._queue")
        queued = self.arguments.array(f"{pathway.name}._queue_n")
        cursor = self.arguments.array(f"{pathway.name}._queue_cursor")
        lines = [
            f"{indent}# pathway: queue this step's events, take those arriving now",
            f"{indent}_slots = {queue}.shape[0]",
            f"{indent}_now = {cursor}[0]",
        ]
        if not pathway.heterogeneous_delays:
            delay = self.arguments.value(pathway.delay, "int64")
            lines += [
                f"{indent}_slot = (_now + {delay}) % _slots",
                f"{indent}for _q in range({count}[0]):",
                f"{indent}    {queue}[_slot, {queued}[_slot] + _q] = {events}[_q]",
                f"{indent}{queued}[_slot] += {count}[0]",
                f"{indent}_arrived = {queue}[_now]",
            ]
            selection = _SourceSynapses("_arrived", f"{queued}[_now]", indptr, ids)
        else:
            delays = self.arguments.array(pathway.delay)
            pushing, inner = _open_loop(_SourceSynapses(events, f"{count}[0]", indptr, ids), indent)
            lines += [
                f"{indent}_needed = 0",
                f"{indent}for _q in range({count}[0]):",
                f"{indent}    _needed += {indptr}[{events}[_q] + 1] - {indptr}[{events}[_q]]",
                f"{indent}if _needed > 0 and {queued}.max() + _needed > {queue}.shape[1]:",
                f"{indent}    return {LOOP_QUEUE_FULL}, _step, {number}",
                *pushing,
                f"{inner}_slot = (_now + {delays}[_e]) % _slots",
                f"{inner}{queue}[_slot, {queued}[_slot]] = _e",
                f"{inner}{queued}[_slot] += 1",
                f"{indent}_arrived = {queue}[_now]",
            ]
            selection = _FlatSelection(f"{queued}[_now]", "_arrived")
        lines += code.lines(selection, None, indent)
        return [*lines, f"{indent}{queued}[_now] = 0", f"{indent}{cursor}[0] = (_now + 1) % _slots"]

    def source(self, functions: Mapping[str, Callable] | None) -> str:
        # Time as the network's clock has it: the absolute step index times dt.
        body = ["    for _step in range(start_step, n_steps):", "        t = (step0 + _step) * dt"]
        body.append("        _first = start_item if _step == start_step else 0")
        parameters = ["n_steps", "dt", "step0", "start_step", "start_item"]
        threaded: list[str] = []  # functions of the kernels split between threads
        for number, item in enumerate(self.items):
            due = "" if item.every == 1 else f" and (step0 + _step) % {item.every} == 0"
            body.append(f"        if _first <= {number}{due}:")
            lines = self.item_lines(number, "            ")
            if any("prange(" in line for line in lines):
                call, function = _threaded_function(
                    f"_threaded_{number}", lines, [*parameters, "t"] + self.arguments.parameters()
                )
                body.append(f"            {call}")
                threaded += ["", function]
            else:
                body += lines
        body.append(f"    return {LOOP_DONE}, n_steps, 0")
        parameters += self.arguments.parameters()
        header = [
            '"""Generated by axonal: the time loop of a network; do not edit."""',
            *_function_fingerprints(functions),
            PRINTED_CODE_IMPORTS,
            *threaded,
            "",
            "@njit(cache=True, error_model='numpy')",
            f"def run_loop({', '.join(parameters)}):",
        ]
        return "\n".join(header + body) + "\n"


def _threaded_function(name: str, lines: list[str], names: list[str]) -> tuple[str, str]:
    """A kernel's lines as a function of its own compiled with ``parallel=True``, and the
    line calling it. Only the kernel: ``parallel=True`` on the whole loop made its serial
    parts (synaptic pathways) 1.6x slower, with or without a prange in it."""
    text = "\n".join(line[12:] for line in lines)  # item lines sit 12 spaces deep
    used = set(re.findall(r"\b[A-Za-z_]\w*\b", text))
    arguments = ", ".join(dict.fromkeys(n for n in names if n in used))
    function = [
        "@njit(cache=True, error_model='numpy', parallel=True)",
        f"def {name}({arguments}):",
        *("    " + line for line in text.split("\n")),
    ]
    return f"{name}({arguments})", "\n".join(function)


@dataclass(frozen=True)
class NetworkLoop:
    """A compiled time loop: ``loop.run(state, n_steps, t0, dt)`` advances the state.

    On each step the time is ``t = step * dt`` with ``step`` the absolute step index, as the
    network's ``Clock`` computes it (``t0`` gives the first step: ``round(t0/dt)``).

    ``state`` maps keys to arrays and values as for kernels (plus ``f'{owner}.N'`` sizes);
    ``prepare`` adds the buffers the loop needs (events, queues, monitor buffers) if missing.
    """

    items: tuple[ScheduledItem, ...]
    source: str
    function: Callable
    array_keys: tuple[str, ...]
    value_dtypes: Mapping[str, str]
    invariants: Callable[[Mapping[str, object]], tuple]
    parameters: str = ""  # which state key each parameter of the source stands for

    def prepare(self, state: dict, monitor_capacity: int = 1024) -> None:
        """Allocate missing event buffers, delay queues and monitor buffers in ``state``."""

        def allocate(key: str, shape, dtype=np.int64) -> None:
            if key not in state:  # (setdefault would allocate the zeros every time)
                state[key] = np.zeros(shape, dtype)

        for item in self.items:
            selection = item.selection
            detected = _detected_events(item)
            if detected is not None:
                events, count = event_keys(*detected)
                size = state[f"{detected[0]}.N"]
                if isinstance(selection, SpikeGeneration):  # a step may repeat an index
                    size = max(size, len(state[selection.indices]))
                    allocate(f"{selection.owner}._generator_next", 1)
                allocate(events, size)
                allocate(count, 1)
            elif isinstance(selection, _RECORDINGS):
                for key, shape, dtype in _recording_buffers(state, selection, monitor_capacity):
                    allocate(key, shape, dtype)
            elif isinstance(selection, SynapsesOfEvents) and selection.pathway.delay is not None:
                _prepare_queue(state, selection.pathway)

    def run(
        self,
        state: dict,
        n_steps: int,
        t0: float,
        dt: float,
        step0: int | None = None,
        prepare: bool = True,
    ) -> None:
        """Run ``n_steps`` steps from time ``t0``, growing buffers whenever the loop asks.

        ``step0`` is the absolute index of the first step (default ``round(t0/dt)``); step
        ``k`` of this call runs at ``t = (step0 + k) * dt``, and items scheduled ``every`` j
        steps run when ``step0 + k`` is a multiple of j. ``prepare=False`` skips
        :meth:`prepare` (checking delays goes over every synapse) for a run continued in
        stretches whose first stretch prepared the state.
        """
        if step0 is None:
            step0 = int(round(t0 / dt))
        if prepare:
            self.prepare(state)
        invariants = tuple(self.invariants({**state, "dt": dt, "t": step0 * dt}))
        step, item = 0, 0
        while True:
            arguments = [state[key] for key in self.array_keys]
            arguments += _value_arguments(state, self.value_dtypes)
            status, step, item = self.function(
                n_steps, dt, step0, step, item, *arguments, *invariants
            )
            if status == LOOP_DONE:
                return
            selection = self.items[item].selection
            if status == LOOP_MONITOR_FULL:
                _grow_monitor(state, selection)
            else:
                _grow_queue(state, selection.pathway)


def _grow(array: np.ndarray, capacity: int, axis: int = 0) -> np.ndarray:
    shape = list(array.shape)
    shape[axis] = capacity
    grown = np.zeros(shape, array.dtype)
    grown[tuple(slice(0, n) for n in array.shape)] = array
    return grown


def _item_name(item: ScheduledItem) -> str:
    if item.kernel is not None:
        return item.kernel.name
    selection = item.selection
    return getattr(selection, "monitor", None) or getattr(selection, "owner", str(selection))


def _detected_events(item: ScheduledItem) -> tuple[str, str] | None:
    """(owner, event) whose events the item finds, if it is a threshold or a generator."""
    if item.kernel is not None and item.kernel.role == KernelRole.THRESHOLD:
        return item.kernel.owner, item.kernel.event
    if isinstance(item.selection, SpikeGeneration):
        return item.selection.owner, item.selection.event
    return None


def _recording_buffers(state: Mapping[str, object], recording, capacity: int):
    """(key, shape, dtype) of each buffer a recording appends to; first axis: entries."""
    monitor = recording.monitor
    buffers = [(f"{monitor}.n", (1,), np.int64), (f"{monitor}.t", (capacity,), np.float64)]
    if isinstance(recording, SpikeRecording):
        buffers.append((f"{monitor}.i", (capacity,), np.int64))
    elif isinstance(recording, RateRecording):
        buffers.append((f"{monitor}.fraction", (capacity,), np.float64))
    else:
        n_indices = len(state[recording.indices])
        for name, key in recording.variables:
            buffers.append((f"{monitor}.{name}", (capacity, n_indices), state[key].dtype))
    return buffers


def _grow_monitor(state: dict, recording) -> None:
    used = int(state[f"{recording.monitor}.n"][0])
    needed = used + 1
    if isinstance(recording, SpikeRecording):
        needed = used + int(state[event_keys(recording.source, recording.event)[1]][0])
    for key, _, _ in _recording_buffers(state, recording, 0)[1:]:
        state[key] = _grow(state[key], max(2 * len(state[key]), needed))


def _prepare_queue(state: dict, pathway: SynapticPathway) -> None:
    delay = np.asarray(state[pathway.delay])
    expected_shape = (state[pathway.indptr][-1],) if pathway.heterogeneous_delays else ()
    if delay.shape != expected_shape or not np.all(np.mod(delay, 1) == 0) or np.any(delay < 0):
        kind = "one per synapse" if pathway.heterogeneous_delays else "one value"
        raise NumbaTargetError(
            f"pathway {pathway.name!r}: the delay {pathway.delay!r} must be whole numbers of "
            f"time steps, at least 0, {kind}; got {delay!r}"
        )
    if pathway.heterogeneous_delays and delay.dtype != np.int64:
        state[pathway.delay] = delay = delay.astype(np.int64)
    slots = int(delay.max(initial=0)) + 1
    queue_key = f"{pathway.name}._queue"
    queue = state.get(queue_key)
    if queue is not None and queue.shape[0] >= slots:
        return
    if queue is not None and state[f"{pathway.name}._queue_n"].any():
        raise NumbaTargetError(
            f"pathway {pathway.name!r}: the delay grew to {slots - 1} steps while spikes are "
            f"still queued for the old maximum of {queue.shape[0] - 1} steps"
        )
    if pathway.heterogeneous_delays:
        width = 1024 if queue is None else queue.shape[1]
    else:
        width = len(state[pathway.indptr]) - 1  # each source queues at most once per step
    state[queue_key] = np.zeros((slots, width), np.int64)
    state[f"{pathway.name}._queue_n"] = np.zeros(slots, np.int64)
    state[f"{pathway.name}._queue_cursor"] = np.zeros(1, np.int64)


def _grow_queue(state: dict, pathway: SynapticPathway) -> None:
    events, count = event_keys(pathway.source, pathway.event)
    sources = state[events][: state[count][0]]
    indptr = state[pathway.indptr]
    needed = int((indptr[sources + 1] - indptr[sources]).sum())
    queue_key = f"{pathway.name}._queue"
    queue = state[queue_key]
    capacity = max(2 * queue.shape[1], int(state[f"{pathway.name}._queue_n"].max()) + needed)
    state[queue_key] = _grow(queue, capacity, axis=1)


def generate_network_loop(
    items: Sequence[ScheduledItem],
    functions: Mapping[str, Callable] | None = None,
    parallel: bool | Collection[str] = False,
) -> NetworkLoop:
    """Compile one function that runs the whole time loop of the schedule ``items``.

    The function is ``run_loop(n_steps, dt, step0, start_step, start_item, <arrays>,
    <values>, <invariants>)``; on step ``k`` the time is ``(step0 + k)*dt``, the absolute step
    index ``step0 + k`` (for items scheduled ``every`` k steps). It returns ``(status, step,
    item)``: LOOP_DONE, or a buffer to grow before resuming at that step and item (which
    ``NetworkLoop.run`` does).

    With ``parallel`` (True, or the owners whose kernels may use threads), state updates and
    other kernels over all elements whose elements are independent (one fused loop, no random
    numbers) are split between threads (``prange``), and so are thresholds without random
    numbers, in chunks whose events are joined in order (``THRESHOLD_CHUNK``); the results
    are the serial loop's, whatever the number of threads.
    """
    printer = _LoopPrinter(items, functions, parallel)
    source = printer.source(functions)
    module = kernel_cache.load_module(
        source, tag="loop", injected=_compiled_user_functions(functions)
    )
    arguments = printer.arguments
    return NetworkLoop(
        items=tuple(items),
        source=source,
        function=module.run_loop,
        array_keys=tuple(arguments.arrays),
        value_dtypes=dict(arguments.value_dtypes),
        invariants=_invariants_function(arguments.invariants, functions or {}),
        parameters=arguments.describe(),
    )
