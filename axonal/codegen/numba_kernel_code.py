"""Kernel printing: one kernel as Numba loop code over a selection of elements.

Statements run in order; a write through an index (``ge_post += w``) accumulates over
synapses sharing a target; ``condition`` limits an assignment; a THRESHOLD kernel appends the
elements where its condition holds to an event buffer. When a kernel reads a variable that
other elements of the same call write through an index (or writes a shared variable), the
element loop is split statement by statement, exactly as the NumPy target evaluates it;
otherwise all statements run in one fused loop.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np

from axonal.codegen.branch_free import branch_free_condition
from axonal.codegen.kernel_analysis import (
    PER_ELEMENT,
    KernelAnalysis,
    NumbaTargetError,
)
from axonal.codegen.loop_tree import For, If, Line, Node
from axonal.codegen.numba_printer import numba_code
from axonal.codegen.numba_selections import (
    FlatSelection,
    HitFlag,
    flatten_selection,
    open_loop,
)
from axonal.codegen.parameters import Arguments, value_key
from axonal.model.ir import Expression, Kernel, Statement, VariableKind, VariableRef

__all__: list[str] = []  # internal room: nothing here is part of the user's namespace

# Elements a threshold tests together: a block is first tested with branch-free code, which
# vectorises, and scanned for its events in element order only when one element meets the
# condition (most blocks have none: CUBA's 4000-neuron scan took 0.45x the time of one
# branching loop). Fixed, so that the compiler knows the trip count.
THRESHOLD_BLOCK = 64
# Elements per chunk of a threshold split between threads: each chunk collects its events in
# its own part of the event buffer, and the parts are joined in chunk order, so the events
# come out in ascending order whatever the number of threads. A multiple of THRESHOLD_BLOCK.
THRESHOLD_CHUNK = 64 * THRESHOLD_BLOCK


def chunk_counts_key(owner: str, event: str) -> str:
    """State key of the events each chunk of a threaded threshold found (int64, one per
    chunk): allocated with the loop's other buffers, not in the loop, because Numba compiles
    its ``np.empty`` for the first loop that calls it (0.15-0.3 s)."""
    return f"{owner}._chunk_counts_{event}"


class KernelCode(KernelAnalysis):
    """Prints one kernel as loop code over a selection; ``prefix`` keeps its locals apart
    from other kernels' in the same function."""

    def __init__(
        self,
        kernel: Kernel,
        prefix: str,
        arguments: Arguments,
        function_forms: Mapping[str, str],
        in_time_loop: bool,
    ) -> None:
        super().__init__(kernel, arguments, function_forms, in_time_loop)
        self.prefix = prefix

    def _local(self, name: str) -> str:
        return self.prefix + name

    def _index_local(self, index_key: str) -> str:
        return self.prefix + "j_" + self.arguments.array(index_key)

    def _scalar_forms(self) -> dict[str, str]:
        """Code forms of names that are the same for every element (constants, clock, ...)."""
        forms: dict[str, str] = {}
        for identifier, _, kernel in self.arguments.invariants:
            if kernel is self.kernel:
                forms[identifier] = self.arguments.use(identifier)
        for name in self._used_names():
            ref = self.kernel.variables.get(name)
            if ref is None or name in self.temporaries:
                continue
            if ref.kind == VariableKind.CONSTANT:
                forms[name] = self.arguments.value(value_key(ref), ref.dtype)
            elif ref.kind == VariableKind.CLOCK:
                forms[name] = self._clock_form(ref)
            elif ref.kind == VariableKind.SHARED:
                forms[name] = self._local(name)
        return forms

    def _clock_form(self, ref: VariableRef) -> str:
        key = value_key(ref)
        if not self.in_time_loop:
            return self.arguments.value(key, ref.dtype)
        if key in ("t", "dt"):
            return self.arguments.use(key)  # the loop's own
        raise NumbaTargetError(
            f"{self.where} reads the clock variable {key!r}; the network loop runs on one "
            "clock, whose variables are 't' and 'dt'"
        )

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

    def _shared_loads(self) -> list[Node]:
        """The kernel's comment, then shared variables read once into locals."""
        nodes: list[Node] = [Line(f"# {self.kernel.role.value}")]
        for name in self._used_names():
            ref = self.kernel.variables.get(name)
            if ref is not None and name not in self.temporaries:
                if ref.kind == VariableKind.SHARED:
                    array = self.arguments.array(ref.array)
                    nodes.append(Line(f"{self._local(name)} = {array}[0]"))
        return nodes

    def nodes(self, selection, events: tuple[str, str] | None) -> list[Node]:
        """The kernel's code; for a THRESHOLD kernel, ``events`` = (array, count) to append to."""
        nodes = self._shared_loads()
        if self.statement_wise:
            nodes += self._statement_wise_nodes(selection, events)
        else:
            nodes += self._fused_nodes(selection, events)
        return nodes

    def _print(self, expression: Expression, forms: Mapping[str, str]) -> str:
        return numba_code(expression, forms, self.function_forms, self.where)

    def _fused_nodes(self, selection, events) -> list[Node]:
        """All statements in one element loop (no element sees another's writes here)."""
        written = {s.target for s in self.statements}
        forms = self._scalar_forms()
        nodes, body = open_loop(selection)
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
                    body.append(Line(f"{index_locals[ref.index]} = {index_array}[_e]"))
            else:
                forms[name] = self._local(name)
                if not self._assigned_before_read(name):
                    body.append(Line(f"{forms[name]} = {self._load_code(name)}"))
        stored: list[str] = []
        for statement in self.statements:
            writes, _ = self._statement_nodes(statement, forms, index_locals)
            body += writes  # (the re-read of an indexed target is for statement-wise loops)
            ref = self.kernel.variables.get(statement.target)
            if not statement.temporary and ref.index is None and statement.target not in stored:
                stored.append(statement.target)
        for name in stored:
            body.append(Line(f"{self._load_code(name)} = {forms[name]}"))
        if events is not None:
            body += self._event_nodes(self.condition, forms, events)
        return nodes

    def _assigned_before_read(self, name: str) -> bool:
        """Whether the statements' first use of ``name`` is an unconditional ``=`` to it that
        does not read it: its stored value is never read, and loading it costs compile time
        (a reset's ``v = Vr``)."""
        for statement in self.statements:
            reads = statement.expr.names
            if statement.condition is not None:
                reads = reads | statement.condition.names
            if name in reads:
                return False
            if statement.target == name:
                return statement.op == "=" and statement.condition is None
        return False

    def _statement_nodes(
        self, statement: Statement, forms: Mapping[str, str], index_locals
    ) -> tuple[list[Node], list[Node]]:
        """The statement's write, and the re-read of its target where it is written through
        an index (several elements may share one target: they accumulate in the array)."""
        value = self._print(statement.expr, forms)
        target = forms[statement.target]
        ref = self.kernel.variables.get(statement.target)
        if not statement.temporary and ref.index is not None:
            array = self.arguments.array(ref.array)
            slot = f"{array}[{index_locals[ref.index]}]"
            write = f"{slot} {statement.op} {value}"
            regather = [Line(f"{target} = {slot}")]
        else:
            if statement.op != "=":
                value = f"{target} {statement.op[0]} ({value})"
            write = f"{target} = {value}"
            regather = []
        if statement.condition is not None:
            condition = self._print(statement.condition, forms)
            return [If(condition, [Line(write)])], regather
        return [Line(write)], regather

    def _event_nodes(self, condition, forms, events) -> list[Node]:
        if isinstance(events, HitFlag):
            known = {name: ref.dtype for name, ref in self.kernel.variables.items()}
            eager = branch_free_condition(condition, {**known, **self._buffer_dtypes()})
            return [Line(f"{events.flag} |= {self._print(eager, forms)}")]
        array, count = events
        appended = [Line(f"{array}[{count}] = _e"), Line(f"{count} += 1")]
        return [If(self._print(condition, forms), appended)]

    def _statement_wise_nodes(self, selection, events) -> list[Node]:
        """Statement-major evaluation: each statement over all elements, then the next."""
        nodes, flat = flatten_selection(selection)
        dtypes = self._buffer_dtypes()
        scalar_forms = self._scalar_forms()
        forms = dict(scalar_forms)
        for name, dtype in dtypes.items():
            buffer = self.prefix + "b_" + name
            nodes.append(Line(f"{buffer} = np.empty({flat.n}, np.{np.dtype(dtype).name})"))
            forms[name] = f"{buffer}[_k]"

        def element_loop() -> tuple[list[Node], list[Node]]:
            """A loop defining both the position ``_k`` (for buffers) and the element ``_e``."""
            if flat.indices is None:
                loop = For("_k", (flat.n,), [Line("_e = _k")])
                return [loop], loop.body
            return open_loop(FlatSelection(flat.n, flat.indices))

        loaded = [name for name in dtypes if name not in self.temporaries]
        if loaded:
            loop, body = element_loop()
            nodes += loop
            body += [Line(f"{forms[name]} = {self._load_code(name)}") for name in loaded]
        for statement in self.statements:
            ref = self.kernel.variables.get(statement.target)
            if not statement.temporary and ref.kind == VariableKind.SHARED:
                nodes += self._shared_statement_nodes(statement, scalar_forms)
                continue
            loop, body = element_loop()
            nodes += loop
            index_locals = {}
            if not statement.temporary and ref.index is not None:
                index_locals[ref.index] = self._index_local(ref.index)
                index_array = self.arguments.array(ref.index)
                body.append(Line(f"{index_locals[ref.index]} = {index_array}[_e]"))
            writes, _ = self._statement_nodes(statement, forms, index_locals)
            body += writes
            if index_locals:
                # Re-read the target only after every element has written it.
                loop, body = element_loop()
                nodes += loop
                body.append(
                    Line(f"{forms[statement.target]} = {self._load_code(statement.target)}")
                )
        stored = []
        for statement in self.statements:
            ref = self.kernel.variables.get(statement.target)
            if statement.temporary or statement.target in stored:
                continue
            if ref.kind in PER_ELEMENT and ref.index is None:
                stored.append(statement.target)
        if stored:
            loop, body = element_loop()
            nodes += loop
            body += [Line(f"{self._load_code(name)} = {forms[name]}") for name in stored]
        for name in sorted(self.written_shared):
            array = self.arguments.array(self.kernel.variables[name].array)
            nodes.append(Line(f"{array}[0] = {self._local(name)}"))
        if events is not None:
            loop, body = element_loop()
            nodes += loop
            body += self._event_nodes(self.condition, forms, events)
        return nodes

    def threshold_nodes(
        self, size: str, events: tuple[str, str], parallel: bool = False
    ) -> list[Node]:
        """A THRESHOLD kernel over elements 0..size-1, its events appended in ascending order
        to ``events`` = (array, count array), the count stored in ``count array[0]``.

        With ``parallel``, chunks of THRESHOLD_CHUNK elements are scanned on different threads
        (only for kernels that scan in blocks, and parallelisable ones)."""
        array, count_array = events
        if not self.scans_in_blocks():
            # The plain loop: tests each element once, in order (random draws stay in order).
            body = self.nodes(FlatSelection(size), (array, "_count"))
            return [Line("_count = 0"), *body, Line(f"{count_array}[0] = _count")]
        nodes = self._shared_loads()
        if not parallel:  # (a kernel that scans in blocks is parallelisable)
            nodes.append(Line("_count = 0"))
            nodes += self._block_scan_nodes("0", size, (array, "_count"))
            return [*nodes, Line(f"{count_array}[0] = _count")]
        p, chunk = self.prefix, THRESHOLD_CHUNK
        found = self.arguments.array(chunk_counts_key(self.kernel.owner, self.kernel.event))
        # (the chunk's end as a conditional, not min(): Numba compiles its min() for the
        # first loop that uses it, 0.05-0.08 s)
        end = f"{p}start + {chunk}"
        scan = [
            Line(f"{p}start = {p}chunk * {chunk}"),
            Line(f"{p}count = {p}start"),  # the chunk's events go to its own elements' places
            Line(f"{p}stop = {size} if {end} > {size} else {end}"),
            *self._block_scan_nodes(f"{p}start", f"{p}stop", (array, f"{p}count")),
            Line(f"{found}[{p}chunk] = {p}count - {p}start"),
        ]
        # Joined in chunk order; each part moves down (or stays), never over one unread.
        moved = Line(f"{array}[_count + _q] = {array}[{p}chunk * {chunk} + _q]")
        join = [For("_q", (f"{found}[{p}chunk]",), [moved]), Line(f"_count += {found}[{p}chunk]")]
        return [
            *nodes,
            Line(f"{p}n_chunks = ({size} + {chunk - 1}) // {chunk}"),
            For(f"{p}chunk", (f"{p}n_chunks",), scan, parallel=True),
            Line("_count = 0"),
            For(f"{p}chunk", (f"{p}n_chunks",), join),
            Line(f"{count_array}[0] = _count"),
        ]

    def _block_scan_nodes(self, start: str, stop: str, events) -> list[Node]:
        """Elements start..stop-1 tested in blocks of THRESHOLD_BLOCK (see there)."""
        p, block = self.prefix, THRESHOLD_BLOCK
        whole = f"{p}whole"
        elements = FlatSelection(f"{p}block + {block}", start=f"{p}block")
        # 3-5x faster when a chunk starts at a variable element; where the index is a value
        # of the condition, it keeps its signed type.
        tested = dataclasses.replace(elements, unsigned=not self._reads_element_index())
        blocks = [
            Line(f"{p}hit = False"),
            *self._fused_nodes(tested, HitFlag(f"{p}hit")),
            If(f"{p}hit", self._fused_nodes(elements, events)),
        ]
        return [
            Line(f"{whole} = {_whole_blocks(start, stop, block)}"),
            For(f"{p}block", (start, whole, str(block)), blocks),
            *self._fused_nodes(FlatSelection(stop, start=whole), events),
        ]

    def _shared_statement_nodes(self, statement: Statement, forms) -> list[Node]:
        """A shared variable's assignment, evaluated once (its value must be the same for all);
        rand() in it draws one number per call, as in Brian 2."""
        names = set(statement.expr.names)
        if statement.condition is not None:
            names |= statement.condition.names
        per_element = sorted(n for n in names if n not in forms)
        if per_element:
            raise NumbaTargetError(
                f"{self.where} assigns to the shared variable {statement.target!r} in "
                f"'{statement}' a value that differs between elements ({', '.join(per_element)})"
            )
        writes, regather = self._statement_nodes(statement, forms, {})
        return [*writes, *regather]


def _whole_blocks(start: str, stop: str, block: int) -> str:
    """Code for the end of the whole blocks from ``start`` to ``stop`` (shorter from 0)."""
    if start == "0":
        return f"{stop} // {block} * {block}"
    return f"{start} + ({stop} - {start}) // {block} * {block}"
