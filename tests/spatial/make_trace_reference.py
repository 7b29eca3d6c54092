"""Traces of tests/spatial/models.py run by Brian 2.9.0 (its NumPy target), stored in
tests/spatial/reference/traces.json. From the repository root, in the reference environment:

    PYTHONPATH=<folder with SciPy> /work/refenv/bin/python -m \
        tests.spatial.make_trace_reference

Brian 2 needs SciPy for SpatialNeuron on its NumPy target (and hh_with_spikes.py imports
scipy.stats); /work/refenv has none, so SciPy comes from a folder on PYTHONPATH that links
only SciPy from axonal's environment (SciPy 1.17.1 on the reference's NumPy 2.3.5).
"""

import json
from pathlib import Path

import brian2

from tests.spatial.models import MODELS

OUTPUT = Path(__file__).parent / "reference" / "traces.json"


def main() -> None:
    brian2.prefs.codegen.target = "numpy"
    results = {"brian2": brian2.__version__}
    for name, model in MODELS.items():
        results[name] = model(brian2)
        print(name, "done", flush=True)
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(json.dumps(results) + "\n")
    print(f"{OUTPUT}: {OUTPUT.stat().st_size // 1024} kB")


if __name__ == "__main__":
    main()
