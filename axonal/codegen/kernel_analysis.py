"""Kernel analysis: checks a kernel's names and finds what a loop printer must know of it.

Nothing here prints code; the printers (``axonal.codegen.numba_kernel_code``) build on it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from axonal.codegen.numba_printer import (
    NUMBA_FUNCTION_FORMS,
    RANDOM_FUNCTIONS,
    expression_dtype,
    hoist_invariants,
    is_invariant,
    substitute,
)
from axonal.codegen.parameters import Arguments, value_key
from axonal.codegen.schedule import ScheduledItemError
from axonal.model.ir import Expression, Kernel, KernelRole, Statement, VariableKind

__all__: list[str] = []  # internal room: nothing here is part of the user's namespace

PER_ELEMENT = (VariableKind.ARRAY, VariableKind.INDEX)


class NumbaTargetError(ScheduledItemError):
    """A kernel or schedule cannot be turned into Numba code; the message says which and why."""


class NumbaReadOnlyError(NumbaTargetError, PermissionError):
    """A kernel assigns to a variable marked read-only."""


class KernelAnalysis:
    """What one kernel needs from a loop printer, in the NumPy target's meaning: its checked
    names, its statements with loop invariants hoisted, whether its elements may be fused,
    split between threads, or scanned in blocks.

    ``in_time_loop`` says whether the kernel sits inside a network time loop (``t`` is the
    loop's time, shared variables may change between kernels) or is called on its own (the
    state mapping provides ``t``; only its own writes change shared variables).
    """

    def __init__(
        self,
        kernel: Kernel,
        arguments: Arguments,
        function_forms: Mapping[str, str],
        in_time_loop: bool,
    ) -> None:
        self.kernel = kernel
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
                if ref.kind not in (*PER_ELEMENT, VariableKind.SHARED):
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
            return not self.in_time_loop or value_key(ref) == "dt"
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
            if ref.kind in PER_ELEMENT and ref.array is not None:
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

    def _per_element_names(self) -> list[str]:
        return [
            name
            for name in self._used_names()
            if name in self.temporaries or self.kernel.variables[name].kind in PER_ELEMENT
        ]

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
