"""Measure Brian 2's Synapses.run_regularly for tests/synapses/test_run_regularly.py (run with
Brian 2).

    /work/refenv/bin/python tests/synapses/brian2_run_regularly.py

writes tests/synapses/reference/brian2_run_regularly.json: what Brian 2.9.0 (NumPy target) gives
for the scripts of run_regularly_scripts.py. Nothing here imports axonal.
"""

import json
import sys
from pathlib import Path

import brian2

sys.path.insert(0, str(Path(__file__).parents[2]))  # the repository: tests.synapses
from tests.synapses.run_regularly_scripts import SCRIPTS  # noqa: E402

OUTPUT = Path(__file__).parent / "reference" / "brian2_run_regularly.json"


def main() -> None:
    brian2.prefs.codegen.target = "numpy"
    found = {name: script(brian2) for name, script in SCRIPTS.items()}
    found["brian2_version"] = brian2.__version__
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
