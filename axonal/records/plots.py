"""Raster and population-rate figures of a record's saved spikes, as PNG bytes.

A run's spikes are found among its output files: an `.npz` holding spike times (seconds) and
neuron indices as `t` and `i`, `spike_times` and `spike_indices`, or `times` and `indices`,
and optionally the number of neurons as `N` (else the highest index + 1 stands in for it).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

SPIKE_ARRAY_NAMES = (("t", "i"), ("spike_times", "spike_indices"), ("times", "indices"))


def find_spike_file(record: dict[str, Any]) -> Path | None:
    """The first .npz output of `record` that still exists and holds spike times and indices."""
    details = record.get("details") or {}
    output_dir = Path(details.get("output_dir") or ".")
    for output in details.get("outputs") or []:
        path = output_dir / output["path"]
        if path.suffix == ".npz" and path.is_file() and load_spikes(path) is not None:
            return path
    return None


def load_spikes(path: Path) -> tuple[Any, Any, int | None] | None:
    """(times, indices, neuron count or None) from an .npz file, or None when it holds no
    spikes we recognise."""
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as archive:
            for times_name, indices_name in SPIKE_ARRAY_NAMES:
                if times_name in archive.files and indices_name in archive.files:
                    times = np.asarray(archive[times_name], dtype=float).ravel()
                    indices = np.asarray(archive[indices_name]).ravel()
                    if times.shape == indices.shape:
                        neurons = int(archive["N"]) if "N" in archive.files else None
                        return times, indices, neurons
    except (OSError, ValueError):
        return None
    return None


def _figure_png(draw: Any) -> bytes:
    from axonal.optional import require

    require("matplotlib", "The run records' raster and rate plots", "plot").use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 3), dpi=100, layout="constrained")
    draw(figure.add_subplot())
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def raster_png(times: Any, indices: Any, neurons: int | None = None) -> bytes:
    """A raster plot: one dot per spike, time against neuron index."""

    def draw(axes: Any) -> None:
        axes.plot(times, indices, ".k", markersize=1.5)
        axes.set_xlabel("time (s)")
        axes.set_ylabel("neuron index")
        if neurons:
            axes.set_ylim(-0.5, neurons - 0.5)
        axes.set_title(f"{len(times)} spikes")

    return _figure_png(draw)


def rate_png(times: Any, indices: Any, neurons: int | None = None, bins: int = 100) -> bytes:
    """The population rate: spikes per neuron per second, in `bins` bins over the recording."""
    import numpy as np

    neurons = neurons or (int(np.max(indices)) + 1 if len(indices) else 1)
    end = float(np.max(times)) if len(times) else 1.0
    counts, edges = np.histogram(times, bins=bins, range=(0.0, end or 1.0))
    width = edges[1] - edges[0]

    def draw(axes: Any) -> None:
        axes.plot(edges[:-1] + width / 2, counts / (neurons * width), "-", color="C0")
        axes.set_xlabel("time (s)")
        axes.set_ylabel("rate (Hz)")
        axes.set_title(f"population rate of {neurons} neurons, {width * 1000:.3g} ms bins")

    return _figure_png(draw)
