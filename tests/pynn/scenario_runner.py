"""Runs one of PyNN's system scenarios against axonal.pynn; prints one JSON line.

``python scenario_runner.py SDIST_TEST_DIR MODULE FUNCTION TARGET``: the scenario function
``FUNCTION`` of ``system/scenarios/MODULE.py`` is called with ``axonal.pynn`` as its ``sim``,
in this process alone, so that no state leaks from one scenario into another.
"""

import importlib
import json
import sys
import time
import traceback
import warnings


def main(test_dir: str, module: str, function: str, target: str) -> None:
    sys.path.insert(0, test_dir)
    import matplotlib

    matplotlib.use("Agg")
    import pytest

    import axonal.pynn as sim
    from axonal import set_target

    set_target(target)
    # No seed here: sim.setup() seeds with its fixed default (as pyNN.nest does), which the
    # statistical scenarios need (a KS test over 165 gamma ISIs against D < 0.1 is about the
    # 5% critical value: with fresh seeds it failed 1 run in 3).
    warnings.simplefilter("ignore")
    started = time.perf_counter()
    scenario = getattr(importlib.import_module(f"system.scenarios.{module}"), function)
    try:
        scenario(sim)
        outcome, detail = "passed", ""
    except pytest.skip.Exception as skip:
        outcome, detail = "skipped", str(skip)
    except BaseException as error:  # noqa: BLE001 - every failure is reported, not raised
        outcome = "failed"
        detail = "".join(traceback.format_exception(error))[-3000:]
    seconds = time.perf_counter() - started
    print(json.dumps({"outcome": outcome, "detail": detail, "seconds": seconds}))


if __name__ == "__main__":
    main(*sys.argv[1:5])
