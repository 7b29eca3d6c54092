"""The spatial tests change the default clock's dt (models run at 25 us, steady states with
10 ms steps): each test gets it back as it found it, so no other test runs on a changed dt."""

import pytest

from axonal import defaultclock


@pytest.fixture(autouse=True)
def restore_defaultclock_dt():
    dt = defaultclock.dt
    yield
    defaultclock.dt = dt
