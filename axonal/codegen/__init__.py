"""Code generation: the intermediate form printed as NumPy or Numba code; the kernel cache."""

__all__: list[str] = []
