"""A pathway's delay: stored once while every synapse has the same, per synapse once they differ.

Most networks give a pathway one delay (``Synapses(..., delay=1.5*ms)``, or none: 0), and an
array of 8 bytes per synapse holding one number is half of what a synapse costs. The delay is
kept as one value until a write gives the synapses different delays (``S.delay = 'rand()*ms'``,
``S.delay[0] = 1*ms``); a write of one value to all synapses, and the start of a run when all
delays are equal, store it once again. Readers see an array of one value per synapse either
way (``values``: a read-only broadcast view while stored once).

How the values read follows Brian 2: a delay given to ``Synapses(delay=...)`` as one quantity
reads as that one quantity (``S.delay``, ``S.delay[:]``, ``get_states``); a pathway whose delay
was not given, or given as a string, reads as one value per synapse.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from axonal.groups.group import GroupError
from axonal.groups.variables import Variable
from axonal.model.ir import VariableKind, VariableRef
from axonal.network.savepoint import before_write, step_in_progress
from axonal.units import get_dimensions, second

__all__: list[str] = []  # internal room: nothing here is part of the user's namespace

_SECOND = get_dimensions(second)


class SynapticDelay(Variable):
    """The delay variable of one pathway (``delay``, ``_delay_<pathway>``) of ``synapses``.

    ``one_value``: the delay was given to the constructor as one quantity; it then reads as
    one value, as Brian 2's scalar delays do. New synapses (``connect()``) get the value all
    synapses share while it is stored once (``one_value``), else ``new_value`` (the
    constructor's quantity, or 0).
    """

    def __init__(
        self,
        synapses,
        name: str,
        one_value: bool = False,
        new_value: float = 0.0,
        code: str | None = None,
    ):
        self._synapses = synapses
        self._shared = np.zeros((), dtype=np.float64)  # every synapse's delay, stored once
        self._each: np.ndarray | None = None  # one per synapse, once they differ
        self.one_value = one_value
        self.new_value = float(new_value)
        self.code = code  # new synapses' delays as code (Synapses(delay='...'))
        super().__init__(name=name, owner=synapses.name, dimensions=_SECOND)
        self._shared[...] = self.new_value

    # -- reading --------------------------------------------------------------------------
    @property
    def values(self) -> np.ndarray:
        """One delay per synapse (in seconds): a read-only view of the one value while the
        delay is stored once; write with ``write`` (or ``per_synapse()`` in place)."""
        if self._each is not None:
            return self._each
        return np.broadcast_to(self._shared, (self._synapses.N,))

    @values.setter
    def values(self, values) -> None:
        # ``None`` from the dataclass's __init__; a 0-d array (what ``stored`` gives for a
        # delay stored once) or one value per synapse from a restore.
        if values is None:
            return
        values = np.asarray(values, dtype=np.float64)
        if values.ndim == 0:
            self._shared, self._each = values.copy(), None
        else:
            self._each = values

    @property
    def uniform(self) -> bool:
        """Whether the delay is stored once (all synapses have ``shared_value``)."""
        return self._each is None

    @property
    def shared_value(self) -> float:
        return float(self._shared)

    @property
    def stored(self) -> np.ndarray:
        """What is stored: a 0-d array (one value) or one value per synapse (store/restore)."""
        return self._shared if self._each is None else self._each

    @property
    def shared_array(self) -> np.ndarray:
        """The one value as a 1-element array (a kernel reads it as a shared variable)."""
        return self._shared.reshape(1)

    @property
    def attribute(self) -> str:
        """How users name it: ``S.delay`` (the pre pathway) or ``S.<pathway>.delay``."""
        if self.name == "delay":
            return f"{self.owner}.delay"
        return f"{self.owner}.{self.name.removeprefix('_delay_')}.delay"

    # -- writing --------------------------------------------------------------------------
    def per_synapse(self) -> np.ndarray:
        """The delays as an array of their own per synapse (made now if stored once), which
        the caller may write in place.

        Not during a run's step (a network_operation): the run's kernels and monitors were
        given the one value stored when it started and would not see an array made now.
        """
        if self._each is None:
            if step_in_progress():
                raise GroupError(
                    f"{self.attribute} is stored once for this run (all synapses had the same "
                    f"delay when it started); set per-synapse delays between runs. (Spikes "
                    "would not see them either: a run's delays in steps are fixed at its start.)"
                )
            self._each = np.full(self._synapses.N, self.shared_value)
        return self._each

    def write(self, indices, raw) -> None:
        """``delay[indices] = raw`` (seconds): still stored once when the write leaves all
        synapses with the same delay."""
        raw = np.asarray(raw, dtype=np.float64)
        one = _one_value(raw)
        whole = one is not None and _covers(indices, self._synapses.N)
        if self._each is not None and whole and not step_in_progress():
            self._each = None  # one value for all again: the array is freed
        if self._each is None:
            if one is not None and (whole or one == self.shared_value):
                before_write(self._shared)
                self._shared[...] = one
                return
            self.per_synapse()
        before_write(self._each)
        self._each[indices] = raw

    def grow(self, old: int, new: int) -> None:
        """Synapses ``old..new-1`` were added: they get ``new_value`` (or, for a delay given
        as one value and still stored once, the value they all share)."""
        if self._each is None:
            if self.one_value or old == 0 or self.shared_value == self.new_value:
                if old == 0:
                    self._shared[...] = self.shared_value if self.one_value else self.new_value
                return
            self._each = np.full(old, self.shared_value)
        grown = np.full(new, self.new_value)
        grown[:old] = self._each
        self._each = grown

    def compact(self) -> None:
        """Store the delay once if every synapse has the same (at the start of a run)."""
        one = None if self._each is None else _one_value(self._each)
        if one is not None:
            self._shared, self._each = np.array(one), None

    def bytes_per_new_synapse(self) -> int:
        """What one more synapse costs this delay (for connect()'s memory check): nothing
        while it is stored once and new synapses get the value stored."""
        stays = self.one_value or self.shared_value == self.new_value
        return 0 if self._each is None and stays and self.code is None else 8


def _one_value(raw: np.ndarray) -> float | None:
    """The value all of ``raw`` holds, or None when they differ (or there is none)."""
    if raw.size == 0:
        return None
    first = raw.flat[0]
    if raw.size == 1 or bool(np.all(raw == first)):
        return float(first)
    return None


def _covers(indices, n: int) -> bool:
    """Whether ``indices`` (a slice or integer positions) select every one of ``n`` synapses."""
    if isinstance(indices, slice):
        return len(range(*indices.indices(n))) == n
    positions = np.asarray(indices)
    if positions.size < n:
        return False
    selected = np.zeros(n, dtype=bool)  # (1 byte a synapse, for a moment: no sort)
    selected[positions] = True
    return bool(selected.all())


@dataclass(frozen=True)
class SharedDelay:
    """The name table's entry (axonal.groups.names) of a delay stored once: code reads its
    one value as a shared variable."""

    variable: SynapticDelay

    def to_kernel(self, owner, name: str, names) -> None:
        variable = self.variable
        # A key of its own: ``variable.key`` is the array of one value per synapse, which a
        # StateMonitor recording the delay puts in the same run state.
        key = f"{variable.key}._once"
        names.refs[name] = VariableRef(
            name,
            VariableKind.SHARED,
            dtype=variable.dtype,
            array=key,
            read_only=True,
            dimensions=variable.dimensions,
        )
        names.bindings[key] = variable.shared_array

    def value(self, owner, name: str, positions: np.ndarray, namespace):
        return self.variable.shared_value


class DelayAccess:
    """How Synapses (a base class of it) read and write their delays, with units and raw,
    without an array per synapse while the delay is stored once; a delay given as one value
    takes and gives one value only, as Brian 2's scalar delays do."""

    def get_values(self, name: str, item=slice(None)):
        variable = self.variables.get(name)
        if not isinstance(variable, SynapticDelay) or not variable.uniform:
            return super().get_values(name, item)
        if variable.one_value:
            self._check_whole(variable, item, "read")
            return variable.with_units(variable.shared_value)
        selected = np.arange(self.N)[self.storage_indices(item)]
        return variable.with_units(np.full(np.shape(selected), variable.shared_value))

    def set_values(self, name: str, item, value) -> None:
        variable = self.variables.get(name)
        if isinstance(variable, SynapticDelay) and variable.one_value:
            self._check_whole(variable, item, "set")
            if isinstance(value, str):
                value = self._one_value_of_code(variable, value)
            else:
                self._check_one_value(variable, value)
        super().set_values(name, item, value)

    def get_raw(self, name: str) -> np.ndarray:
        """The stored array, which the caller may write in place: a delay stored once gets an
        array per synapse first, unless it was given as one value (then its 1-element array).

        That costs 8 bytes a synapse even when the caller only reads, but ``S.delay_`` is the
        storage itself, as in Brian 2 (``S.delay_[0] = 0.003`` writes in place; the brian1
        layer writes its delays through it): read with ``read_raw`` (``np.asarray(S.delay)``),
        write with ``set_raw``, to keep a delay all synapses share stored once.
        """
        variable = self.variables.get(name)
        if isinstance(variable, SynapticDelay):
            return variable.shared_array if variable.one_value else variable.per_synapse()
        return super().get_raw(name)

    def set_raw(self, name: str, value) -> None:
        variable = self.variables.get(name)
        if isinstance(variable, SynapticDelay):
            if variable.one_value:
                self._check_one_value(variable, value)
            self.validate_values(name, value)
            variable.write(slice(None), value)  # (one value for all: still stored once)
            return
        super().set_raw(name, value)

    def read_raw(self, name: str) -> np.ndarray:
        variable = self.variables.get(name)
        if isinstance(variable, SynapticDelay):
            return variable.stored if variable.one_value else variable.values
        return super().read_raw(name)

    # -- a delay given as one value --------------------------------------------------------
    @staticmethod
    def _given(variable: SynapticDelay) -> str:
        """How the constructor was given the delay: ``delay=`` or ``delay={'post': ...}``."""
        if variable.name == "delay":
            return "delay="
        return f"delay={{{variable.name.removeprefix('_delay_')!r}: ...}}"

    def _delay_text(self, variable: SynapticDelay) -> str:
        return f"{variable.attribute}, given as one value to Synapses({self._given(variable)}),"

    def _per_synapse_hint(self, variable: SynapticDelay) -> str:
        return (
            f"for a delay per synapse create the Synapses without {self._given(variable)} and "
            f"set {variable.attribute} = ... after connect()"
        )

    def _check_whole(self, variable: SynapticDelay, item, doing: str) -> None:
        if not (isinstance(item, slice) and item == slice(None)):
            raise IndexError(
                f"{self._delay_text(variable)} is one value for all synapses: {doing} it "
                f"without an index ({variable.attribute} or [:], not [{item!r}]); "
                f"{self._per_synapse_hint(variable)}"
            )

    def _check_one_value(self, variable: SynapticDelay, value) -> None:
        if np.size(value) != 1:
            raise GroupError(
                f"{self._delay_text(variable)} takes one value for all synapses, not "
                f"{np.size(value)} values; {self._per_synapse_hint(variable)}"
            )

    def _one_value_of_code(self, variable: SynapticDelay, code: str):
        """The one value of ``code`` (evaluated once, as Brian 2 does for a scalar delay:
        ``'rand()*ms'`` draws one number); code naming values of each synapse is refused."""
        from axonal.model.expressions import parse_expression

        expression = parse_expression(code, owner=self.name)
        per_synapse = sorted(n for n in expression.names if self._differs_by_synapse(n))
        if per_synapse:
            raise GroupError(
                f"{self._delay_text(variable)} is one value for all synapses; the code "
                f"{code!r} reads {', '.join(per_synapse)}, which differ between synapses; "
                f"{self._per_synapse_hint(variable)}"
            )
        self._check_assignment(variable.name, expression, code)
        raw = np.asarray(self.evaluate(expression, np.zeros(1, dtype=np.int64)))
        return variable.with_units(float(raw.reshape(-1)[0]))

    def _differs_by_synapse(self, name: str) -> bool:
        if name in ("t", "dt", "N", "N_pre", "N_post"):
            return False
        variable = self.variables.get(name)
        if isinstance(variable, SynapticDelay):
            return not variable.uniform
        if variable is not None:
            return variable.kind != "shared"
        return self._neuron_variable(name) is not None
