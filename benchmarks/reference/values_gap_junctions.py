"""Reference traces of gap-junction-coupled HH cells on NEST 3.10 (for PyNN's ElectricalSynapse).

pyNN.nest has no ElectricalSynapse, so this script uses NEST directly: hh_cond_beta_gap_traub
(NEST's Traub HH cell with gap-junction support; without synaptic input its membrane equations
are those of hh_cond_exp_traub, which is PyNN's HH_cond_exp) with PyNN's HH_cond_exp defaults.
Four cells: a, b, c in one population, d in another; junctions a-b, b-c and c-d of
GAP_WEIGHT uS; a current step into a. tests/pynn/test_gap_junctions.py runs the same network
with axonal.pynn. Usage: /work/refenv/bin/python values_gap_junctions.py
"""

import json
import platform
from pathlib import Path

import nest

OUTPUT = Path(__file__).with_name("pynn_gap_junction_values.json")
GAP_WEIGHT = 0.01  # uS
STEPS = {"subthreshold": 0.02, "spiking": 0.3}  # nA into cell a from ONSET on
ONSET, DURATION, DT, SAMPLE = 20.0, 120.0, 0.1, 0.5  # ms
# PyNN's HH_cond_exp defaults in NEST's names and units (nS, pF)
HH = {
    "g_Na": 20000.0,
    "g_K": 6000.0,
    "g_L": 10.0,
    "C_m": 200.0,
    "V_T": -63.0,
    "E_Na": 50.0,
    "E_K": -90.0,
    "E_L": -65.0,
    "V_m": -65.0,
    "Act_m": 0.0,
    "Inact_h": 1.0,
    "Act_n": 0.0,
}


def run(amplitude: float) -> dict:
    nest.ResetKernel()
    nest.resolution = DT
    cells = nest.Create("hh_cond_beta_gap_traub", 4, params=HH)
    nest.Connect(
        cells[[0, 1, 2]],
        cells[[1, 2, 3]],
        {"rule": "one_to_one", "make_symmetric": True},
        {"synapse_model": "gap_junction", "weight": GAP_WEIGHT * 1000.0},
    )
    step = nest.Create("step_current_generator")
    # a generator's change at T reaches the cell after the connection's delay (one step
    # here): the current then acts from ONSET on, as a PyNN current source's
    step.set(amplitude_times=[ONSET - DT], amplitude_values=[amplitude * 1000.0])
    nest.Connect(step, cells[0], syn_spec={"delay": DT})
    meter = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": SAMPLE})
    nest.Connect(meter, cells)
    spikes = nest.Create("spike_recorder")
    nest.Connect(cells, spikes)
    nest.Simulate(DURATION + SAMPLE)
    events = meter.events
    v = [[] for _ in range(4)]
    for sender, value in zip(events["senders"], events["V_m"], strict=True):
        v[list(cells.global_id).index(sender)].append(round(float(value), 6))
    fired = spikes.events
    trains = [
        [float(t) for s, t in zip(fired["senders"], fired["times"], strict=True) if s == gid]
        for gid in cells.global_id
    ]
    # the multimeter's first sample is at SAMPLE: the state at 0 is the initial value
    return {"v": [[HH["V_m"]] + trace[: int(DURATION / SAMPLE)] for trace in v], "spikes": trains}


def main() -> None:
    values = {
        "script": "values_gap_junctions.py",
        "versions": {"nest": nest.__version__, "python": platform.python_version()},
        "gap_weight_uS": GAP_WEIGHT,
        "onset_ms": ONSET,
        "duration_ms": DURATION,
        "dt_ms": DT,
        "sample_ms": SAMPLE,
        "steps_nA": STEPS,
        "runs": {name: run(amplitude) for name, amplitude in STEPS.items()},
    }
    OUTPUT.write_text(json.dumps(values) + "\n")
    for name, result in values["runs"].items():
        print(name, [max(v) for v in result["v"]], [len(s) for s in result["spikes"]])


if __name__ == "__main__":
    main()
