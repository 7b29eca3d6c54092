"""Brian 1's ways of choosing connected pairs and their values: numbers, functions of (i, j),
and the symbolic ``i`` and ``j`` of ``sparseness=exp(-abs(i-j)*.1)``."""

from __future__ import annotations

import numbers

import numpy as np

from axonal.synapses.connect import sparse_sample
from axonal.units import Quantity, get_dimensions


class PairExpression:
    """An expression of the source index ``i`` and the target index ``j``, built with Python
    operators and NumPy functions: ``exp(-abs(i - j) * .1)``. Evaluates on index arrays and
    prints as axonal code (``exp(-abs(i - j) * 0.1)``)."""

    __array_priority__ = 100  # numpy scalars on the left defer to this class

    def __init__(self, code: str, evaluate) -> None:
        self.code = code
        self._evaluate = evaluate

    def __call__(self, i, j):
        return self._evaluate(np.asarray(i), np.asarray(j))

    def __repr__(self) -> str:
        return f"PairExpression({self.code!r})"

    # -- building ------------------------------------------------------------------------
    @staticmethod
    def _lift(value) -> PairExpression:
        if isinstance(value, PairExpression):
            return value
        if isinstance(value, Quantity) or isinstance(value, numbers.Number | np.number):
            constant = value

            return PairExpression(repr(constant), lambda i, j: constant)
        raise TypeError(f"cannot combine {value!r} with the indices i and j")

    def _binary(self, other, symbol: str, function, reflected: bool = False):
        other = self._lift(other)
        left, right = (other, self) if reflected else (self, other)
        return PairExpression(
            f"({left.code} {symbol} {right.code})",
            lambda i, j: function(left._evaluate(i, j), right._evaluate(i, j)),
        )

    def __add__(self, other):
        return self._binary(other, "+", np.add)

    def __radd__(self, other):
        return self._binary(other, "+", np.add, True)

    def __sub__(self, other):
        return self._binary(other, "-", np.subtract)

    def __rsub__(self, other):
        return self._binary(other, "-", np.subtract, True)

    def __mul__(self, other):
        return self._binary(other, "*", np.multiply)

    def __rmul__(self, other):
        return self._binary(other, "*", np.multiply, True)

    def __truediv__(self, other):
        return self._binary(other, "/", np.true_divide)

    def __rtruediv__(self, other):
        return self._binary(other, "/", np.true_divide, True)

    def __floordiv__(self, other):
        return self._binary(other, "//", np.floor_divide)

    def __mod__(self, other):
        return self._binary(other, "%", np.mod)

    def __pow__(self, other):
        return self._binary(other, "**", np.power)

    def __rpow__(self, other):
        return self._binary(other, "**", np.power, True)

    def __lt__(self, other):
        return self._binary(other, "<", np.less)

    def __le__(self, other):
        return self._binary(other, "<=", np.less_equal)

    def __gt__(self, other):
        return self._binary(other, ">", np.greater)

    def __ge__(self, other):
        return self._binary(other, ">=", np.greater_equal)

    def __eq__(self, other):  # noqa: D105 - i == j builds an expression, as the others do
        return self._binary(other, "==", np.equal)

    def __ne__(self, other):
        return self._binary(other, "!=", np.not_equal)

    __hash__ = object.__hash__

    def __neg__(self):
        return PairExpression(f"(-{self.code})", lambda i, j: -self._evaluate(i, j))

    def __abs__(self):
        return PairExpression(f"abs({self.code})", lambda i, j: np.abs(self._evaluate(i, j)))

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        # exp(i - j), sqrt(...), np.abs(...): the same function applied later, on arrays.
        if method != "__call__" or kwargs:
            return NotImplemented
        lifted = [self._lift(value) for value in inputs]
        code = f"{ufunc.__name__}({', '.join(item.code for item in lifted)})"
        return PairExpression(code, lambda i, j: ufunc(*(item._evaluate(i, j) for item in lifted)))


