"""Run one example script as ``__main__`` and write a digest of its monitors' results as JSON.

Used in a child process, both with axonal (the import-swapped copy) and, to make the reference
data, with Brian 2 in its own environment: it only reads what both simulators' monitors expose
(``i``, ``t_``, ``rate_``, recorded variables with a trailing ``_`` for raw values).

    python run_example.py SCRIPT DIGEST.json
"""

import json
import os
import runpy
import sys

import numpy as np

MONITOR_KINDS = ("SpikeMonitor", "EventMonitor", "StateMonitor", "PopulationRateMonitor")
SPIKES_KEPT = 200  # the first spikes, enough to see a difference in timing


def _raw(monitor, name):
    return np.asarray(getattr(monitor, name + "_"), dtype=float)


def _monitor_digest(monitor, kind: str) -> dict:
    if kind in ("SpikeMonitor", "EventMonitor"):
        indices = np.asarray(monitor.i, dtype=int)
        times = _raw(monitor, "t")
        return {
            "kind": kind,
            "count": int(indices.size),
            "first_i": indices[:SPIKES_KEPT].tolist(),
            "first_t": times[:SPIKES_KEPT].tolist(),
        }
    if kind == "PopulationRateMonitor":
        rate = _raw(monitor, "rate")
        return {"kind": kind, "samples": int(rate.size), "mean": float(np.mean(rate))}
    digest = {"kind": kind, "samples": int(_raw(monitor, "t").size), "variables": {}}
    for name in sorted(monitor.record_variables):
        values = _raw(monitor, name)
        digest["variables"][name] = {
            "shape": list(values.shape),
            "mean": float(np.mean(values)) if values.size else 0.0,
            "std": float(np.std(values)) if values.size else 0.0,
        }
    return digest


def digest_of(namespace: dict) -> dict:
    """Every monitor bound to a global name of the script, digested."""
    digest = {}
    for name, value in sorted(namespace.items()):
        kind = type(value).__name__
        if kind in MONITOR_KINDS and not name.startswith("_"):
            try:
                digest[name] = _monitor_digest(value, kind)
            except Exception as error:  # one unreadable monitor does not hide the others
                digest[name] = {"kind": kind, "error": f"{type(error).__name__}: {error}"}
    return digest


def main(script: str, digest_path: str) -> None:
    folder = os.path.dirname(os.path.abspath(script))
    os.chdir(folder)
    sys.path.insert(0, folder)
    sys.argv = [script]
    namespace = runpy.run_path(script, run_name="__main__")
    with open(digest_path, "w") as out:
        json.dump(digest_of(namespace), out, indent=1)


if __name__ == "__main__":
    main(*sys.argv[1:3])
