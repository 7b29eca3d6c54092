"""Brian 1's Connection, DelayConnection and IdentityConnection as axonal Synapses.

A Connection adds its weight to a variable of the target neuron when the source neuron
spikes, in the same time step (or after ``delay``): ``Synapses(source, target, 'w : unit',
on_pre='ge_post += w')``. Pairs connected twice keep one synapse whose weight is replaced,
as Brian 1's weight matrix did.
"""

from __future__ import annotations

import numpy as np

from axonal.brian1.pairs import fixed_in_degree, pair_values, probability_rows
from axonal.brian1.unsupported import Brian1Unsupported
from axonal.synapses import Synapses
from axonal.units import DIMENSIONLESS, DimensionMismatchError, Quantity, get_dimensions, ms

__all__ = ["Connection", "DelayConnection", "IdentityConnection", "WeightMatrix"]


def _root_and_offset(group):
    """The NeuronGroup that holds ``group``'s neurons, and where ``group`` starts in it."""
    if group.storage_root is group:
        return group, 0
    root, offset = _root_and_offset(group.storage_root)
    return root, offset + group.storage_offset


def _offset_within(part, whole, side: str, owner: str) -> int:
    """Where (sub)group ``part`` starts inside ``whole`` (the connection's own source/target)."""
    part_root, part_start = _root_and_offset(part)
    whole_root, whole_start = _root_and_offset(whole)
    offset = part_start - whole_start
    if part_root is not whole_root or offset < 0 or offset + len(part) > len(whole):
        raise ValueError(
            f"{owner}: the {side} group given to connect is not a part of the connection's "
            f"{side} ({whole.name})"
        )
    return offset


def _variable_name(group, state) -> str:
    if isinstance(state, str):
        return state
    order = getattr(group, "_brian1_order", None)
    if order is None:
        order = [name for name in group.variables if not name.startswith(("_", "lastspike"))]
    return order[int(state)]


class WeightMatrix:
    """``C.W``: the weights as a sparse matrix (source x target) that reads and writes the
    synapses: ``C.W[i, j]``, ``C.W[i, :]`` (a row), ``C.W.getnnz()``, ``C.W.todense()``."""

    def __init__(self, connection: Connection, variable: str = "w") -> None:
        self.connection, self.variable = connection, variable

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.connection.source), len(self.connection.target)

    def getnnz(self) -> int:
        return len(self.connection)

    nnz = property(getnnz)

    def __len__(self) -> int:
        return self.shape[0]

    def _values(self) -> np.ndarray:
        return self.connection.get_raw(self.variable)

    def _unit(self, raw):
        dim = self.connection.variables[self.variable].dimensions
        return raw if dim is DIMENSIONLESS else Quantity.with_dimensions(raw, dim)

    def todense(self):
        dense = np.zeros(self.shape)
        connection = self.connection
        dense[connection.i[:], connection.j[:]] = self._values()
        return self._unit(dense)

    toarray = todense

    def _selection(self, item):
        """The rows and columns ``item`` names (``W[i, j]``, ``W[i, :]``, ``W[i]``), as index
        arrays, the synapses within them, and whether rows/columns were single indices."""
        rows, columns = item if isinstance(item, tuple) and len(item) == 2 else (item, slice(None))
        n_rows, n_columns = self.shape
        row_ids = np.atleast_1d(np.arange(n_rows)[rows])
        column_ids = np.atleast_1d(np.arange(n_columns)[columns])
        pre, post = self.connection.i[:], self.connection.j[:]
        inside = np.isin(pre, row_ids) & np.isin(post, column_ids)
        single = (np.ndim(rows) == 0 and not isinstance(rows, slice),
                  np.ndim(columns) == 0 and not isinstance(columns, slice))  # fmt: skip
        return row_ids, column_ids, np.flatnonzero(inside), single

    def __getitem__(self, item):
        row_ids, column_ids, positions, (one_row, one_column) = self._selection(item)
        n_rows, n_columns = self.shape
        row_of = np.full(n_rows, -1)
        row_of[row_ids] = np.arange(len(row_ids))
        column_of = np.full(n_columns, -1)
        column_of[column_ids] = np.arange(len(column_ids))
        block = np.zeros((len(row_ids), len(column_ids)))
        pre, post = self.connection.i[:][positions], self.connection.j[:][positions]
        np.add.at(block, (row_of[pre], column_of[post]), self._values()[positions])
        if one_row:
            block = block[0]
        if one_column:
            block = block[..., 0]
        return self._unit(block)

    def __setitem__(self, item, value):
        row_ids, column_ids, positions, (one_row, one_column) = self._selection(item)
        if one_row and one_column and not len(positions):
            # W[i, j] = w on an unconnected pair creates the synapse, as in Brian 1.
            self.connection._add_pairs(row_ids, column_ids, value)
            return
        self.connection.set_values(self.variable, positions, value)


