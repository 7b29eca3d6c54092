"""NumPy's namespace with units kept, as Brian 2's ``brian2.numpy_``: ``np`` in the star import.

Quantities already pass through NumPy's own functions with their units checked and kept; this
namespace is NumPy's, except ``arange``, which takes quantities (``np.arange(0*ms, 10*ms, dt)``
keeps milliseconds). Everything else, submodules included (``np.random``), is NumPy's own.
"""

import numpy as _numpy

from axonal.units.numpy_functions import arange as _arange_with_units

# NumPy's names as loaded so far; the submodules NumPy loads on first use (numpy.testing, ...)
# come through __getattr__ below when asked for, so that importing axonal does not load them.
globals().update({k: v for k, v in vars(_numpy).items() if not k.startswith("__")})

arange = _arange_with_units  # replaces NumPy's: takes quantities and keeps their unit

__all__ = list(_numpy.__all__)


def __getattr__(name: str):
    # Names outside numpy.__all__ (private helpers, aliases) are NumPy's too.
    return getattr(_numpy, name)


def __dir__():
    return sorted(set(globals()) | set(dir(_numpy)))


if not hasattr(_numpy, "in1d"):
    # Removed in NumPy 2.4; Brian 2's examples (written for older NumPy) still call np.in1d.
    def in1d(ar1, ar2, assume_unique=False, invert=False):
        """``np.isin`` of the flattened ``ar1`` (NumPy's former in1d)."""
        return _numpy.isin(_numpy.ravel(ar1), ar2, assume_unique=assume_unique, invert=invert)