i = PairExpression("i", lambda i, j: i)
j = PairExpression("j", lambda i, j: j)


def _float_rows(function, rows: np.ndarray, n_columns: int, what: str, owner: str):
    """``function(i, j)`` for every row i and all columns j, as Brian 1 computed it: a row at a
    time with j an array (1.0 * arange), or one call per pair when the function cannot take an
    array. Yields (row, values of length n_columns)."""
    columns = np.arange(n_columns, dtype=float)
    vectorised = True
    for row in rows:
        if vectorised:
            try:
                values = np.broadcast_to(np.asarray(function(int(row), columns)), (n_columns,))
                yield row, values
                continue
            except Exception:  # noqa: BLE001 - Brian 1 fell back to one call per pair too
                vectorised = False
        values = [function(int(row), int(column)) for column in range(n_columns)]
        yield row, values


def probability_rows(p, n_rows: int, n_columns: int, owner: str):
    """(rows, columns) of the pairs chosen with probability ``p``: a number (the number per row
    from the binomial distribution, then distinct columns) or a function of (i, j)."""
    if callable(p):
        found_rows, found_columns = [], []
        for row, probability in _float_rows(p, np.arange(n_rows), n_columns, "sparseness", owner):
            probability = np.asarray(probability, dtype=float)
            bad = ~((probability >= 0) & (probability <= 1))
            if np.any(bad):
                k = int(np.flatnonzero(bad)[0])
                raise ValueError(
                    f"{owner}: the sparseness {getattr(p, 'code', p)!r} is {probability[k]:g} "
                    f"for i={row}, j={k}; a probability must lie between 0 and 1"
                )
            chosen = np.flatnonzero(np.random.random_sample(n_columns) < probability)
            found_rows.append(np.full(len(chosen), row, dtype=np.int64))
            found_columns.append(chosen)
        if not found_rows:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(found_rows), np.concatenate(found_columns)
    p = float(p)
    if not 0 <= p <= 1:
        raise ValueError(f"{owner}: the sparseness {p!r} must lie between 0 and 1")
    rows, columns = sparse_sample(
        np.zeros(n_rows, np.int64), np.full(n_rows, n_columns, np.int64), p
    )
    return rows.astype(np.int64), columns.astype(np.int64)


def fixed_in_degree(p: float, n_rows: int, n_columns: int):
    """Brian 1's ``fixed=True``: each target gets exactly round(p * n_rows) sources."""
    per_column = int(round(float(p) * n_rows))
    rows = [np.random.choice(n_rows, per_column, replace=False) for _ in range(n_columns)]
    columns = np.repeat(np.arange(n_columns), per_column)
    rows = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    order = np.lexsort((columns, rows))
    return rows[order].astype(np.int64), columns[order].astype(np.int64)


def pair_values(value, rows: np.ndarray, columns: np.ndarray, what: str, owner: str):
    """The value of each pair: one quantity for all, or ``value(i, j)`` (Brian 1 called a
    weight function row by row, with j an array)."""
    if not callable(value):
        return value
    dims = None
    out = np.empty(len(rows), dtype=float)
    if len(rows) == 0:
        return out
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    stops = np.r_[starts[1:], len(rows)]
    for start, stop in zip(starts, stops, strict=True):
        row = int(rows[start])
        here = columns[start:stop].astype(float)
        try:
            values = value(row, here)
            values = np.broadcast_to(values, here.shape)
        except Exception:  # noqa: BLE001 - not vectorisable: one call per pair, as Brian 1
            values = [value(row, int(column)) for column in here]
            if values and isinstance(values[0], Quantity):
                values = Quantity(values)
        if dims is None:
            dims = get_dimensions(values)
        elif get_dimensions(values) is not dims:
            raise ValueError(f"{owner}: the {what} function gives values in different units")
        out[start:stop] = np.asarray(values, dtype=float)
    return (
        Quantity.with_dimensions(out, dims)
        if dims is not None and not dims.is_dimensionless
        else out
    )
