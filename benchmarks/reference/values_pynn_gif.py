"""Reference GIF_cond_exp behaviour on pyNN.nest (NEST 3.10's gif_cond_exp).

The protocols are pynn_gif_protocol.py; the results go to pynn_gif_values.json, which
tests/pynn/test_gif.py compares with axonal.pynn. Usage: /work/refenv/bin/python values_pynn_gif.py
"""

import json
import platform
from pathlib import Path

import nest
import pyNN
import pyNN.nest as sim
from pynn_gif_protocol import run_sharp, run_stochastic

OUTPUT = Path(__file__).with_name("pynn_gif_values.json")


def main() -> None:
    values = {
        "script": "values_pynn_gif.py",
        "versions": {
            "pyNN": pyNN.__version__,
            "nest": nest.__version__,
            "python": platform.python_version(),
        },
        "sharp": run_sharp(sim),
        "stochastic": run_stochastic(sim, seed=20261206),
    }
    OUTPUT.write_text(json.dumps(values) + "\n")
    print("sharp spikes:", values["sharp"]["spike_times"][:10])
    print("stochastic rate (Hz):", values["stochastic"]["total_mean"] / 0.5)


if __name__ == "__main__":
    main()
