"""Reference spike times and traces of PyNN's standard cell types on pyNN.nest (NEST 3.10).

The protocols are pynn_cell_protocols.py (step current, excitatory and inhibitory spikes);
the results go to pynn_nest_values.json, which tests/pynn/test_nest_agreement.py compares with
axonal.pynn. Usage: /work/refenv/bin/python values_pynn_nest.py
"""

import json
import platform
from pathlib import Path

import nest
import pyNN
import pyNN.nest as sim
from pynn_cell_protocols import PROTOCOLS, run_protocol

OUTPUT = Path(__file__).with_name("pynn_nest_values.json")


def main() -> None:
    values = {
        "script": "values_pynn_nest.py",
        "versions": {
            "pyNN": pyNN.__version__,
            "nest": nest.__version__,
            "python": platform.python_version(),
        },
        "cells": {},
        "not_run": {},
    }
    for name in PROTOCOLS:
        try:
            values["cells"][name] = run_protocol(sim, name)
        except Exception as error:  # a cell type pyNN.nest 0.13 cannot run on NEST 3.10
            values["not_run"][name] = f"{type(error).__name__}: {str(error)[:200]}"
            sim.end()
    OUTPUT.write_text(json.dumps(values, indent=1) + "\n")
    print("not run:", values["not_run"])
    for name, result in values["cells"].items():
        print(name, {k: len(v["spike_times"]) for k, v in result.items()})


if __name__ == "__main__":
    main()
