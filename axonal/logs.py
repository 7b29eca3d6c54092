"""BrianLogger: Brian 2's switches for how much axonal reports, on Python's logging.

axonal's messages go to the ``axonal`` logger hierarchy (``axonal.integrate``,
``axonal.groups``, ...). As in Brian 2, warnings and errors are shown on the console by default;
``BrianLogger.log_level_info()`` and the others choose how much more is shown, and
``suppress_hierarchy('axonal.codegen')`` silences a part of it.
"""

from __future__ import annotations

import logging
import sys

__all__ = ["BrianLogger"]

ROOT = "axonal"
DIAGNOSTIC = 5  # Brian 2's level below DEBUG


class _Silenced(logging.Filter):
    def __init__(self, name: str, hierarchy: bool):
        super().__init__()
        self.silenced, self.hierarchy = name, hierarchy

    def filter(self, record: logging.LogRecord) -> bool:
        if self.hierarchy:
            return not (record.name == self.silenced or record.name.startswith(self.silenced + "."))
        return record.name != self.silenced


class BrianLogger:
    """``BrianLogger.log_level_info()`` and friends, as in Brian 2 (class methods only).

    >>> BrianLogger.log_level_warn()   # only warnings and errors on the console
    >>> BrianLogger.log_level_info()
    >>> BrianLogger.log_level_warn()
    """

    _handler: logging.Handler | None = None

    @classmethod
    def _console(cls) -> logging.Handler:
        if cls._handler is None:
            cls._handler = logging.StreamHandler(sys.stderr)
            cls._handler.setFormatter(logging.Formatter("%(levelname)-8s %(message)s [%(name)s]"))
            logger = logging.getLogger(ROOT)
            logger.addHandler(cls._handler)
            logger.propagate = False  # one line per message, not one more from the root logger
        return cls._handler

    @classmethod
    def log_level(cls, level: int) -> None:
        """Show axonal's messages of ``level`` and above on the console."""
        handler = cls._console()
        handler.setLevel(level)
        logging.getLogger(ROOT).setLevel(level)

    @classmethod
    def log_level_diagnostic(cls) -> None:
        cls.log_level(DIAGNOSTIC)

    @classmethod
    def log_level_debug(cls) -> None:
        cls.log_level(logging.DEBUG)

    @classmethod
    def log_level_info(cls) -> None:
        cls.log_level(logging.INFO)

    @classmethod
    def log_level_warn(cls) -> None:
        cls.log_level(logging.WARNING)

    @classmethod
    def log_level_error(cls) -> None:
        cls.log_level(logging.ERROR)

    @classmethod
    def suppress_hierarchy(cls, name: str, filter_log_file: bool = False) -> None:
        """Silence the messages of logger ``name`` and of those below it."""
        cls._console().addFilter(_Silenced(_axonal_name(name), hierarchy=True))

    @classmethod
    def suppress_name(cls, name: str, filter_log_file: bool = False) -> None:
        """Silence the messages of logger ``name`` only."""
        cls._console().addFilter(_Silenced(_axonal_name(name), hierarchy=False))


def _axonal_name(name: str) -> str:
    # Brian 2's logger names start with brian2; the same part of axonal starts with axonal.
    return ROOT + name[len("brian2") :] if name.startswith("brian2") else name
