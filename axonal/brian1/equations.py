"""Brian 1 equations (no flags, aliases ``u = V``, scaled units ``: mV``) as axonal equations."""

from __future__ import annotations

import re

from axonal.brian1.unsupported import Brian1Unsupported
from axonal.units import DIMENSIONLESS, get_dimensions, get_unit
from axonal.units.registry import registry

# The names that Brian 1 tried, in this order, as the membrane potential (threshold=-50*mV
# and reset=-60*mV act on it; otherwise on the first differential equation).
MEMBRANE_NAMES = ("v", "V", "vm", "Vm")

_DIFFERENTIAL = re.compile(r"^d(?P<name>\w+)\s*/\s*dt\s*=(?P<rhs>[^:]*):(?P<unit>.*)$")
_EQUATION = re.compile(r"^(?P<name>\w+)\s*=(?P<rhs>[^:]*):(?P<unit>.*)$")
_ALIAS = re.compile(r"^(?P<name>\w+)\s*=\s*(?P<rhs>\w+)\s*$")
_PARAMETER = re.compile(r"^(?P<name>\w+)\s*:(?P<unit>.*)$")
_FLAGS = re.compile(
    r"\(\s*(unless refractory|constant over dt|constant|shared|linked|event-driven"
    r"|clock-driven|summed)\b[^)]*\)\s*$"
)
# Brian 1 spelled powers of units as volt2, amp3, metre2...
_UNIT_POWER = re.compile(r"^(?P<base>[A-Za-z]+?)(?P<power>[23])$")


class Brian1EquationError(ValueError):
    """A Brian 1 equation line that cannot be read; the message quotes the line."""


def si_unit_text(text: str, line: str) -> tuple[str, object]:
    """The SI unit name axonal writes for a Brian 1 unit (``mV`` -> ``volt``, ``volt2`` ->
    ``volt ** 2``, ``1`` -> ``1``), and its dimension."""
    text = text.strip()
    namespace = dict(registry)
    for name in re.findall(r"[A-Za-z_]\w*", text):
        power = _UNIT_POWER.match(name)
        if name not in namespace and power and power["base"] in registry:
            namespace[name] = registry[power["base"]] ** int(power["power"])
    try:
        value = eval(text, {"__builtins__": {}}, namespace)  # unit names and * / ** only
    except Exception as error:  # noqa: BLE001 - any failure means the unit is unreadable
        raise Brian1EquationError(
            f"Brian 1 equation {line!r}: cannot read the unit {text!r} ({error})"
        ) from None
    dim = get_dimensions(value)
    return ("1" if dim is DIMENSIONLESS else get_unit(dim).name), dim


class Brian1Equations:
    """Equations in Brian 1's syntax, kept with the substitutions given to ``Equations``.

    ``Equations('dv/dt = -v/tau : volt', tau=10*ms)`` binds ``tau`` to a value and
    ``Equations('...', v='V')`` renames ``v``; ``+`` joins two sets of equations.
    """

    def __init__(self, text: str = "", **substitutions) -> None:
        self.lines: list[str] = []
        self.values: dict[str, object] = {}
        renames: dict[str, str] = {}
        for name, value in substitutions.items():
            if isinstance(value, str):
                renames[name] = value
            else:
                self.values[name] = value
        for raw in str(text).splitlines():
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            for old, new in renames.items():
                line = re.sub(rf"\bd{re.escape(old)}(\s*/\s*dt)\b", rf"d{new}\1", line)
                line = re.sub(rf"\b{re.escape(old)}\b", new, line)
            self.lines.append(line)

    def __add__(self, other: Brian1Equations | str) -> Brian1Equations:
        other = other if isinstance(other, Brian1Equations) else Brian1Equations(other)
        joined = Brian1Equations()
        joined.lines = self.lines + other.lines
        joined.values = {**self.values, **other.values}
        return joined

    __radd__ = __add__

    def __str__(self) -> str:
        return "\n".join(self.lines)

    # -- translation ---------------------------------------------------------------------
    def parsed(self) -> list[tuple[str, str, str | None, str]]:
        """(kind, name, right-hand side or None, SI unit) per line; kind is 'diff',
        'equation', 'alias' or 'parameter'. Aliases take the unit of the name they alias."""
        rows: list[list] = []
        for line in self.lines:
            for kind, pattern in (  # noqa: B007 - the kind that matched is used below
                ("diff", _DIFFERENTIAL),
                ("equation", _EQUATION),
                ("alias", _ALIAS),
                ("parameter", _PARAMETER),
            ):
                match = pattern.match(line)
                if match:
                    break
            else:
                raise Brian1EquationError(
                    f"Brian 1 equation {line!r} is none of 'dx/dt = ... : unit', "
                    "'x = ... : unit', 'x = y' (alias) or 'x : unit' (parameter)"
                )
            flags = _FLAGS.search(match["unit"]) if kind != "alias" else None
            if flags:
                raise Brian1Unsupported(
                    f"the flag {flags[0]!r} in the equation {line!r}",
                    "Brian 1 equations have no flags; import from axonal (Brian 2 syntax) "
                    "to use (unless refractory), (constant) or (shared)",
                )
            rhs = match.groupdict().get("rhs")
            unit = None
            if kind != "alias":
                unit = si_unit_text(match["unit"], line)[0]
            rows.append([kind, match["name"], rhs.strip() if rhs else None, unit])
        units = {row[1]: row[3] for row in rows if row[3] is not None}
        for row in rows:
            if row[0] == "alias":
                if row[2] not in units:
                    raise Brian1EquationError(
                        f"Brian 1 alias '{row[1]} = {row[2]}': {row[2]!r} is not a variable of "
                        "these equations"
                    )
                row[3] = units[row[2]]
        return [tuple(row) for row in rows]

    def state_order(self) -> list[str]:
        """Brian 1's order of the state variables (state 0, 1, ...): the differential
        equations as written, with the one named v, V, vm or Vm (if exactly one is) swapped
        to the front, then the parameters. Threshold and Reset values act on state 0."""
        rows = self.parsed()
        differential = [name for kind, name, _, _ in rows if kind == "diff"]
        guesses = [name for name in differential if name in MEMBRANE_NAMES]
        if len(guesses) == 1:
            k = differential.index(guesses[0])
            differential[0], differential[k] = differential[k], differential[0]
        return differential + [name for kind, name, _, _ in rows if kind == "parameter"]

    def axonal_text(self, unless_refractory: str | None = None) -> str:
        """The same model in axonal's syntax; ``unless_refractory`` names the variable that
        Brian 1's refractoriness clamps (it gets the ``(unless refractory)`` flag)."""
        out = []
        for kind, name, rhs, unit in self.parsed():
            if kind == "diff":
                flag = " (unless refractory)" if name == unless_refractory else ""
                out.append(f"d{name}/dt = {rhs} : {unit}{flag}")
            elif kind in ("equation", "alias"):
                out.append(f"{name} = {rhs} : {unit}")
            else:
                out.append(f"{name} : {unit}")
        return "\n".join(out)


def Equations(text: str = "", **substitutions) -> Brian1Equations:  # noqa: N802 - Brian 1 name
    """Brian 1's ``Equations(text, **substitutions)``."""
    return Brian1Equations(text, **substitutions)
