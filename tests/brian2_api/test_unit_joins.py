"""NumPy's joining functions on quantities give Brian 2's numbers (np.vstack((v, zeros(n))))."""

import warnings

import numpy as np
import pytest

from axonal import mV, second
from axonal.units import DIMENSIONLESS, Quantity, get_dimensions
from axonal.units.array_functions import UnitsDroppedWarning
from tests.brian2_api.brian2_values import brian2_behaviour

FUNCTIONS = ("concatenate", "hstack", "vstack", "stack", "column_stack", "dstack", "append")
OTHERS = {
    "zeros": np.zeros(2),
    "same_unit": np.array([3.0, 4.0]) * mV,
    "other_unit": np.ones(2) * second,
    "plain_numbers": [1.0, 2.0],
}
# Where axonal keeps the unit (Brian 2 returns the same numbers without one).
KEEPS_UNIT = {"zeros", "same_unit"}


@pytest.mark.parametrize("case", OTHERS)
@pytest.mark.parametrize("name", FUNCTIONS)
def test_joined_values_are_brian2s_in_si(name, case):
    x = np.array([1.0, 2.0]) * mV
    function, other = getattr(np, name), OTHERS[case]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        joined = function(x, other) if name == "append" else function((x, other))
    np.testing.assert_array_equal(np.asarray(joined), brian2_behaviour("joins", f"{name}/{case}"))
    dropped = [w for w in caught if issubclass(w.category, UnitsDroppedWarning)]
    if case in KEEPS_UNIT:
        assert isinstance(joined, Quantity) and get_dimensions(joined) is get_dimensions(mV)
        assert not dropped
    else:
        assert get_dimensions(joined) is DIMENSIONLESS and not isinstance(joined, Quantity)
        assert len(dropped) == 1 and f"np.{name} joined values in different units" in str(
            dropped[0].message
        )
        assert dropped[0].filename == __file__  # the warning points at the caller's line
