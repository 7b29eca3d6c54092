"""Measure Brian 2's Synapses.run_regularly for tests/synapses/test_run_regularly.py (run with
Brian 2).

    /work/refenv/bin/python tests/synapses/brian2_run_regularly.py

writes tests/synapses/reference/brian2_run_regularly.json: what Brian 2.9.0 (NumPy target) gives
for the scripts of run_regularly_scripts.py. Nothing here imports axonal.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[2]))  # the repository: tests.synapses
from tests.synapses.brian2_reference import write_reference  # noqa: E402
from tests.synapses.run_regularly_scripts import SCRIPTS  # noqa: E402

OUTPUT = Path(__file__).parent / "reference" / "brian2_run_regularly.json"

if __name__ == "__main__":
    write_reference(SCRIPTS, OUTPUT)
