"""Connection conditions that name one partner exactly (``'i == k_post'``, ``'j == 2*i'``):
their pairs are found once per neuron of the other side, not by testing every pair."""

from __future__ import annotations

import ast
from collections.abc import Callable

import numpy as np

from axonal.model.ir import Expression

__all__: list[str] = []  # internal to connect()

_RANDOM = {"rand", "randn"}


def _reads_side(expression: ast.expr, side: str) -> bool:
    """Whether ``expression`` reads the index or a variable of ``side`` ('pre' or 'post'),
    or draws random numbers (then it is not one value per neuron)."""
    index, count = ("i", "N_outgoing") if side == "pre" else ("j", "N_incoming")
    for node in ast.walk(expression):
        if not isinstance(node, ast.Name) or node.id in ("N_pre", "N_post"):  # constants
            continue
        if node.id in (index, count) or node.id.endswith(f"_{side}") or node.id in _RANDOM:
            return True
    return False


def index_equality(condition: Expression) -> tuple[str, Expression, Expression | None] | None:
    """``(index, E, rest)`` when the condition is ``index == E`` (or ``E == index``), ``index``
    being ``i`` with E not reading the presynaptic side, or ``j`` with E not reading the
    postsynaptic side; ``rest`` is what else the condition requires (``... and rest``)."""
    body = ast.parse(condition.code, mode="eval").body
    terms = body.values if isinstance(body, ast.BoolOp) and isinstance(body.op, ast.And) else [body]
    for position, term in enumerate(terms):
        if not (isinstance(term, ast.Compare) and len(term.ops) == 1):
            continue
        if not isinstance(term.ops[0], ast.Eq):
            continue
        sides = (term.left, term.comparators[0])
        for named, other in (sides, sides[::-1]):
            if not isinstance(named, ast.Name) or named.id not in ("i", "j"):
                continue
            if _reads_side(other, "pre" if named.id == "i" else "post"):
                continue
            rest = [ast.unparse(t) for k, t in enumerate(terms) if k != position]
            rest_expression = Expression(" and ".join(f"({r})" for r in rest)) if rest else None
            return named.id, Expression(ast.unparse(other)), rest_expression
    return None


def pairs_by_index_equality(
    n_pre: int,
    n_post: int,
    found: tuple[str, Expression, Expression | None],
    evaluate: Callable[[Expression, np.ndarray, np.ndarray], np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """The (i, j) pairs (int64, in i-then-j order, as testing every pair gives them) for which
    the condition analysed by ``index_equality`` holds."""
    index, value, rest = found
    n_other = n_post if index == "i" else n_pre
    other = np.arange(n_other, dtype=np.int64)
    unused = np.zeros(n_other, dtype=np.int64)
    pre, post = (unused, other) if index == "i" else (other, unused)
    named = np.broadcast_to(np.asarray(evaluate(value, pre, post)), (n_other,))
    # Equal to an index: a whole number in range (a float 2.5 equals no index).
    limit = n_pre if index == "i" else n_post
    valid = (named >= 0) & (named < limit) & (named == np.floor(named))
    named, other = named[valid].astype(np.int64), other[valid]
    if index == "i":
        order = np.argsort(named, kind="stable")  # by i, then j
        pre, post = named[order], other[order]
    else:
        pre, post = other, named
    if rest is not None and len(pre):
        keep = np.broadcast_to(np.asarray(evaluate(rest, pre, post)), pre.shape).astype(bool)
        pre, post = pre[keep], post[keep]
    return pre, post
