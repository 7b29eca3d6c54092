"""Pairs to connect: all-to-all, by condition and probability, by generator, without a Python loop.

Every function here returns two int32 index arrays (pre, post), relative to the source and
target groups, and evaluates expressions through ``evaluate(expression, pre, post)``, which the
Synapses object supplies (it knows the variables and the namespace). Nothing is connected
here: the caller checks the pairs and then adds them in one step. Temporaries are made a piece
at a time, so that connecting needs little more memory than the synapses themselves.
"""

from __future__ import annotations

import ast
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from axonal.model.dependencies import substitute_names
from axonal.model.ir import Expression
from axonal.synapses.connectivity import rank_in_runs
from axonal.synapses.index_equality import index_equality, pairs_by_index_equality
from axonal.units.dimension import DIMENSIONLESS
from axonal.units.quantity import get_dimensions

# Pairs evaluated at once when a condition must be checked for every pair: a few arrays of this
# many 8-byte values live at a time, 8 MB each.
CHUNK_PAIRS = 1 << 20
# Draws made at once when connecting sparsely: their temporaries (0.5 MB an array) stay far
# below the synapses' own arrays (larger pieces were no faster).
SAMPLE_CHUNK = 1 << 16

PairEvaluator = Callable[[Expression, np.ndarray, np.ndarray], np.ndarray]


class SynapseConnectionError(ValueError):
    """A connect() call that cannot be carried out; the message names the synapses."""


class SynapseMemoryError(SynapseConnectionError, MemoryError):
    """The synapses a connect() call would create do not fit in the memory left."""


# Bytes per synapse beyond the stored variables while connecting: the int32 (pre, post) pair
# that is generated, and the copy the arrays make while they grow.
CONNECT_TEMPORARY_BYTES = 16