class Connection(Synapses):
    """Brian 1's ``Connection(source, target, state=0, delay=0*ms, modulation=None,
    structure='sparse', weight=None, sparseness=None, max_delay=5*ms)``."""

    def __init__(
        self,
        source,
        target=None,
        state=0,
        delay=0 * ms,
        modulation=None,
        structure="sparse",
        weight=None,
        sparseness=None,
        max_delay=5 * ms,
        name=None,
        **keywords,
    ):
        target = source if target is None else target
        if keywords:
            raise Brian1Unsupported(
                f"Connection keyword(s) {sorted(keywords)}",
                "Use the documented arguments, or axonal.Synapses directly.",
            )
        if structure not in ("sparse", "dense", "dynamic", "fixed"):
            raise ValueError(f"Connection: unknown structure {structure!r}")
        self._brian1_state = _variable_name(target, state)
        if self._brian1_state not in target.variables:
            raise KeyError(f"Connection: the target has no variable {self._brian1_state!r}")
        dim = target.variables[self._brian1_state].dimensions
        unit = "1" if dim is DIMENSIONLESS else _si_name(dim)
        effect = "w"
        if modulation is not None:
            effect = f"w * {_variable_name(source, modulation)}_pre"
        self._brian1_on_pre = f"{self._brian1_state}_post += {effect}"
        super().__init__(
            source,
            target,
            model=f"w : {unit}",
            on_pre=self._brian1_on_pre,
            delay=self._homogeneous_delay(delay),
            name=name,
        )
        self._brian1_dim = dim
        self.W = WeightMatrix(self)
        if weight is not None or sparseness is not None:
            weight = 1.0 if weight is None else weight
            if isinstance(weight, np.ndarray) and np.ndim(weight) == 2:
                self.connect(W=weight)
            elif sparseness is None or (not callable(sparseness) and sparseness == 1):
                self.connect_full(weight=weight)
            else:
                self.connect_random(p=sparseness, weight=weight)

    def _homogeneous_delay(self, delay):
        return delay

    # -- adding synapses ------------------------------------------------------------------------
    def _check_weight(self, weight) -> None:
        if callable(weight):
            return
        dims = get_dimensions(weight)
        if dims is not self._brian1_dim and not (np.all(np.asarray(weight) == 0)):
            raise DimensionMismatchError(
                f"{self.name}: the weights of a Connection to {self._brian1_state!r} must have "
                f"its units",
                dims,
                self._brian1_dim,
            )

    def _add_pairs(self, pre: np.ndarray, post: np.ndarray, weight) -> None:
        """Synapses for the (source, target) pairs with their weights; a pair connected
        already keeps its synapse and gets the new weight (Brian 1 wrote into W)."""
        if self.__dict__.get("_brian1_stdp") is not None:
            raise Brian1Unsupported(
                "connecting a Connection after ExponentialSTDP was attached to it",
                "Connect first, then create the ExponentialSTDP.",
            )
        pre, post = np.asarray(pre, np.int64), np.asarray(post, np.int64)
        values = np.broadcast_to(np.asarray(weight, dtype=float), pre.shape)
        existing = self._synapses_of(pre, post)
        old = existing >= 0
        if np.any(old):
            self.get_raw("w")[existing[old]] = values[old]
        new = ~old
        if np.any(new):
            first = self.N
            Synapses.connect(self, i=pre[new], j=post[new])
            self.get_raw("w")[first:] = values[new]

    def _synapses_of(self, pre: np.ndarray, post: np.ndarray) -> np.ndarray:
        """The synapse of each (pre, post) pair, or -1 where the pair is not connected
        (a binary search in the pairs' keys: no Python loop over the synapses)."""
        n_target = len(self.target)
        held = self.get_raw("i").astype(np.int64) * n_target + self.get_raw("j")
        order = np.argsort(held, kind="stable")
        held = held[order]
        keys = np.asarray(pre, np.int64) * n_target + np.asarray(post, np.int64)
        where = np.minimum(np.searchsorted(held, keys), max(len(held) - 1, 0))
        found = (held[where] == keys) if len(held) else np.zeros(len(keys), bool)
        return np.where(found, order[where] if len(held) else -1, -1)

    def _local(self, source, target):
        source = self.source if source is None else source
        target = self.target if target is None else target
        return (
            source,
            target,
            _offset_within(source, self.source, "source", self.name),
            _offset_within(target, self.target, "target", self.name),
        )

    def connect(self, source=None, target=None, W=None):
        """``C.connect(P, Q, W)``: the nonzero entries of the matrix W (len(P) x len(Q))."""
        source, target, i0, j0 = self._local(source, target)
        if W is None:
            raise TypeError(f"{self.name}: connect(source, target, W) needs the matrix W")
        dense = W.todense() if hasattr(W, "todense") else W
        self._check_weight(dense)
        raw = np.asarray(dense, dtype=float)
        if raw.shape != (len(source), len(target)):
            raise ValueError(
                f"{self.name}: W has shape {raw.shape}, the groups {len(source)} x {len(target)}"
            )
        rows, columns = np.nonzero(raw)
        self._add_pairs(rows + i0, columns + j0, raw[rows, columns])

    def connect_random(
        self, source=None, target=None, p=1.0, weight=1.0, fixed=False, seed=None, sparseness=None
    ):
        """Each pair with probability ``p`` (a number or a function of i and j, such as
        ``exp(-abs(i-j)*.1)``); ``weight`` a value or a function of i and j."""
        source, target, i0, j0 = self._local(source, target)
        if sparseness is not None:
            p = sparseness
        if seed is not None:
            np.random.seed(seed)
        self._check_weight(weight)
        if fixed:
            if callable(p):
                raise Brian1Unsupported(
                    "connect_random(fixed=True) with a probability function",
                    "Give p as a number, or use axonal.Synapses.connect with a generator.",
                )
            rows, columns = fixed_in_degree(p, len(source), len(target))
        else:
            rows, columns = probability_rows(p, len(source), len(target), self.name)
        self._connect_local(rows, columns, i0, j0, weight)

    connectRandom = connect_random  # noqa: N815 - Brian 1's older spelling (slides of 000)

    def connect_full(self, source=None, target=None, weight=1.0):
        """Every pair, with ``weight`` a value or a function of i and j."""
        source, target, i0, j0 = self._local(source, target)
        self._check_weight(weight)
        rows = np.repeat(np.arange(len(source)), len(target))
        columns = np.tile(np.arange(len(target)), len(source))
        self._connect_local(rows, columns, i0, j0, weight)

    connectFull = connect_full  # noqa: N815

    def connect_one_to_one(self, source=None, target=None, weight=1.0):
        """source[k] to target[k] for every k."""
        source, target, i0, j0 = self._local(source, target)
        if len(source) != len(target):
            raise ValueError(f"{self.name}: connect_one_to_one needs groups of the same size")
        self._check_weight(weight)
        k = np.arange(len(source))
        self._connect_local(k, k, i0, j0, weight)

    connectOneToOne = connect_one_to_one  # noqa: N815

    def _connect_local(self, rows, columns, i0, j0, weight) -> None:
        values = pair_values(weight, rows, columns, "weight", self.name)
        if callable(weight):
            self._check_weight(values)
        self._add_pairs(rows + i0, columns + j0, values)
        self._after_connect(rows, columns, i0, j0)

    def _after_connect(self, rows, columns, i0, j0) -> None:
        """DelayConnection sets the new synapses' delays here."""

    def __getitem__(self, item):
        if isinstance(item, tuple | int | np.integer):
            return self.W[item]
        return super().__getitem__(item)

    def __setitem__(self, item, value):
        self.W[item] = value

    def compress(self) -> None:
        """Brian 1 froze the construction matrix here; axonal's synapses need nothing."""

    def reinit(self) -> None:
        """Brian 1's Connection.reinit() changed nothing."""


