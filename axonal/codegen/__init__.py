"""Code generation: the intermediate form printed as NumPy or Numba code; the kernel cache."""

from axonal.codegen.targets import set_target

__all__ = ["set_target"]
