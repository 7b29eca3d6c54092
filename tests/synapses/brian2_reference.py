"""Write what Brian 2 gives for scripts written once for both simulators (run with Brian 2, by
brian2_delays.py and brian2_run_regularly.py). Nothing here imports axonal."""

import json
from pathlib import Path

import brian2


def write_reference(scripts: dict, output: Path) -> None:
    """Run each of ``scripts`` (name -> function of the simulator's module) with Brian 2's
    NumPy target and write their plain values, with Brian 2's version, to ``output``."""
    brian2.prefs.codegen.target = "numpy"
    brian2.seed(1)
    found = {name: script(brian2) for name, script in scripts.items()}
    found["brian2_version"] = brian2.__version__
    output.parent.mkdir(exist_ok=True)
    output.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n")
    print(f"wrote {output}")
