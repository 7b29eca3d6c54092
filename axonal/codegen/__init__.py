"""Code generation: the intermediate form printed as NumPy or Numba code; the kernel cache."""

from axonal.codegen.preferences import prefs
from axonal.codegen.targets import get_target, set_target

__all__ = ["prefs", "set_target", "get_target"]
