"""The benchmark models of /work/shared/BENCHMARKS.md bound to Brian 2.

The models themselves are benchmarks/models.py, written once with the Brian 2 API; axonal's
benchmark (benchmarks/axonal_bench.py) runs the very same lines with axonal.
"""

import sys
from pathlib import Path

import brian2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import models  # noqa: E402  (benchmarks/ is not a package)

MODELS = models.bound_to(brian2)
default_size = models.default_size
default_p = models.default_p

__all__ = ["MODELS", "default_p", "default_size"]
