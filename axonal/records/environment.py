"""What a run ran on: Python, the packages it actually imported, OS, CPU, cores and memory."""

from __future__ import annotations

import os
import platform
import socket
import sys
from functools import lru_cache
from types import ModuleType
from typing import Any

# Import names whose distribution is called otherwise (found without scanning every package).
DISTRIBUTION_NAMES = {
    "yaml": "PyYAML",
    "sklearn": "scikit-learn",
    "PIL": "Pillow",
    "dateutil": "python-dateutil",
    "skimage": "scikit-image",
    "cv2": "opencv-python",
    "bs4": "beautifulsoup4",
    "google": "protobuf",
    "attr": "attrs",
    "pkg_resources": "setuptools",
    "_pytest": "pytest",
}


def imported_packages(modules: dict[str, ModuleType] | None = None) -> dict[str, str]:
    """Versions of the third-party top-level packages in `modules` (sys.modules by default).

    Only the packages the run imported are looked up, by the names of the `*.dist-info` folders
    on sys.path (one directory listing per path entry), so this stays fast however many packages
    are installed; a package without one is asked for its `__version__`.
    """
    modules = dict(sys.modules if modules is None else modules)
    standard = getattr(sys, "stdlib_module_names", frozenset())
    installed = _installed_versions(tuple(sys.path))
    versions: dict[str, str] = {}
    for name in sorted({name.partition(".")[0] for name in modules}):
        if name.startswith("_") or name in standard or name in sys.builtin_module_names:
            continue
        version = installed.get(_normalise(DISTRIBUTION_NAMES.get(name, name)))
        if version is None:
            attribute = getattr(modules.get(name), "__version__", None)
            version = attribute if isinstance(attribute, str) else None
        if version is not None:
            versions[name] = version
    return versions


def _normalise(distribution: str) -> str:
    return distribution.lower().replace("-", "_").replace(".", "_")


@lru_cache(maxsize=4)
def _installed_versions(path: tuple[str, ...]) -> dict[str, str]:
    """Distribution name -> version, read from `name-version.dist-info` folder names."""
    versions: dict[str, str] = {}
    for entry in path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for folder in names:
            if folder.endswith((".dist-info", ".egg-info")):
                stem = folder.rsplit(".", 1)[0]
                distribution, _, version = stem.partition("-")
                version = version.split("-py")[0]
                if version:
                    versions.setdefault(_normalise(distribution), version)
    return versions


@lru_cache(maxsize=1)
def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_bytes() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def platform_facts() -> dict[str, Any]:
    """The machine and the Python that ran the script."""
    return {
        "os": platform.platform(),
        "system": platform.system(),
        "machine": platform.machine(),
        "cpu": _cpu_name(),
        "cores": os.cpu_count(),
        "memory_bytes": _memory_bytes(),
        "hostname": socket.gethostname(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "python_executable": sys.executable,
    }


def user_name() -> str:
    """The login name of whoever runs the script."""
    try:
        import getpass

        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid()) if hasattr(os, "getuid") else "unknown"
