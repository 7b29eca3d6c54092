"""Element selections as Numba loop headers: which elements ``_e`` a kernel's loop visits."""

from __future__ import annotations

from dataclasses import dataclass

from axonal.codegen.loop_tree import For, Line, Node

__all__: list[str] = []  # internal room: nothing here is part of the user's namespace


@dataclass(frozen=True)
class FlatSelection:
    """Elements start..n-1 (``indices`` None) or ``indices[0:n]``; code strings."""

    n: str
    indices: str | None = None
    parallel: bool = False  # elements independent: prange may split them between threads
    start: str | None = None  # first element (None: 0); only without ``indices``
    # ``_e`` unsigned: indexing needs no test for negative indices (wraparound), which keeps a
    # loop from vectorising where the compiler cannot prove ``start`` >= 0.
    unsigned: bool = False


@dataclass(frozen=True)
class HitFlag:
    """Where a threshold's loop records only WHETHER some element meets the condition:
    ``flag |= condition``, evaluated without branches so that the loop vectorises."""

    flag: str


@dataclass(frozen=True)
class SourceSynapses:
    """The synapses (CSR rows) of the source elements ``sources[0:n_sources]``."""

    sources: str
    n_sources: str
    indptr: str
    synapse_ids: str | None


def open_loop(selection, element: bool = True) -> tuple[list[Node], list[Node]]:
    """Loop nodes visiting each selected element, and the innermost body to add code to, where
    ``_e`` is the element (unless ``element`` is False: only the loops, for counting)."""
    if isinstance(selection, FlatSelection):
        if selection.indices is None:
            bounds = (selection.n,) if selection.start is None else (selection.start, selection.n)
            if selection.unsigned:
                bounds = (f"np.uint64({selection.start or 0})", f"np.uint64({selection.n})")
            loop = For("_e", bounds, parallel=selection.parallel)
            return [loop], loop.body
        loop = For("_k", (selection.n,))
        if element:
            loop.body.append(Line(f"_e = {selection.indices}[_k]"))
        return [loop], loop.body
    indptr = selection.indptr
    synapses = For("_pos", (f"{indptr}[_source]", f"{indptr}[_source + 1]"))
    if element:
        ids = selection.synapse_ids
        synapses.body.append(Line(f"_e = {'_pos' if ids is None else f'{ids}[_pos]'}"))
    rows = For("_q", (selection.n_sources,), [Line(f"_source = {selection.sources}[_q]"), synapses])
    return [rows], synapses.body


def flatten_selection(selection) -> tuple[list[Node], FlatSelection]:
    """Nodes materialising a nested selection as one index array (for statement-wise loops)."""
    if isinstance(selection, FlatSelection):
        return [], selection
    counting, body = open_loop(selection, element=False)
    body.append(Line("_m += 1"))
    filling, body = open_loop(selection)
    body += [Line("_flat[_m] = _e"), Line("_m += 1")]
    nodes = [Line("_m = 0"), *counting, Line("_flat = np.empty(_m, np.int64)"), Line("_m = 0")]
    return [*nodes, *filling], FlatSelection("_m", "_flat")
