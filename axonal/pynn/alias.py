"""``pyNN.axonal``: the name under which PyNN's own tools find this backend.

PyNN's ``pyNN.utility.get_simulator()`` (``python some_pynn_script.py axonal``) imports
``pyNN.<name>``. Importing axonal.pynn registers that name for the running process; for
scripts that import nothing of axonal, ``python -m axonal.pynn.alias`` writes a one-line module
``pyNN/axonal.py`` into the installed PyNN package, which hands over to axonal.pynn.
"""

from __future__ import annotations

from pathlib import Path

MODULE_TEXT = '''"""PyNN's name for the axonal backend (written by python -m axonal.pynn.alias)."""

import sys

import axonal.pynn

sys.modules[__name__] = axonal.pynn
'''


def install(package_dir: Path | None = None) -> Path:
    """Write pyNN/axonal.py into the installed PyNN (or ``package_dir``); returns its path."""
    if package_dir is None:
        import pyNN

        package_dir = Path(pyNN.__file__).parent
    path = Path(package_dir) / "axonal.py"
    if not path.exists() or path.read_text() != MODULE_TEXT:
        path.write_text(MODULE_TEXT)
    return path


if __name__ == "__main__":
    print(f"pyNN.axonal now resolves to axonal.pynn: {install()}")
