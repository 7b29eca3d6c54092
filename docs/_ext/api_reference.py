"""Sphinx extension: writes the API reference page from ``from axonal import *`` itself.

Every name of the star import is on the page: axonal's classes and functions through autodoc
(grouped by the room that defines them), the units in one table per dimension, and the names
re-exported from NumPy as a list. A name added to a room's ``__all__`` appears without an edit
here, so the reference cannot fall behind the namespace.
"""

from __future__ import annotations

import inspect
from collections import defaultdict
from pathlib import Path

from sphinx.application import Sphinx

ROOM_TITLES = {
    "units": "Units and unit-aware functions",
    "model": "Equations and functions",
    "codegen": "Targets and preferences",
    "network": "Networks, running and scheduling",
    "groups": "Neuron groups and input groups",
    "synapses": "Synapses",
    "monitors": "Monitors",
    "inputs": "Inputs",
    "records": "Run records",
}


def public_names() -> dict[str, list[str]]:
    """Axonal's own public names by room, plus 'units' (Unit objects) and 'foreign'."""
    import axonal
    from axonal.units import Quantity

    groups: dict[str, list[str]] = defaultdict(list)
    # dict.fromkeys: a name in both pylab's names and a room's __all__ (`arange`, `seed`)
    # is listed once, where its final object belongs (documenting it twice is a warning).
    for name in dict.fromkeys(axonal.__all__):
        obj = getattr(axonal, name)
        defining = obj if inspect.isclass(obj) or callable(obj) else type(obj)
        module = getattr(defining, "__module__", None) or ""
        if isinstance(obj, Quantity) or isinstance(obj, float | int):
            groups["values"].append(name)
        elif module.startswith("axonal."):
            groups[module.split(".")[1]].append(name)
        else:
            groups["foreign"].append(name)
    return groups


def _directive(name: str) -> list[str]:
    """The reST that documents ``axonal.<name>``: autodoc for classes and functions; an
    instance (``prefs``, ``defaultclock``) with its class's docstring."""
    import axonal

    obj = getattr(axonal, name)
    if inspect.isclass(obj):
        return [f".. autoclass:: axonal.{name}", "   :members:", ""]
    if callable(obj):
        return [f".. autofunction:: axonal.{name}", ""]
    text = inspect.getdoc(type(obj)) or ""
    lines = [f".. py:data:: axonal.{name}", ""]
    lines += [f"   {line}" if line else "" for line in text.splitlines()]
    return [*lines, ""]


def _unit_rows() -> list[str]:
    import axonal
    from axonal.units import Unit, get_dimensions

    by_dimension: dict[str, list[str]] = defaultdict(list)
    others = []
    for name in public_names()["values"]:
        value = getattr(axonal, name)
        if isinstance(value, Unit):
            by_dimension[str(get_dimensions(value))].append(name)
        else:
            others.append(name)
    rows = ["| dimension | units |", "| --- | --- |"]
    for dimension, names in sorted(by_dimension.items()):
        shown = ", ".join(f"`{n}`" for n in sorted(names, key=lambda n: (len(n), n)))
        rows.append(f"| {dimension or '1'} | {shown} |")
    return rows, others


def write_reference(app: Sphinx) -> None:
    groups = public_names()
    lines = [
        "# API reference",
        "",
        "Every name that `from axonal import *` gives, generated from the package itself. "
        "The `axonal` command is described in [the command line](cli.md). The examples "
        "assume `from axonal import *`; they are run by the test suite "
        "(tests/test_docstrings.py).",
        "",
    ]
    for room, title in ROOM_TITLES.items():
        names = groups.get(room, [])
        if not names:
            continue
        lines += [f"## {title}", "", "```{eval-rst}"]
        for name in names:
            lines += _directive(name)
        lines += ["```", ""]
    rows, others = _unit_rows()
    lines += [
        "## Units",
        "",
        "Every unit below is a name of `from axonal import *` (SI prefixes from `f` to `T` on "
        "each; rarer ones such as `dametre` are in `axonal.units.registry`). Multiply a number "
        "by a unit to give it one: `3 * mV`; divide to take it away: `v / mV`.",
        "",
        *rows,
        "",
    ]
    if others:
        lines += ["Constants: " + ", ".join(f"`{n}`" for n in others) + ".", ""]
    foreign = groups.get("foreign", [])
    if foreign:
        lines += [
            "## Names re-exported from NumPy (and others)",
            "",
            "These are the libraries' own functions, made unit-aware through `Quantity`; "
            "their documentation is NumPy's: " + ", ".join(f"`{n}`" for n in foreign) + ".",
            "",
        ]
    Path(app.srcdir, "reference", "api.md").write_text("\n".join(lines))


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", write_reference)
    return {"parallel_read_safe": True, "version": "1"}
