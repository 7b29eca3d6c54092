"""Optional packages: import one, or say in one line which extra installs it."""

from __future__ import annotations

import importlib
from types import ModuleType


class MissingDependencyError(ModuleNotFoundError):
    """A feature needs a package that is not installed; the message gives the pip command."""


def require(module: str, feature: str, extra: str) -> ModuleType:
    """Import ``module`` for ``feature``, or fail with the ``pip install`` command of ``extra``.

    Example::

        pandas = require("pandas", "StateMonitor.to_dataframe()", "pandas")
    """
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        # Only the package itself missing is our message; a broken install stays visible.
        if error.name is None or error.name.split(".")[0] != module.split(".")[0]:
            raise
        raise MissingDependencyError(
            f"{feature} needs the package {module.split('.')[0]!r}, which is not installed: "
            f"pip install 'axonal[{extra}]'",
            name=error.name,
        ) from None