def _si_name(dim) -> str:
    from axonal.units import get_unit

    return get_unit(dim).name


class DelayConnection(Connection):
    """Brian 1's ``DelayConnection(source, target, state, delay=..., max_delay=5*ms, ...)``:
    a delay per synapse, given as a value, a function of (i, j), or a pair (min, max) drawn
    uniformly for each synapse; ``C.delay[i, j]`` reads and writes them."""

    def __init__(self, source, target=None, state=0, modulation=None, structure="sparse",
                 weight=None, sparseness=None, delay=None, max_delay=5 * ms, name=None,
                 **keywords):  # fmt: skip
        self._brian1_delay = delay
        self._brian1_max_delay = max_delay
        super().__init__(
            source, target, state=state, modulation=modulation, structure=structure,
            weight=weight, sparseness=sparseness, max_delay=max_delay, name=name, **keywords,
        )  # fmt: skip
        object.__setattr__(self, "delay", WeightMatrix(self, "delay"))

    def _homogeneous_delay(self, delay):
        return None  # one delay per synapse (set when connecting)

    def _after_connect(self, rows, columns, i0, j0) -> None:
        delay = self.__dict__.get("_brian1_delay")
        if delay is None:
            return
        if isinstance(delay, tuple) and len(delay) == 2:
            low, high = delay
            values = Quantity(low) + (Quantity(high) - Quantity(low)) * np.random.random_sample(
                len(rows)
            )
        else:
            values = pair_values(delay, rows, columns, "delay", self.name)
        values = np.broadcast_to(np.asarray(values, dtype=float), np.shape(rows))
        if np.any(values > float(np.asarray(self._brian1_max_delay)) + 1e-12):
            raise ValueError(
                f"{self.name}: a delay is longer than max_delay={self._brian1_max_delay}"
            )
        positions = self._synapses_of(rows + i0, columns + j0)
        self.get_raw(self.pathways["pre"].delay_variable)[positions] = values


class IdentityConnection(Connection):
    """Brian 1's ``IdentityConnection(source, target, state=0, weight=1, delay=0*ms)``: neuron
    k of the source to neuron k of the target, one weight for all."""

    def __init__(self, source, target=None, state=0, weight=1, sparseness=None, delay=0 * ms,
                 name=None):  # fmt: skip
        if sparseness is not None:
            raise Brian1Unsupported("IdentityConnection(sparseness=...)", "Use Connection.")
        super().__init__(source, target, state=state, delay=delay, name=name)
        self.connect_one_to_one(weight=weight)
