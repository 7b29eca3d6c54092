"""A group's state as a whole, as Brian 2 gives it: ``get_states``, ``set_states``, ``G.t``.

``G.get_states()`` is a dict of every variable's values (with units unless ``units=False``),
plus ``N``, ``t``, ``dt`` and ``t_in_timesteps`` when read-only variables are included;
``format='pandas'`` gives a DataFrame (values in SI units). ``G.set_states(values)`` sets
several variables at once, from a dict or a DataFrame, refusing read-only variables and values
in the wrong units, as Brian 2 does.
"""

from __future__ import annotations

import numpy as np

from axonal.units import DimensionMismatchError, Quantity, get_dimensions, second

_CLOCK_NAMES = ("N", "t", "dt", "t_in_timesteps")
_FORMATS = ("dict", "pandas")


class GroupStates:
    """get_states/set_states and the clock's t and dt, for Group."""

    # -- the clock, as Brian 2 shows it on groups ----------------------------------------
    @property
    def t(self) -> Quantity:
        return Quantity.with_dimensions(self.clock.t_, get_dimensions(second))

    @property
    def t_(self) -> float:
        return self.clock.t_

    @property
    def dt(self) -> Quantity:
        return Quantity.with_dimensions(self.clock.dt_, get_dimensions(second))

    @property
    def dt_(self) -> float:
        return self.clock.dt_

    # -- the whole state -------------------------------------------------------------------
    def _read_only(self, name: str) -> bool:
        variable = self.variables[name]
        return bool(variable.read_only) or variable.kind in ("index", "constant", "linked")

    def get_states(
        self,
        vars=None,
        units: bool = True,
        format: str = "dict",
        subexpressions: bool = False,
        read_only_variables: bool = True,
        level: int = 0,
    ):
        """The values of ``vars`` (default: all variables) as a dict or a pandas DataFrame."""
        if format not in _FORMATS:
            raise ValueError(f"{self.name}.get_states: format must be one of {_FORMATS}")
        if format == "pandas" and units:
            raise NotImplementedError(
                f"{self.name}.get_states(format='pandas') keeps no units; "
                "call it with units=False (values are in SI base units)"
            )
        if vars is None:
            vars = [
                name
                for name, variable in self.variables.items()
                if not name.startswith("_")  # internal arrays (synapses' neuron indices)
                and (subexpressions or variable.kind != "subexpression")
                and (read_only_variables or not self._read_only(name))
            ]
            if read_only_variables:
                vars = [*_CLOCK_NAMES, *vars]
        states = {name: self._state_value(name, units) for name in vars}
        if format == "pandas":
            import pandas

            return pandas.DataFrame({k: np.broadcast_to(v, (self.N,)) for k, v in states.items()})
        return states

    def _state_value(self, name: str, units: bool):
        if name in self.variables:
            values = self.get_values(name)
            return values if units else np.asarray(values)
        clock_values = {
            "N": np.asarray(self.N),
            "t": self.t if units else self.clock.t_,
            "dt": self.dt if units else self.clock.dt_,
            "t_in_timesteps": np.asarray(self.clock.timestep),
        }
        if name not in clock_values:
            known = ", ".join(sorted([*_CLOCK_NAMES, *self.variables]))
            raise KeyError(f"{self.name} has no variable {name!r} (it has: {known})")
        return clock_values[name]

    def set_states(self, values, units: bool = True, format: str = "dict", level: int = 0):
        """Set several variables at once from a dict (or a pandas DataFrame) of values."""
        if format not in _FORMATS:
            raise ValueError(f"{self.name}.set_states: format must be one of {_FORMATS}")
        if hasattr(values, "columns"):  # a DataFrame: one column per variable
            values = {name: values[name].to_numpy() for name in values.columns}
        for name in values:
            if name not in self.variables:
                raise KeyError(f"{self.name}.set_states: there is no variable {name!r}")
            if self._read_only(name) or self.variables[name].kind == "subexpression":
                raise TypeError(f"{self.name}.set_states: variable {name} is read-only")
        for name, value in values.items():
            if units:
                self.set_values(name, slice(None), value)
                continue
            if isinstance(value, Quantity):
                raise DimensionMismatchError(
                    f"{self.name}.set_states(units=False) takes plain values (SI base units) "
                    f"for {name}, not {value!r}",
                    get_dimensions(value),
                )
            self._check_writable(name)
            self.set_raw(name, value)


def store_to_file(filename, name: str, snapshot: dict) -> None:
    """Add ``snapshot`` under ``name`` to the pickle file ``filename`` (``store(filename=)``)."""
    import pickle
    from pathlib import Path

    path = Path(filename)
    stored = {}
    if path.exists():
        with path.open("rb") as existing:
            stored = pickle.load(existing)
    stored[name] = snapshot
    with path.open("wb") as out:
        pickle.dump(stored, out)


def restore_from_file(filename, name: str, network_name: str) -> dict:
    """The snapshot stored under ``name`` in ``filename``; the error lists what the file holds."""
    import pickle

    with open(filename, "rb") as stored_file:
        stored = pickle.load(stored_file)  # a file this script (or its user) wrote with store()
    if name not in stored:
        known = ", ".join(sorted(stored)) or "none"
        raise KeyError(
            f"{filename} holds no state {name!r} for {network_name!r} (it holds: {known})"
        )
    return stored[name]


__all__: list[str] = []
