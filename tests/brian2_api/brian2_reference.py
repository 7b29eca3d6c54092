"""Measure Brian 2's behaviour for the tests in tests/brian2_api (run with Brian 2, not axonal).

    /work/refenv/bin/python tests/brian2_api/brian2_reference.py

writes tests/brian2_api/reference/brian2_behaviour.json: what Brian 2.9.0 (NumPy target) gives
for the same small scripts the tests run with axonal. Nothing here imports axonal.
"""

import json
import sys
from pathlib import Path

import brian2
import numpy as np
from brian2 import (
    Network,
    NeuronGroup,
    SpikeGeneratorGroup,
    StateMonitor,
    Synapses,
    linked_var,
    ms,
    mV,
    prefs,
    second,
    seed,
)

sys.path.insert(0, str(Path(__file__).parents[2]))  # the repository: tests.brian2_api.scripts
from tests.brian2_api import scripts  # noqa: E402

OUTPUT = Path(__file__).parent / "reference" / "brian2_behaviour.json"


def linked_synapses() -> dict:
    """A (linked) synaptic variable read in on_pre and recorded, its source changing."""
    source = NeuronGroup(3, "x : 1\ny = 2*x : 1")
    source.x = [1, 2, 3]
    pre = SpikeGeneratorGroup(2, [0, 1], [1, 2] * ms)
    post = NeuronGroup(2, "u : 1")
    synapses = Synapses(pre, post, "g : 1 (linked)\nw : 1\nk : integer", on_pre="w += g")
    synapses.connect(i=[0, 1, 1], j=[0, 0, 1])
    synapses.g = linked_var(source, "y")
    source.run_regularly("x += 1", dt=1 * ms)
    monitor = StateMonitor(synapses, "g", record=True)
    net = Network(source, pre, post, synapses, monitor)
    net.run(3 * ms)
    by_index = Synapses(pre, post, "g : 1 (linked)\nk : integer")
    by_index.connect(i=[0, 1], j=[0, 1])
    by_index.k = [2, 0]
    by_index.g = linked_var(source, "x", index="k")
    return {
        "w": synapses.w[:].tolist(),
        "g_recorded": np.asarray(monitor.g).tolist(),
        "g_by_index_variable": by_index.g[:].tolist(),
    }


def shared_random() -> dict:
    """``d = rand()`` on a shared variable in run_regularly: one number per call."""
    seed(3)
    group = NeuronGroup(3, "d : 1 (shared)\nx : 1")
    group.run_regularly("d = rand()", dt=1 * ms)
    group.run_regularly("x = d + i", dt=1 * ms)
    monitor = StateMonitor(group, ["d", "x"], record=True)
    net = Network(group, monitor)
    net.run(3 * ms)
    return {"d": np.asarray(monitor.d[0]).tolist(), "x": np.asarray(monitor.x).tolist()}


def joins() -> dict:
    """NumPy's joining functions on a quantity and another array (SI values, unit kept?)."""
    x = np.array([1.0, 2.0]) * mV
    others = {
        "zeros": np.zeros(2),
        "same_unit": np.array([3.0, 4.0]) * mV,
        "other_unit": np.ones(2) * second,
        "plain_numbers": [1.0, 2.0],
    }
    results = {}
    for name in ("concatenate", "hstack", "vstack", "stack", "column_stack", "dstack", "append"):
        function = getattr(np, name)
        for case, other in others.items():
            joined = function(x, other) if name == "append" else function((x, other))
            results[f"{name}/{case}"] = np.asarray(joined).tolist()
    return results


def names() -> dict:
    """Two objects with one name: allowed; refused when run in one network."""
    first = NeuronGroup(1, "v : 1", name="I")
    second_group = NeuronGroup(1, "v : 1", name="I")
    try:
        Network(first, second_group).run(0.1 * ms)
        together = "ran"
    except ValueError as error:
        together = str(error)
    # Each in a network of its own (objects not yet simulated: Brian 2 refuses to move them).
    alone = [NeuronGroup(1, "dv/dt = 1/second : 1", name="I") for _ in range(2)]
    for group in alone:
        Network(group).run(0.5 * ms)
    return {
        "both_named_I": [first.name, second_group.name],
        "run_together": together,
        "run_apart_v": [float(group.v[0]) for group in alone],
    }


def single_precision() -> dict:
    """prefs.core.default_float_dtype = float32 and float64 (scripts.single_precision)."""
    dtypes = (np.float32, np.float64)
    results = {np.dtype(t).name: scripts.single_precision(brian2, t) for t in dtypes}
    prefs.core.default_float_dtype = np.float64
    return results


def summed_variable() -> dict:
    """One Synapses summing into y (Brian 2 refuses two), the sum at two places of the step."""
    return {
        "default": scripts.summed_variable(brian2),
        "after_groups": scripts.summed_variable(brian2, when="after_groups"),
    }


def star_import() -> dict:
    """For each name ``from brian2 import *`` gives: whether it is a unit (or quantity)."""
    namespace: dict = {}
    exec("from brian2 import *", namespace)
    return {
        name: isinstance(value, brian2.Quantity)
        for name, value in sorted(namespace.items())
        if not name.startswith("__")
    }


def main() -> None:
    prefs.codegen.target = "numpy"
    values = {
        "brian2_version": brian2.__version__,
        "linked_synapses": linked_synapses(),
        "shared_random": shared_random(),
        "joins": joins(),
        "names": names(),
        "star_import_is_unit": star_import(),
        "single_precision": single_precision(),
        "summed_variable": summed_variable(),
    }
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(json.dumps(values, indent=1) + "\n")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