def available_memory() -> int | None:
    """Bytes the system can still hand out (MemAvailable), or None when it cannot tell."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _in_bytes(count: float) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= size:
            return f"{count / size:.1f} {unit}"
    return f"{count:.0f} bytes"


@dataclass(frozen=True)
class SynapseBudget:
    """What the synapses of one connect() call may cost, checked before the arrays are made.

    ``bytes_per_synapse`` is what the Synapses object stores per synapse (indices and
    variables); ``existing`` synapses are copied once when the arrays grow; ``copies`` is the
    number of synapses per connected pair (``n=``).
    """

    owner: str
    bytes_per_synapse: int
    existing: int = 0
    copies: int = 1

    def check(self, pairs: float, how: str) -> None:
        """Refuse, naming the synapses, when ``pairs`` pairs cannot fit in the memory left."""
        synapses = float(pairs) * self.copies
        need = (
            synapses * (self.bytes_per_synapse + CONNECT_TEMPORARY_BYTES)
            + self.existing * self.bytes_per_synapse
        )
        available = available_memory()
        if available is not None and need > available:
            raise SynapseMemoryError(
                f"{self.owner}: connect() would create {how} {synapses:.4g} synapses, "
                f"{self.bytes_per_synapse} bytes each, needing about {_in_bytes(need)} while "
                f"{_in_bytes(available)} of memory is available; connect fewer pairs (a smaller "
                "p, a condition) or fewer neurons"
            )


def check_probabilities(values, expression: Expression, pre, post, owner: str) -> None:
    """Refuse probabilities below 0 or NaN computed from ``expression``, naming a pair; above 1
    only when the expression is the same for every pair (``p='1.5'``: a mistake). A p that
    varies from pair to pair may exceed 1 where it peaks (Brian 2's spatial_connections example
    uses ``1.5 * exp(-d**2 / ...)``): those pairs connect with certainty, as in Brian 2, and a
    warning says so once."""
    values = np.broadcast_to(np.asarray(values, dtype=float), np.shape(pre))
    varies = not _same_for_all_pairs(expression, "j")
    allowed = (values >= 0) & ((values <= 1) | (varies & (values > 1)))
    bad = np.flatnonzero(~allowed)
    if len(bad):
        k = bad[0]
        raise SynapseConnectionError(
            f"{owner}: the connection probability p={expression.code!r} is {values[k]:g} "
            f"for i={int(pre[k])}, j={int(post[k])}; a probability must lie between 0 and 1"
        )
    above = np.flatnonzero(values > 1)
    if len(above) and expression.code not in _warned_above_one:
        _warned_above_one.add(expression.code)
        k = above[0]
        warnings.warn(
            f"{owner}: the connection probability p={expression.code!r} is {values[k]:g} for "
            f"i={int(pre[k])}, j={int(post[k])} (above 1): such pairs are connected with "
            "certainty, as in Brian 2",
            stacklevel=4,
        )


_warned_above_one: set[str] = set()


def as_indices(values, what: str, owner: str) -> np.ndarray:
    """``values`` as int64 indices; fractional, non-finite or non-numeric values refused
    (``i=1.7`` must not quietly become 1)."""
    array = np.asarray(values)
    if array.dtype.kind in "iu":
        return array.astype(np.int64)
    if array.dtype.kind != "f" or get_dimensions(values) is not DIMENSIONLESS:
        raise SynapseConnectionError(f"{owner}: {what} must be integer indices, not {values!r}")
    whole = np.isfinite(array) & (array == np.floor(array))
    if not np.all(whole):
        bad = float(array[~whole].ravel()[0])
        raise SynapseConnectionError(
            f"{owner}: {what} must be integer indices; {bad:g} is not a whole number"
        )
    return array.astype(np.int64)


def index_dtype(low: int, high: int) -> type:
    """int32 when every value in [low, high] fits (half the memory), else int64."""
    info = np.iinfo(np.int32)
    return np.int32 if info.min <= low and high <= info.max else np.int64


def sparse_sample(
    starts: np.ndarray, lengths: np.ndarray, p: float, budget: SynapseBudget | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """For each row r, each of ``lengths[r]`` candidates from ``starts[r]`` on, with chance p.

    Returns (row, candidate) pairs, sorted by row and then candidate; rows are int32 and
    candidates int32 when they fit. Draws the number per row from the binomial distribution,
    then that many distinct candidates uniformly, so the cost follows the number of pairs made,
    not the number of candidates. Each row's pairs go straight to their final place (the
    counts say where), a piece of rows at a time, with the random numbers drawn in the order
    one piece would draw them: no temporary grows with the number of pairs. ``budget``
    refuses the call before any array of pairs is made when they would not fit in memory.
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    starts = np.asarray(starts, dtype=np.int64)
    if p >= 0.25:
        if budget is not None:
            budget.check(float(lengths.sum()) * p, "about")
        return _dense_sample(starts, lengths, p)
    counts = np.random.binomial(lengths, p)
    if budget is not None:
        budget.check(int(counts.sum()), "exactly")
    begins = np.cumsum(counts) - counts
    width = int(lengths.max()) + 1 if len(lengths) else 1
    low, high = int(starts.min(initial=0)), int((starts + lengths).max(initial=0))
    rows = np.empty(int(counts.sum()), np.int32)
    candidates = np.empty(len(rows), index_dtype(low, high))

    def place(keys: np.ndarray, row_of: np.ndarray) -> np.ndarray:
        """Write sorted distinct keys (local row * width + offset) to their rows' places;
        the number found for each local row."""
        local, offsets = np.divmod(keys, width)
        found = np.bincount(local, minlength=len(row_of))
        row = row_of[local]
        candidates[begins[row] + rank_in_runs(found)] = starts[row] + offsets
        return found

    held = np.zeros(len(lengths), np.int64)  # distinct candidates of the first draws per row
    bounds = row_chunks(counts, SAMPLE_CHUNK)
    for first, stop in zip(bounds[:-1], bounds[1:], strict=True):
        local_rows = np.repeat(np.arange(stop - first), counts[first:stop])
        rows[begins[first] : begins[first] + len(local_rows)] = local_rows + first
        offsets = _draw_offsets(lengths[first:stop], local_rows)
        held[first:stop] = place(_unique(local_rows * width + offsets), np.arange(first, stop))
    # Draws with replacement can repeat a candidate: draw again for all rows that lost one
    # (in row order, as before) until every row has its count. The new distinct candidates
    # are few (a row of k draws from n repeats about k*k/2n): they are kept apart, as row *
    # width + offset keys, and merged into their rows once at the end, so that each round
    # costs in proportion to its draws, not to the pairs held.
    extras = np.zeros(0, np.int64)  # sorted keys of the redrawn distinct candidates
    have = held.copy()
    while np.any(missing := counts - have):
        extra_rows = np.repeat(np.arange(len(lengths)), missing)
        keys = _unique(extra_rows * width + _draw_offsets(lengths, extra_rows))
        key_rows, key_offsets = np.divmod(keys, width)
        new = ~_in_sorted_runs(candidates, begins, held, key_rows, starts[key_rows] + key_offsets)
        new &= ~_in_sorted(extras, keys)
        keys = keys[new]
        have += np.bincount(key_rows[new], minlength=len(lengths))
        extras = np.sort(np.concatenate([extras, keys]))
    extra_rows = extras // width
    merged = np.flatnonzero(np.bincount(extra_rows, minlength=len(lengths)))
    bounds = row_chunks(counts[merged], SAMPLE_CHUNK)
    for first, stop in zip(bounds[:-1], bounds[1:], strict=True):
        rows_here = merged[first:stop]
        local = np.repeat(np.arange(len(rows_here)), held[rows_here])
        kept = candidates[ranges(begins[rows_here], held[rows_here])] - starts[rows_here][local]
        mine = slice(
            np.searchsorted(extra_rows, rows_here[0]),
            np.searchsorted(extra_rows, rows_here[-1], side="right"),
        )
        added = np.searchsorted(rows_here, extra_rows[mine]) * width + extras[mine] % width
        place(np.sort(np.concatenate([local * width + kept, added])), rows_here)
    return rows, candidates


def ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The positions ``starts[k] .. starts[k] + lengths[k] - 1`` for each k, one after another."""
    return np.repeat(starts, lengths) + rank_in_runs(lengths)


def _in_sorted(values: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Whether each key occurs in the sorted array ``values``."""
    if not len(values):
        return np.zeros(len(keys), bool)
    at = np.minimum(np.searchsorted(values, keys), len(values) - 1)
    return values[at] == keys


def _in_sorted_runs(array, begins, lengths, runs, keys) -> np.ndarray:
    """Whether ``keys[k]`` occurs in ``array[begins[r] : begins[r] + lengths[r]]`` for
    ``r = runs[k]``, each such run sorted: a binary search of all keys at once."""
    low = begins[runs].copy()
    high = low + lengths[runs]
    while np.any(searching := low < high):
        middle = (low + high) // 2
        below = searching & (array[np.minimum(middle, len(array) - 1)] < keys)
        low = np.where(below, middle + 1, low)
        high = np.where(searching & ~below, middle, high)
    found = low < begins[runs] + lengths[runs]
    found[found] = array[low[found]] == keys[found]
    return found


def _draw_offsets(lengths: np.ndarray, rows: np.ndarray) -> np.ndarray:
    return np.floor(np.random.random(len(rows)) * lengths[rows]).astype(np.int64)


def row_chunks(weights: np.ndarray, limit: int) -> np.ndarray:
    """Boundaries splitting rows into consecutive pieces of at most ``limit`` total weight
    (a heavier row is a piece of its own): [0, b1, ..., len(weights)]."""
    ends = np.cumsum(weights)
    bounds = [0]
    while bounds[-1] < len(weights):
        first = bounds[-1]
        before = int(ends[first - 1]) if first else 0
        stop = int(np.searchsorted(ends, before + limit, side="right"))
        bounds.append(max(stop, first + 1))
    return np.array(bounds, dtype=np.int64)


def _unique(values: np.ndarray) -> np.ndarray:
    # np.unique's hash-based path is pathologically slow on these keys (numpy 2.4): sort instead.
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if len(values) else values


def _dense_sample(starts, lengths, p) -> tuple[np.ndarray, np.ndarray]:
    rows_out, candidates_out = [], []
    dtype = index_dtype(int(starts.min(initial=0)), int((starts + lengths).max(initial=0)))
    for rows, offsets in _chunked_ranges(lengths):
        keep = np.random.random(len(rows)) < p
        kept = rows[keep]
        rows_out.append(kept.astype(np.int32))
        candidates_out.append((starts[kept] + offsets[keep]).astype(dtype))
    return _concat(rows_out, np.int32), _concat(candidates_out, dtype)


def _chunked_ranges(lengths: np.ndarray):
    """Yields (row, offset) arrays enumerating range(lengths[r]) for each row, in chunks."""
    lengths = np.asarray(lengths, dtype=np.int64)
    bounds = row_chunks(lengths, CHUNK_PAIRS)
    for first, stop in zip(bounds[:-1], bounds[1:], strict=True):
        chunk = lengths[first:stop]
        yield np.repeat(np.arange(first, stop), chunk), rank_in_runs(chunk)


def _concat(arrays: list[np.ndarray], dtype=np.int64) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.zeros(0, dtype=dtype)


