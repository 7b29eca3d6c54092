"""How often planning a model parses text: ``ast.parse`` calls to build, then plan and run once,
a one-equation model on the Numba target in a fresh process (issue 10's measure).

  python benchmarks/parse_count.py            # prints one JSON line
  PYTHONPATH=/work/main python benchmarks/parse_count.py   # another checkout
"""

from __future__ import annotations

import ast
import json

import axonal
from axonal import Network, NeuronGroup, ms
from axonal.codegen.targets import set_target

MODELS = {
    "one equation": ("dv/dt = -v / (10*ms) : 1", {}),
    "with threshold and reset": (
        "dv/dt = (1.5 - v) / (10*ms) : 1",
        {"threshold": "v > 1", "reset": "v = 0"},
    ),
}


def main() -> None:
    set_target("numba")
    axonal.prefs.codegen.tiered_start = False  # (compiled from the first step)
    calls = [0]
    parse = ast.parse

    def counted(*args, **kwargs):
        calls[0] += 1
        return parse(*args, **kwargs)

    ast.parse = counted
    result = {"axonal": axonal.__file__}
    for name, (equations, options) in MODELS.items():
        axonal.start_scope()
        calls[0] = 0
        group = NeuronGroup(10, equations, **options)
        built = calls[0]
        Network(group).run(0.1 * ms)
        result[name] = {"building": built, "planning and run": calls[0] - built}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
