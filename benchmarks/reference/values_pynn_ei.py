"""Statistics of the Vogels-Abbott E/I network on pyNN.nest (NEST 3.10), one per realisation.

The model and statistics are pynn_ei_protocol.py; the results (SEEDS realisations) go to
pynn_ei_values.json, which tests/pynn/test_ei_network.py compares with axonal.pynn.
Usage: /work/refenv/bin/python values_pynn_ei.py
"""

import json
import platform
import time
from pathlib import Path

import nest
import pyNN
import pyNN.nest as sim
from pynn_ei_protocol import run_ei

OUTPUT = Path(__file__).with_name("pynn_ei_values.json")
SEEDS = list(range(1, 9))


def main() -> None:
    runs = []
    for seed in SEEDS:
        started = time.perf_counter()
        runs.append({"seed": seed, **run_ei(sim, seed)})
        print(runs[-1], f"{time.perf_counter() - started:.0f} s", flush=True)
    values = {
        "script": "values_pynn_ei.py",
        "versions": {
            "pyNN": pyNN.__version__,
            "nest": nest.__version__,
            "python": platform.python_version(),
        },
        "runs": runs,
    }
    OUTPUT.write_text(json.dumps(values, indent=1) + "\n")


if __name__ == "__main__":
    main()
