"""Summed variables as objects: Brian 2's ``Synapses.summed_updaters`` (where in the step each
sum is taken) and whether a sum zeroes its target or adds to another sum into it."""

from __future__ import annotations

from axonal.model.ir import Expression
from axonal.network.base import ScheduleError, schedule_key, schedule_position

__all__: list[str] = []  # reached as Synapses.summed_updaters, not imported by users


class SummedUpdater:
    """Each step, sets ``variable`` of ``group`` to the sum of ``expression`` over the synapses.

    ``when`` and ``order`` place it in the step (as Brian 2's ``SummedVariableUpdater``; e.g.
    ``S.summed_updaters['v_post'].when = 'after_groups'``). Several summed variables into the
    same elements of one variable add up: the first of them in the schedule zeroes the
    variable (``zeroes``, decided by the network before each run) and each adds its terms.
    """

    def __init__(self, synapses, summed_name: str, expression: Expression, group, variable: str):
        self.synapses = synapses
        self.summed_name = summed_name  # 'x_post' / 'x_pre', the name in the Synapses model
        self.expression = expression
        self.group = group
        self.variable = variable
        self._when = "before_groups"
        self._order: int | None = None  # None: the order of the Synapses
        self.zeroes = True

    @property
    def name(self) -> str:
        return f"{self.synapses.name}_summed_variable_{self.summed_name}"

    @property
    def owner(self):
        return self.synapses

    @property
    def clock(self):
        return self.synapses.clock

    @property
    def when(self) -> str:
        return self._when

    @when.setter
    def when(self, when: str) -> None:
        try:
            schedule_position(when)
        except ScheduleError as error:
            raise ScheduleError(f"{self.name}.when: {error}") from None
        self._when = when

    @property
    def order(self) -> int:
        return self.synapses.order if self._order is None else self._order

    @order.setter
    def order(self, order: int) -> None:
        self._order = int(order)

    def sort_key(self) -> tuple:
        return schedule_key(self.synapses, self.when, self.order)

    def __repr__(self) -> str:
        return (
            f"<SummedUpdater {self.name}: {self.summed_name} = {self.expression.code} summed "
            f"into {self.group.name}.{self.variable}, when={self.when!r}, order={self.order}>"
        )
