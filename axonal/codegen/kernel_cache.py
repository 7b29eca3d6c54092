"""The on-disk kernel cache: generated source stored as modules that Numba caches compiled.

A generated source is named by the SHA-256 of its text, the Numba version and the Python
version, written once into the cache folder and imported from there. Its functions carry
``@njit(cache=True)``, so Numba keeps their machine code next to the module (``__pycache__``)
and a second process importing the same module compiles nothing. The file is never rewritten,
which keeps Numba's cache index (keyed by the file's time stamp) valid.

The folder is ``platformdirs.user_cache_dir('axonal')``/kernels, or ``$AXONAL_CACHE_DIR``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType

import numba

from axonal.codegen.cache_folder import CACHE_DIR_VARIABLE, cache_directory

_loaded: dict[str, ModuleType] = {}  # digest -> module, for this process

__all__: list[str] = []


def source_digest(source: str) -> str:
    """The cache key: the source, and the versions that decide what it compiles to."""
    versions = f"numba {numba.__version__}; python {sys.version}"
    return hashlib.sha256(f"{versions}\n{source}".encode()).hexdigest()


def module_path(source: str, tag: str) -> Path:
    """The file a source is (or will be) stored in."""
    return cache_directory() / f"axonal_{tag}_{source_digest(source)[:24]}.py"


class KernelCacheError(OSError):
    """The cache folder cannot hold generated code (not writable, say)."""


def _write_once(path: Path, source: str) -> None:
    if path.exists():
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename: a concurrent process sees either no file or the whole file.
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w") as stream:
            stream.write(source)
        os.replace(temporary, path)
    except OSError as error:
        raise KernelCacheError(
            f"cannot write generated code to the kernel cache folder {path.parent} ({error}); "
            f"set {CACHE_DIR_VARIABLE} to a writable folder"
        ) from error


def load_module(
    source: str, tag: str = "kernel", injected: Mapping[str, object] | None = None
) -> ModuleType:
    """Import ``source`` from the cache folder (writing it there first if new).

    ``injected`` names are put into the module before it runs: compiled user functions the
    source calls but cannot import. Their code is part of ``source`` through a fingerprint
    comment, so a changed function gives a new module.
    """
    digest = source_digest(source)
    module = _loaded.get(digest)
    if module is not None:
        module.__dict__.update(injected or {})
        return module
    path = module_path(source, tag)
    _write_once(path, source)
    name = path.stem
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import the generated module {path}")
    module = importlib.util.module_from_spec(spec)
    module.__dict__.update(injected or {})
    # Numba finds a function's module (for its cache) through sys.modules.
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    _loaded[digest] = module
    return module
