"""Pairs to connect: all-to-all, by condition and probability, by generator, without a Python loop.

Every function here returns two index arrays (pre, post), relative to the source and target
groups, and evaluates expressions through ``evaluate(expression, pre, post)``, which the
Synapses object supplies (it knows the variables and the namespace). Nothing is connected
here: the caller checks the pairs and then adds them in one step.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from axonal.model.ir import Expression

# Pairs evaluated at once when a condition must be checked for every pair.
CHUNK_PAIRS = 1 << 22

PairEvaluator = Callable[[Expression, np.ndarray, np.ndarray], np.ndarray]


class SynapseConnectionError(ValueError):
    """A connect() call that cannot be carried out; the message names the synapses."""


def sparse_sample(
    starts: np.ndarray, lengths: np.ndarray, p: float
) -> tuple[np.ndarray, np.ndarray]:
    """For each row r, each of ``lengths[r]`` candidates from ``starts[r]`` on, with chance p.

    Returns (row, candidate) pairs. Draws the number per row from the binomial distribution,
    then that many distinct candidates uniformly, so the cost follows the number of pairs made,
    not the number of candidates.
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    if p >= 0.25:
        return _dense_sample(starts, lengths, p)
    counts = np.random.binomial(lengths, p)
    rows = np.repeat(np.arange(len(lengths)), counts)
    offsets = np.floor(np.random.random(len(rows)) * lengths[rows]).astype(np.int64)
    width = int(lengths.max()) + 1 if len(lengths) else 1
    keys = _unique(rows * width + offsets)
    # Draws with replacement can repeat a candidate: draw again for the rows that lost one.
    while len(keys) < len(rows):
        have = np.bincount(keys // width, minlength=len(lengths))
        missing = counts - have
        extra_rows = np.repeat(np.arange(len(lengths)), missing)
        extra = np.floor(np.random.random(len(extra_rows)) * lengths[extra_rows]).astype(np.int64)
        keys = _unique(np.concatenate([keys, extra_rows * width + extra]))
    found_rows, found_offsets = keys // width, keys % width
    return found_rows, np.asarray(starts)[found_rows] + found_offsets


def _unique(values: np.ndarray) -> np.ndarray:
    # np.unique's hash-based path is pathologically slow on these keys (numpy 2.4): sort instead.
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if len(values) else values


def _dense_sample(starts, lengths, p) -> tuple[np.ndarray, np.ndarray]:
    rows_out, cands_out = [], []
    for rows, offsets in _chunked_ranges(lengths):
        keep = np.random.random(len(rows)) < p
        rows_out.append(rows[keep])
        cands_out.append(np.asarray(starts)[rows[keep]] + offsets[keep])
    return _concat(rows_out), _concat(cands_out)


def _chunked_ranges(lengths: np.ndarray):
    """Yields (row, offset) arrays enumerating range(lengths[r]) for each row, in chunks."""
    lengths = np.asarray(lengths, dtype=np.int64)
    row = 0
    while row < len(lengths):
        stop, total = row, 0
        while stop < len(lengths) and (total == 0 or total + lengths[stop] <= CHUNK_PAIRS):
            total += lengths[stop]
            stop += 1
        chunk = lengths[row:stop]
        rows = np.repeat(np.arange(row, stop), chunk)
        starts = np.repeat(np.cumsum(chunk) - chunk, chunk)
        offsets = np.arange(len(rows)) - starts
        yield rows, offsets
        row = stop


def _concat(arrays: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int64)


def pairs_by_condition(
    n_pre: int,
    n_post: int,
    condition: Expression | None,
    p: float | Expression,
    evaluate: PairEvaluator,
    pre_only: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """All (i, j) for which ``condition`` holds, each kept with probability ``p``.

    ``pre_only`` says the condition depends on the presynaptic side alone (``'i < 3200'``):
    it is then evaluated once per source neuron, and a constant ``p`` is sampled sparsely.
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
            if p == 1:
                return np.repeat(rows, n_post), np.tile(np.arange(n_post), len(rows))
            found_rows, post = sparse_sample(
                np.zeros(len(rows), np.int64), np.full(len(rows), n_post), p
            )
            return rows[found_rows], post
        condition = None
    else:
        rows = all_pre
    pre_out, post_out = [], []
    for row_index, post in _chunked_ranges(np.full(len(rows), n_post)):
        pre = rows[row_index]
        keep = np.ones(len(pre), dtype=bool)
        if condition is not None:
            keep &= np.broadcast_to(evaluate(condition, pre, post), keep.shape).astype(bool)
        if isinstance(p, Expression):
            probability = np.broadcast_to(evaluate(p, pre[keep], post[keep]), (int(keep.sum()),))
            chosen = np.random.random(len(probability)) < probability
            keep[np.flatnonzero(keep)[~chosen]] = False
        elif p < 1:
            keep &= np.random.random(len(pre)) < p
        pre_out.append(pre[keep])
        post_out.append(post[keep])
    return _concat(pre_out), _concat(post_out)


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


def parse_generator(text: str, owner: str) -> Generator | None:
    """The generator in ``text``, or None when ``text`` is a plain expression like ``'i'``."""
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
    if call.func.id == "range" and p is not None:
        raise SynapseConnectionError(f"{owner}: {text!r}: range() takes no p=; use sample()")
    if call.func.id == "sample" and p is None:
        raise SynapseConnectionError(f"{owner}: {text!r}: sample() needs p=")
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
    )


def pairs_by_generator(
    generator: Generator,
    n_pre: int,
    n_post: int,
    evaluate: PairEvaluator,
    rename: Callable[[Expression, str], Expression],
    skip_if_invalid: bool,
    owner: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs from a generator over the postsynaptic index (see :class:`Generator`)."""
    all_pre = np.arange(n_pre)
    zeros = np.zeros(n_pre, dtype=np.int64)

    def per_pre(expression: Expression) -> np.ndarray:
        return np.broadcast_to(evaluate(expression, all_pre, zeros), (n_pre,)).astype(np.int64)

    low, high, step = per_pre(generator.low), per_pre(generator.high), per_pre(generator.step)
    if np.any(step == 0):
        raise SynapseConnectionError(f"{owner}: the step of range() must not be 0")
    lengths = np.maximum(0, -((low - high) // step))
    p_constant = None
    if generator.p is not None and not (generator.p.names - {"N_pre", "N_post"}):
        p_constant = float(np.asarray(evaluate(generator.p, all_pre[:1], zeros[:1])).ravel()[0])
    if p_constant is not None and np.all(step == 1) and generator.condition is None:
        rows, candidates = sparse_sample(low, lengths, p_constant)
        pre, values = all_pre[rows], candidates
    else:
        pre_parts, value_parts = [], []
        for rows, offsets in _chunked_ranges(lengths):
            values = low[rows] + offsets * step[rows]
            keep = np.ones(len(rows), dtype=bool)
            loop_values = values
            if generator.condition is not None:
                condition = rename(generator.condition, generator.variable)
                keep &= np.broadcast_to(
                    evaluate(condition, all_pre[rows], loop_values), keep.shape
                ).astype(bool)
            if generator.p is not None:
                probability = np.broadcast_to(
                    evaluate(rename(generator.p, generator.variable), all_pre[rows], loop_values),
                    keep.shape,
                )
                keep &= np.random.random(len(rows)) < probability
            pre_parts.append(all_pre[rows][keep])
            value_parts.append(values[keep])
        pre, values = _concat(pre_parts), _concat(value_parts)
    element = rename(generator.element, generator.variable)
    post = np.broadcast_to(evaluate(element, pre, values), pre.shape).astype(np.int64)
    return check_targets(pre, post, n_post, skip_if_invalid, owner)


def check_targets(pre, post, n_post, skip_if_invalid, owner) -> tuple[np.ndarray, np.ndarray]:
    invalid = (post < 0) | (post >= n_post)
    if np.any(invalid):
        if not skip_if_invalid:
            bad = int(post[invalid][0])
            raise SynapseConnectionError(
                f"{owner}: connect() would reach target index {bad}, outside 0..{n_post - 1}; "
                "pass skip_if_invalid=True to leave such pairs out"
            )
        pre, post = pre[~invalid], post[~invalid]
    return pre, post
