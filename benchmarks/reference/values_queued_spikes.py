"""Reference values: spikes queued for a synaptic delay across runs, with the delays or dt
changed between the runs (Brian 2 keeps what was queued at its arrival time, to the nearest
step of a new dt; a changed delay applies to new spikes only).

Usage: values_queued_spikes.py   (stores reference_values.json["queued_spikes"])
"""

import sys
from pathlib import Path

from reference_store import record

# The networks are written once, with the simulator as a parameter: the tests run the same
# functions with axonal (tests/network/test_run_state.py).
sys.path.insert(0, str(Path(__file__).parents[2]))
from tests.brian2_api.scripts import (  # noqa: E402
    queued_spike_delay_changed,
    queued_spike_dt_changed,
)

SCRIPT = "values_queued_spikes.py"
# (delay of the queued spike, first run, dt of the second run), all in ms. Cases where Brian
# 2.9.0 delivers the spike; with (1.7, 0.5, 0.25) and (1.3, 0.5, 0.5) it drops it.
DT_CASES = [(1.3, 1.0, 0.25), (1.3, 0.5, 0.25), (2.0, 0.6, 0.2)]


if __name__ == "__main__":
    import brian2

    brian2.prefs.codegen.target = "numpy"
    cases = [{"case": list(c), "t": queued_spike_dt_changed(brian2, *c)} for c in DT_CASES]
    delay_changed = queued_spike_delay_changed(brian2)
    record("queued_spikes", "dt_changed", {"cases": cases}, SCRIPT)
    record("queued_spikes", "delay_changed", delay_changed, SCRIPT)
    print(cases, delay_changed)
