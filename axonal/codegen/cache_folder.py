"""Where axonal keeps what it generates: kernels, and the symbolic integrations behind them."""

from __future__ import annotations

import os
from pathlib import Path

CACHE_DIR_VARIABLE = "AXONAL_CACHE_DIR"

__all__: list[str] = []


def cache_directory() -> Path:
    """The folder for generated modules (``$AXONAL_CACHE_DIR``, else the platform's cache)."""
    configured = os.environ.get(CACHE_DIR_VARIABLE)
    if configured:
        return Path(configured).expanduser()
    try:
        from platformdirs import user_cache_dir
    except ImportError:  # platformdirs comes with the records extra; fall back to XDG's default
        return Path(os.environ.get("XDG_CACHE_HOME", "~/.cache")).expanduser() / "axonal"
    return Path(user_cache_dir("axonal")) / "kernels"
