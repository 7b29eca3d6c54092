"""Element selections as Numba loop headers: which elements ``_e`` a kernel's loop visits."""

from __future__ import annotations

from dataclasses import dataclass

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


def open_loop(selection, indent: str) -> tuple[list[str], str]:
    """Loop header lines that define ``_e`` (the element) for each selected element."""
    if isinstance(selection, FlatSelection):
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


def flatten_selection(selection, indent: str) -> tuple[list[str], FlatSelection]:
    """Lines materialising a nested selection as one index array (for statement-wise loops)."""
    if isinstance(selection, FlatSelection):
        return [], selection
    counting, inner = open_loop(selection, indent)
    lines = [f"{indent}_m = 0", *counting[:-1], f"{inner}_m += 1"]
    lines.append(f"{indent}_flat = np.empty(_m, np.int64)")
    lines.append(f"{indent}_m = 0")
    filling, inner = open_loop(selection, indent)
    lines += [*filling, f"{inner}_flat[_m] = _e", f"{inner}_m += 1"]
    return lines, FlatSelection("_m", "_flat")
