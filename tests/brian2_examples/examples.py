"""Which of Brian 2's example scripts to run, how to swap their imports, and why some cannot run."""

from __future__ import annotations

import ast
import ctypes.util
import importlib.util
import re
import shutil
import sys
from pathlib import Path

# Modules an example imports from its own folder; they are not examples themselves.
HELPER_MODULES = {
    "frompapers/Brette_2012/params.py",
    "frompapers/Stimberg_et_al_2018/plot_utils.py",
}

# `from brian2 import *`, `import brian2 as b2`, `from brian2.units import ms`, ... at any depth:
# the module name brian2 becomes axonal, nothing else in the script changes.
_BRIAN2_IMPORT = re.compile(r"^(\s*(?:from|import)\s+)brian2(?=[\s.,])", re.MULTILINE)

# Data files an example reads that neither Brian 2's sdist nor its repository ships.
DATA_NOT_SHIPPED = {
    "frompapers/Diehl_Cook_2015.py": "needs the MNIST data files, which Brian 2 does not ship",
}


# Examples that fail with Brian 2 itself in its own environment here (same error).
FAILS_WITH_BRIAN2 = {
    "coupled_oscillators.py": (
        "fails with Brian 2.9.0 too: matplotlib 3.11 refuses the scalar the script's animation "
        "passes to Line2D.set_data ('x must be a sequence')"
    ),
}


def swap_imports(source: str) -> str:
    return _BRIAN2_IMPORT.sub(r"\1axonal", source)


def example_names(folder: Path) -> list[str]:
    names = sorted(str(p.relative_to(folder)) for p in folder.rglob("*.py"))
    return [n for n in names if n not in HELPER_MODULES]


def swapped_copy(folder: Path, destination: Path) -> Path:
    """A copy of the examples folder with every ``.py`` file's brian2 imports swapped."""
    shutil.copytree(folder, destination)
    for path in destination.rglob("*.py"):
        path.write_text(swap_imports(path.read_text()))
    return destination


def _unconditional_imports(tree: ast.Module) -> set[str]:
    """Top-level module names imported at module level (not in functions or try blocks)."""
    names: set[str] = set()
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        elif isinstance(node, (ast.If, ast.With, ast.For)):
            pending.extend(node.body)
            pending.extend(getattr(node, "orelse", []))
    return names


def missing_packages(script: Path) -> list[str]:
    """The third-party packages the script imports that are not installed here."""
    local = {p.stem for p in script.parent.glob("*.py")}
    imported = _unconditional_imports(ast.parse(script.read_text()))
    return sorted(
        name
        for name in imported - local - set(sys.stdlib_module_names) - {"brian2", "axonal"}
        if importlib.util.find_spec(name) is None
    )


def skip_reason(script: Path) -> str | None:
    """Why an example cannot run here for a reason that is not axonal's, or None."""
    source = script.read_text()
    for reasons in (DATA_NOT_SHIPPED, FAILS_WITH_BRIAN2):
        name = next((n for n in reasons if script.as_posix().endswith("/" + n)), None)
        if name:
            return reasons[name]
    if re.search(r"method\s*=\s*['\"]gsl|'gsl_%s'", source) and not ctypes.util.find_library("gsl"):
        return "uses the GSL integrators, and the GSL library is not installed (Brian 2 needs it)"
    if script.parent.name == "compartmental":
        return "run by tests/spatial/test_brian2_compartmental.py, against Brian 2's digests"
    missing = missing_packages(script)
    if missing:
        return f"needs {', '.join(missing)}, not installed (Brian 2 would need it too)"
    return None