def pairs_by_condition(
    n_pre: int,
    n_post: int,
    condition: Expression | None,
    p: float | Expression,
    evaluate: PairEvaluator,
    pre_only: bool,
    owner: str = "synapses",
    budget: SynapseBudget | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """All (i, j) for which ``condition`` holds, each kept with probability ``p``.

    ``pre_only`` says the condition depends on the presynaptic side alone (``'i < 3200'``):
    it is then evaluated once per source neuron, and a constant ``p`` is sampled sparsely.
    A probability given as an expression is checked (0..1) where it is evaluated; ``budget``
    refuses, before the pairs are made or as soon as they outgrow it, what cannot fit.
    """
    all_pre = np.arange(n_pre)
    if condition is None or pre_only:
        if condition is None:
            rows = all_pre
        else:
            mask = np.broadcast_to(
                evaluate(condition, all_pre, np.zeros(n_pre, np.int64)), (n_pre,)
            )
            rows = all_pre[mask.astype(bool)]
        if not isinstance(p, Expression):
            rows = rows.astype(np.int32)
            if p == 1:
                if budget is not None:
                    budget.check(len(rows) * n_post, "exactly")
                targets = np.arange(n_post, dtype=np.int32)
                return np.repeat(rows, n_post), np.tile(targets, len(rows))
            found_rows, post = sparse_sample(
                np.zeros(len(rows), np.int64), np.full(len(rows), n_post), p, budget
            )
            return (found_rows if condition is None else rows[found_rows]), post
        condition = None
    else:
        rows = all_pre
        equality = index_equality(condition)
        if equality is not None:  # 'i == k_post': one candidate per neuron, not every pair
            pre, post = pairs_by_index_equality(n_pre, n_post, equality, evaluate)
            keep = _drawn(pre, post, np.ones(len(pre), dtype=bool), p, evaluate, owner)
            if budget is not None:
                budget.check(int(keep.sum()), "exactly")
            return pre[keep].astype(np.int32), post[keep].astype(np.int32)
    pre_out, post_out = [], []
    candidates, seen, kept = len(rows) * n_post, 0, 0
    for row_index, post in _chunked_ranges(np.full(len(rows), n_post)):
        pre = rows[row_index]
        keep = np.ones(len(pre), dtype=bool)
        if condition is not None:
            keep &= np.broadcast_to(evaluate(condition, pre, post), keep.shape).astype(bool)
        keep = _drawn(pre, post, keep, p, evaluate, owner)
        pre_out.append(pre[keep].astype(np.int32))
        post_out.append(post[keep].astype(np.int32))
        seen, kept = seen + len(pre), kept + len(pre_out[-1])
        if budget is not None:
            # What is held so far must fit; once a quarter of the pairs has been seen, so
            # must the total that the pairs seen so far extrapolate to.
            budget.check(kept, "at least")
            if seen * 4 >= candidates:
                budget.check(kept * candidates / seen, "about")
    return _concat(pre_out, np.int32), _concat(post_out, np.int32)


def _drawn(pre, post, keep, p: float | Expression, evaluate, owner: str) -> np.ndarray:
    """``keep`` narrowed to the pairs drawn with probability ``p`` (an expression is drawn
    for the kept pairs only, a constant for every pair)."""
    if isinstance(p, Expression):
        pre_kept, post_kept = pre[keep], post[keep]
        probability = np.broadcast_to(evaluate(p, pre_kept, post_kept), (len(pre_kept),))
        check_probabilities(probability, p, pre_kept, post_kept, owner)
        chosen = np.random.random(len(probability)) < probability
        keep[np.flatnonzero(keep)[~chosen]] = False
    elif p < 1:
        keep &= np.random.random(len(pre)) < p
    return keep


@dataclass(frozen=True)
class Generator:
    """``j='k for k in range(a, b, step) if cond'`` or ``... in sample(a, b, p=...)``."""

    variable: str
    element: Expression
    low: Expression
    high: Expression
    step: Expression
    p: Expression | None
    condition: Expression | None
    size: Expression | None = None  # sample(N, size=k): k distinct values per neuron


def _conditional_without_else(text: str) -> tuple[str, str] | None:
    """(value, condition) of Brian 2's ``'value if condition'`` (no for, no else), or None."""
    try:
        ast.parse(f"({text.strip()})", mode="eval")
        return None  # a complete Python expression (or generator)
    except SyntaxError:
        pass
    value, found, condition = text.partition(" if ")
    if not found or " for " in text or " else " in condition:
        return None
    try:
        ast.parse(f"({value})", mode="eval")
        ast.parse(f"({condition})", mode="eval")
    except SyntaxError:
        return None
    return value.strip(), condition.strip()


def parse_generator(text: str, owner: str) -> Generator | None:
    """The generator in ``text``, or None when ``text`` is a plain expression like ``'i'``."""
    conditional = _conditional_without_else(text)
    if conditional is not None:  # 'i if i < N': the value where the condition holds
        element, condition = conditional
        return Generator(
            variable="_",
            element=Expression(element),
            low=Expression("0"),
            high=Expression("1"),
            step=Expression("1"),
            p=None,
            condition=Expression(condition),
        )
    try:
        tree = ast.parse(f"({text.strip()})", mode="eval").body
    except SyntaxError as error:
        raise SynapseConnectionError(f"{owner}: cannot parse {text!r}: {error.msg}") from None
    if not isinstance(tree, ast.GeneratorExp):
        return None
    if len(tree.generators) != 1:
        raise SynapseConnectionError(f"{owner}: {text!r}: only one 'for' is allowed")
    loop = tree.generators[0]
    if not isinstance(loop.target, ast.Name):
        raise SynapseConnectionError(
            f"{owner}: {text!r}: loop over a single name, e.g. 'k for k in ...'"
        )
    call = loop.iter
    if not (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id in ("range", "sample")
    ):
        raise SynapseConnectionError(f"{owner}: {text!r}: iterate over range(...) or sample(...)")
    args = [ast.unparse(a) for a in call.args]
    keywords = {k.arg: ast.unparse(k.value) for k in call.keywords}
    p = keywords.pop("p", None)
    size = keywords.pop("size", None)
    if call.func.id == "range" and (p is not None or size is not None):
        raise SynapseConnectionError(f"{owner}: {text!r}: range() takes no p=; use sample()")
    if call.func.id == "sample" and (p is None) == (size is None):
        raise SynapseConnectionError(
            f"{owner}: {text!r}: sample() needs either p= (a probability) or size= (a number)"
        )
    if keywords or not 1 <= len(args) <= 3:
        raise SynapseConnectionError(f"{owner}: {text!r}: give 1 to 3 positional arguments")
    low, high, step = (
        ("0", args[0], "1") if len(args) == 1 else (*args[:2], args[2] if len(args) == 3 else "1")
    )
    condition = None
    if loop.ifs:
        condition = Expression(" and ".join(f"({ast.unparse(c)})" for c in loop.ifs))
    return Generator(
        variable=loop.target.id,
        element=Expression(ast.unparse(tree.elt)),
        low=Expression(low),
        high=Expression(high),
        step=Expression(step),
        p=Expression(p) if p is not None else None,
        condition=condition,
        size=Expression(size) if size is not None else None,
    )


def pairs_by_generator(
    generator: Generator,
    n_pre: int,
    n_post: int,
    evaluate: PairEvaluator,
    skip_if_invalid: bool,
    owner: str,
    over_pre: bool = True,
    budget: SynapseBudget | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs from a generator (see :class:`Generator`): for each source neuron ``i`` the
    targets it yields (``j='...'``), or with ``over_pre=False`` for each target neuron ``j``
    the sources it yields (``i='...'``)."""
    n_outer, n_inner = (n_pre, n_post) if over_pre else (n_post, n_pre)
    inner_name = "j" if over_pre else "i"
    outer = np.arange(n_outer)

    def evaluate_pairs(expression: Expression, outer_values, inner_values) -> np.ndarray:
        expression = _rename(expression, generator.variable, inner_name)
        if over_pre:
            return evaluate(expression, outer_values, inner_values)
        return evaluate(expression, inner_values, outer_values)

    def per_outer(expression: Expression) -> np.ndarray:
        values = evaluate_pairs(expression, outer, np.zeros(n_outer, dtype=np.int64))
        values = np.broadcast_to(values, (n_outer,))
        return as_indices(values, f"the bounds of range() in {expression.code!r}", owner)

    low, high, step = (per_outer(e) for e in (generator.low, generator.high, generator.step))
    if np.any(step == 0):
        raise SynapseConnectionError(f"{owner}: the step of range() must not be 0")
    lengths = np.maximum(0, -((low - high) // step))
    p_constant = None
    if generator.p is not None and _same_for_all_pairs(generator.p, generator.variable):
        one = np.zeros(1, dtype=np.int64)
        p_constant = float(np.asarray(evaluate_pairs(generator.p, one, one)).ravel()[0])
        check_probabilities(p_constant, generator.p, one, one, owner)
    if generator.size is not None:
        outer_index, values = _fixed_size_sample(
            low, lengths, step, per_outer(generator.size), owner
        )
        if generator.condition is not None:
            rows64, values64 = outer_index.astype(np.int64), values.astype(np.int64)
            keep = evaluate_pairs(generator.condition, rows64, values64)
            keep = np.broadcast_to(keep, outer_index.shape).astype(bool)
            outer_index, values = outer_index[keep], values[keep]
    elif p_constant is not None and np.all(step == 1):
        # Sampled: the cost follows the pairs made, not the candidates (then the if, if any).
        outer_index, values = sparse_sample(low, lengths, p_constant, budget)
        if generator.condition is not None:
            rows64, values64 = outer_index.astype(np.int64), values.astype(np.int64)
            keep = evaluate_pairs(generator.condition, rows64, values64)
            keep = np.broadcast_to(keep, outer_index.shape).astype(bool)
            outer_index, values = outer_index[keep], values[keep]
    else:
        outer_parts, value_parts = [], []
        for rows, offsets in _chunked_ranges(lengths):
            values = low[rows] + offsets * step[rows]
            keep = np.ones(len(rows), dtype=bool)
            if generator.condition is not None:
                condition = evaluate_pairs(generator.condition, rows, values)
                keep &= np.broadcast_to(condition, keep.shape).astype(bool)
            if generator.p is not None:
                probability = np.broadcast_to(evaluate_pairs(generator.p, rows, values), keep.shape)
                pre, post = (rows, values) if over_pre else (values, rows)
                check_probabilities(probability, generator.p, pre, post, owner)
                keep &= np.random.random(len(rows)) < probability
            outer_parts.append(rows[keep].astype(np.int32))
            value_parts.append(values[keep])
        outer_index, values = _concat(outer_parts, np.int32), _concat(value_parts)
    if generator.element.code.strip() == generator.variable:
        inner = values
    else:
        element = evaluate_pairs(
            generator.element, outer_index.astype(np.int64), values.astype(np.int64)
        )
        inner = as_indices(
            np.broadcast_to(element, outer_index.shape),
            f"the indices {generator.element.code!r} yields",
            owner,
        )
    side = "target" if over_pre else "source"
    outer_index, inner = check_targets(outer_index, inner, n_inner, skip_if_invalid, owner, side)
    inner = inner.astype(np.int32)
    return (outer_index, inner) if over_pre else (inner, outer_index)


def _fixed_size_sample(low, lengths, step, sizes, owner: str):
    """For each row, ``sizes[row]`` distinct values of its range, drawn uniformly (sorted)."""
    if np.any(sizes < 0) or np.any(sizes > lengths):
        worst = int(np.flatnonzero((sizes < 0) | (sizes > lengths))[0])
        raise SynapseConnectionError(
            f"{owner}: sample(..., size={int(sizes[worst])}) for neuron {worst}: the size must "
            f"be between 0 and the number of candidates ({int(lengths[worst])})"
        )
    rows, values = [], []
    for row in np.flatnonzero(sizes):
        chosen = np.sort(np.random.choice(int(lengths[row]), int(sizes[row]), replace=False))
        rows.append(np.full(len(chosen), row, dtype=np.int32))
        values.append(low[row] + chosen * step[row])
    return _concat(rows, np.int32), _concat(values)


def _same_for_all_pairs(expression: Expression, loop_variable: str) -> bool:
    """Whether ``expression`` (a generator's p) has one value for every pair: it reads no
    index, no neuron's variable and draws no random number (script constants are fine)."""
    names = expression.names
    if names & {loop_variable, "i", "j"} or expression.functions & {"rand", "randn"}:
        return False
    return not any(name.endswith(("_pre", "_post")) for name in names)


def check_targets(
    pre, post, n_post, skip_if_invalid, owner, side: str = "target"
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs whose ``post`` lies in 0..n_post-1; the others refused, or left out when
    ``skip_if_invalid`` (``side`` names the index checked in the message)."""
    invalid = (post < 0) | (post >= n_post)
    if np.any(invalid):
        if not skip_if_invalid:
            bad = int(post[invalid][0])
            raise SynapseConnectionError(
                f"{owner}: connect() would reach {side} index {bad}, outside 0..{n_post - 1}; "
                "pass skip_if_invalid=True to leave such pairs out"
            )
        valid = ~invalid
        pre, post = pre[valid], post[valid]
    return pre, post


def _rename(expression: Expression, variable: str, name: str) -> Expression:
    """``expression`` with the generator's loop variable called ``name`` (i or j)."""
    if variable == name:
        return expression
    return substitute_names(expression, {variable: Expression(name)})
