"""What a live view costs a run: CUBA (4000 neurons) with and without a live raster and trace.

Usage: python benchmarks/live_view.py [--target numba|numpy] [--n N] [--duration SECONDS]
                                      [--repeats K] [--fps F]

Prints one JSON line. Each repeat builds the model afresh and runs it, in turn, in four ways
(interleaved, so that the machine's load hits them alike; the first, untimed run compiles):
- plain: run(duration) without report, the loop returns to Python only at the end;
- reports: run(..., report=<a function doing nothing>, report_period=1/fps): the cost of
  returning to Python at each frame (monitors copied back), without drawing;
- live: a LiveViews(LiveRaster, LiveTrace of 5 neurons) at ``fps`` with its default budget
  (a frame that took d seconds waits at least 10 d for the next), its figure drawn whole
  before run() as LiveView.run does (``setup_cpu_ms``, not in the run's time);
- live_every_frame: the same with budget=1, drawing at every report (the full 10 frames/s).
Figures are drawn with matplotlib's Agg backend (what a window or notebook also renders). The
medians of the run() wall and CPU times are reported with the overheads relative to plain (CPU
time is the steadier figure on a shared machine), and for the live modes the frames drawn,
split into whole-figure frames (the first, a changed range) and frames drawing only the new
data, with the CPU milliseconds each kind costs, the achieved frame rate, and
``MODE_frame_cpu_share``: one frame's CPU time times ``fps`` (the overhead at a true ``fps``).
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
from axonal import Network, StateMonitor, mV, second, seed, set_target  # noqa: E402
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
            # CUBA's v stays between reset and threshold: a fixed range, as one would show it
            LiveTrace(trace, "v", fps=fps, budget=budget, var_range=(-61 * mV, -49 * mV)),
        )
        kwargs = {"report": view, "report_period": view.period}
    setup_cpu = time.process_time()
    if view is not None:
        view.prepare(duration * second, network.t_)  # as LiveView.run: the figure drawn once
    setup_cpu = time.process_time() - setup_cpu
    started, started_cpu = time.perf_counter(), time.process_time()
    network.run(duration * second, **kwargs)
    seconds, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    result = {"seconds": seconds, "cpu": cpu, "spikes": built["spikes"].num_spikes}
    if view is not None:
        whole = [entry for entry in view.frame_log if entry[0]]
        new_only = [entry for entry in view.frame_log if not entry[0]]
        result.update(
            frames=view.frames,
            whole_frames=len(whole),
            whole_frame_cpu=sum(e[2] for e in whole) / max(len(whole), 1),
            new_only_frames=len(new_only),
            new_only_frame_cpu=sum(e[2] for e in new_only) / max(len(new_only), 1),
            draw_s=view.draw_seconds,
            draw_cpu=sum(e[2] for e in view.frame_log),
            setup_cpu=setup_cpu,
        )
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
    axonal.prefs.codegen.tiered_start = False  # (compiled from the first step)
    run_once("live", arguments.n, min(arguments.duration, 0.05), arguments.fps)  # compile
    runs = {mode: [] for mode in MODES}
    for _ in range(arguments.repeats):
        for mode in MODES:
            runs[mode].append(run_once(mode, arguments.n, arguments.duration, arguments.fps))
    median = {mode: statistics.median(r["seconds"] for r in runs[mode]) for mode in MODES}
    cpu = {mode: statistics.median(r["cpu"] for r in runs[mode]) for mode in MODES}
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
        **{f"{mode}_cpu_s": cpu[mode] for mode in MODES},
        **{f"{mode}_overhead": median[mode] / median["plain"] - 1 for mode in MODES[1:]},
        **{f"{mode}_cpu_overhead": cpu[mode] / cpu["plain"] - 1 for mode in MODES[1:]},
    }
    for mode in MODES[2:]:
        for key in ("frames", "whole_frames", "new_only_frames", "draw_s", "draw_cpu"):
            result[f"{mode}_{key}"] = statistics.median(r[key] for r in runs[mode])
        for key in ("whole_frame_cpu", "new_only_frame_cpu", "setup_cpu"):
            result[f"{mode}_{key}_ms"] = 1000 * statistics.median(r[key] for r in runs[mode])
        result[f"{mode}_fps"] = result[f"{mode}_frames"] / median[mode]
        # The share of the time between frames at the requested rate that one frame's drawing
        # takes (CPU): the overhead at a true `fps`, whatever the machine's load does to the
        # run's wall time (a loaded machine stretches the run and so fits in more frames).
        result[f"{mode}_frame_cpu_share"] = (
            result[f"{mode}_new_only_frame_cpu_ms"] * arguments.fps / 1000
        )
    emit(result)


if __name__ == "__main__":
    main()
