"""What a live view costs a run: CUBA (4000 neurons) with and without a live raster and trace.

Usage: python benchmarks/live_view.py [--target numba|numpy] [--n N] [--duration SECONDS]
                                      [--repeats K] [--fps F]

Prints one JSON line. Each repeat builds the model afresh and runs it, in turn, in four ways
(interleaved, so that the machine's load hits them alike; the first, untimed run compiles):
- plain: run(duration) without report, the loop returns to Python only at the end;
- reports: run(..., report=<a function doing nothing>, report_period=1/fps): the cost of
  returning to Python at each frame (monitors copied back), without drawing;
- live: a LiveViews(LiveRaster, LiveTrace of 5 neurons) at ``fps`` with its default budget
  (a frame that took d seconds waits at least 10 d for the next);
- live_every_frame: the same with budget=1, drawing at every report (the full 10 frames/s).
Figures are drawn with matplotlib's Agg backend (what a window or notebook also renders). The
medians of the run() wall times are reported with the overheads relative to plain, and the
frames drawn, the seconds spent drawing them and the achieved frame rates.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

sys.path.insert(0, str(Path(__file__).resolve().parent / "reference"))
import models  # noqa: E402
from measure import emit  # noqa: E402

import axonal  # noqa: E402
from axonal import Network, StateMonitor, second, seed, set_target  # noqa: E402
from axonal.plot import LiveRaster, LiveTrace, LiveViews  # noqa: E402

MODES = ("plain", "reports", "live", "live_every_frame")


def run_once(mode: str, n: int, duration: float, fps: float) -> dict:
    seed(1)
    built = models.bound_to(axonal)["cuba"](n, 80 / n if n != 4000 else 0.02)
    trace = StateMonitor(built["group"], "v", record=range(5))
    network = Network(*built["objects"], trace)
    view = None
    kwargs = {}
    if mode == "reports":
        kwargs = {"report": lambda *_: None, "report_period": (1 / fps) * second}
    elif mode.startswith("live"):
        budget = 1.0 if mode == "live_every_frame" else 0.1
        view = LiveViews(
            LiveRaster(built["spikes"], fps=fps, budget=budget),
            LiveTrace(trace, "v", fps=fps, budget=budget),
        )
        kwargs = {"report": view, "report_period": view.period}
    started = time.perf_counter()
    network.run(duration * second, **kwargs)
    seconds = time.perf_counter() - started
    result = {"seconds": seconds, "spikes": built["spikes"].num_spikes}
    if view is not None:
        result.update(frames=view.frames, reports=view.reports, draw_s=view.draw_seconds)
        import matplotlib.pyplot as plt

        plt.close("all")
    return result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default="numba", choices=["numba", "numpy"])
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--duration", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--fps", type=float, default=10.0)
    arguments = parser.parse_args(argv)
    set_target(arguments.target)
    run_once("live", arguments.n, min(arguments.duration, 0.05), arguments.fps)  # compile
    runs = {mode: [] for mode in MODES}
    for _ in range(arguments.repeats):
        for mode in MODES:
            runs[mode].append(run_once(mode, arguments.n, arguments.duration, arguments.fps))
    median = {mode: statistics.median(r["seconds"] for r in runs[mode]) for mode in MODES}
    result = {
        "benchmark": "live_view",
        "model": "cuba",
        "target": arguments.target,
        "N": arguments.n,
        "simulated_s": arguments.duration,
        "fps_requested": arguments.fps,
        "repeats": arguments.repeats,
        "spikes": runs["plain"][0]["spikes"],
        **{f"{mode}_s": median[mode] for mode in MODES},
        **{f"{mode}_overhead": median[mode] / median["plain"] - 1 for mode in MODES[1:]},
    }
    for mode in MODES[2:]:
        frames = statistics.median(r["frames"] for r in runs[mode])
        draw = statistics.median(r["draw_s"] for r in runs[mode])
        result[f"{mode}_frames"] = frames
        result[f"{mode}_draw_s"] = draw
        result[f"{mode}_ms_per_frame"] = 1000 * draw / max(frames, 1)
        result[f"{mode}_fps"] = frames / median[mode]
    emit(result)


if __name__ == "__main__":
    main()
