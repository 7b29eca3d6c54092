"""axonal.pynn agrees with pyNN.nest (NEST 3.10) on the standard cell types.

The reference values come from benchmarks/reference/values_pynn_nest.py run in the reference
environment; both simulators run the same PyNN script (benchmarks/reference/
pynn_cell_protocols.py): a step current and excitatory/inhibitory spike input, 200 ms.

Tolerances, from the integration methods:
- current-based LIF and Izhikevich: both integrate the same way (exact propagators for the
  linear cells; forward Euler for Izhikevich, as NEST's izhikevich), so sub-threshold traces
  agree to rounding (1e-9 mV).
- conductance-based and AdEx cells: axonal integrates with RK4 at dt = 0.1 ms, NEST with
  adaptive RKF45 (GSL, tolerance 1e-3 or better): sub-threshold traces within 1e-3 mV.
- spike times: pyNN.nest uses NEST's precise (off-grid) spike times, axonal the grid, and the
  reset follows the spike on the grid, so the k-th spike (k = 1, 2, ...) may lag by up to
  k steps: |dt_k| <= k * 0.1 ms (for Izhikevich, same scheme: equal).
- AdEx driven by spikes fires in bursts whose later timing depends on sub-step differences:
  the first 5 spikes within 1 ms, the counts within 1.
- HH: axonal uses exponential Euler at 0.1 ms (RK4 is unstable at this step for the fast
  sodium activation), first order in dt, against NEST's RKF45. Measured: under the step the
  first spike within 0.2 ms and the interval 8 % longer; after synaptic input the latency
  2.2 ms shorter (the slow approach to threshold amplifies the first-order error). Checked:
  the first spike within 3 ms, the count within 1, the mean interval within 12 %.
"""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

sim = pytest.importorskip("axonal.pynn")
REFERENCE = Path(__file__).resolve().parents[2] / "benchmarks" / "reference"
sys.path.insert(0, str(REFERENCE))
from pynn_cell_protocols import SAMPLING, run_protocol  # noqa: E402

NEST = json.loads((REFERENCE / "pynn_nest_values.json").read_text())
EXACT = {"IF_curr_exp", "IF_curr_alpha", "Izhikevich"}
RK4 = {"IF_cond_exp", "IF_cond_alpha", "EIF_cond_exp_isfa_ista", "EIF_cond_alpha_isfa_ista"}


def subthreshold_difference(mine: dict, nest: dict) -> float:
    """Largest |v difference| (mV) before the first spike of either simulator."""
    first = min(mine["spike_times"][:1] + nest["spike_times"][:1] + [1e9])
    samples = int(first / SAMPLING) - 1 if first < 1e9 else len(nest["v"])
    return float(np.max(np.abs(np.subtract(mine["v"][:samples], nest["v"][:samples]))))


@pytest.mark.parametrize("cell_type", sorted(NEST["cells"]))
def test_cell_type_agrees_with_nest(cell_type):
    mine = run_protocol(sim, cell_type)
    for protocol in ("step", "spikes"):
        ours, theirs = mine[protocol], NEST["cells"][cell_type][protocol]
        a, b = np.array(ours["spike_times"]), np.array(theirs["spike_times"])
        difference = subthreshold_difference(ours, theirs)
        if cell_type in EXACT:
            assert difference < 1e-9, (protocol, difference)
        elif cell_type in RK4:
            assert difference < 1e-3, (protocol, difference)
        if (
            cell_type in EXACT
            or cell_type in RK4
            and not (cell_type.startswith("EIF") and protocol == "spikes")
        ):
            assert a.size == b.size, (protocol, a, b)
            lag = np.abs(a - b)
            assert np.all(lag <= 0.1 * np.arange(1, a.size + 1) + 1e-6), (protocol, a, b)
        elif cell_type.startswith("EIF"):
            assert abs(a.size - b.size) <= 1, (protocol, a, b)
            assert np.all(np.abs(a[:5] - b[:5]) <= 1.0), (protocol, a, b)
        else:  # HH
            assert abs(a.size - b.size) <= 1, (protocol, a, b)
            assert abs(a[0] - b[0]) <= 3.0, (protocol, a, b)
            if a.size > 2:
                assert np.diff(a).mean() == pytest.approx(np.diff(b).mean(), rel=0.12)
