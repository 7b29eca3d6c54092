"""Figures of a record's outputs and of figures across records, as PNG bytes.

Known output formats (read from the record's own archived copy, never from a file a later run
may have overwritten):
- spikes: an `.npz` holding spike times (seconds) and neuron indices as `t` and `i`,
  `spike_times` and `spike_indices`, or `times` and `indices`, and optionally the number of
  neurons as `N` (else the highest index + 1 stands in for it): a raster and a population rate;
- traces: an `.npz` holding times `t` (seconds) and arrays with one value per time, of shape
  (times,), (traces, times) or (times, traces), such as a StateMonitor's `v`: one panel per array;
- images (.png, .jpg, .gif, .svg): shown as they are.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

SPIKE_ARRAY_NAMES = (("t", "i"), ("spike_times", "spike_indices"), ("times", "indices"))


IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".gif": "image/gif", ".svg": "image/svg+xml"}  # fmt: skip
MAX_TRACE_PANELS = 4
MAX_TRACES_PER_PANEL = 10


def find_spike_file(record: dict[str, Any]) -> Path | None:
    """The record's own copy of its first .npz output holding spike times and indices."""
    from axonal.records.archive import readable_copy

    for output in (record.get("details") or {}).get("outputs") or []:
        if not output["path"].endswith(".npz"):
            continue
        path = readable_copy(record, output)
        if path is not None and load_spikes(path) is not None:
            return path
    return None


def plot_kind(path: Path, name: str) -> str | None:
    """How an output (the readable copy `path` of the output `name`) is shown: "spikes",
    "traces", "image", or None."""
    suffix = Path(name).suffix.lower()
    if suffix in IMAGE_TYPES:
        return "image"
    if suffix != ".npz":
        return None
    if load_spikes(path) is not None:
        return "spikes"
    if load_traces(path) is not None:
        return "traces"
    return None


def load_traces(path: Path) -> tuple[Any, dict[str, Any]] | None:
    """(times, {name: array (traces, times)}) from an .npz with `t` and arrays with one value
    per time, or None."""
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as archive:
            if "t" not in archive.files:
                return None
            times = np.asarray(archive["t"], dtype=float).ravel()
            traces = {}
            for name in archive.files:
                if name in ("t", "i", "N") or len(traces) == MAX_TRACE_PANELS:
                    continue
                values = np.asarray(archive[name])
                if values.dtype.kind not in "biuf" or not times.size:
                    continue
                if values.ndim == 1 and values.shape[0] == times.size:
                    traces[name] = values[np.newaxis, :]
                elif values.ndim == 2 and values.shape[1] == times.size:
                    traces[name] = values
                elif values.ndim == 2 and values.shape[0] == times.size:
                    traces[name] = values.T
            return (times, traces) if traces else None
    except (OSError, ValueError):
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


def _figure_png(draw: Any, panels: int = 1, height: float = 3) -> bytes:
    from axonal.optional import require

    require("matplotlib", "The run records' raster and rate plots", "plot").use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, height * panels), dpi=100, layout="constrained")
    axes = figure.subplots(panels, 1, squeeze=False)[:, 0]
    draw(axes[0] if panels == 1 else list(axes))
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


def traces_png(times: Any, traces: dict[str, Any]) -> bytes:
    """One panel per recorded variable, its first traces against time."""

    def draw(axes: Any) -> None:
        for panel, (name, values) in zip(axes if isinstance(axes, list) else [axes],
                                         traces.items(), strict=False):  # fmt: skip
            shown = values[:MAX_TRACES_PER_PANEL]
            for row in shown:
                panel.plot(times, row, linewidth=0.8)
            panel.set_ylabel(name)
            more = f" (first {len(shown)} of {len(values)})" if len(values) > len(shown) else ""
            panel.set_title(f"{name}: {len(values)} trace{'s' if len(values) != 1 else ''}{more}")
        (axes[-1] if isinstance(axes, list) else axes).set_xlabel("time (s)")

    return _figure_png(draw, panels=len(traces), height=2.5)


def chart_png(points: list[dict[str, Any]], x_name: str, y_name: str) -> bytes:
    """A figure against a parameter (or another figure) across records: one dot per record,
    in the unit that reads best; `points` are {"x", "y" (SI numbers), "x_unit", "y_unit"}."""
    import numpy as np

    x_values, x_label = _in_display_unit([p["x"] for p in points], points, "x", x_name)
    y_values, y_label = _in_display_unit([p["y"] for p in points], points, "y", y_name)

    def draw(axes: Any) -> None:
        order = np.argsort(x_values, kind="stable")
        axes.plot(np.asarray(x_values)[order], np.asarray(y_values)[order], "o", color="C0")
        axes.set_xlabel(x_label)
        axes.set_ylabel(y_label)
        axes.set_title(f"{y_name} against {x_name}: {len(points)} records")
        axes.grid(True, alpha=0.3)

    return _figure_png(draw, height=4)


def _in_display_unit(
    values: list[float], points: list[dict[str, Any]], axis: str, name: str
) -> tuple[list[float], str]:
    """The values in the unit `format_quantity` would choose, and the axis label."""
    key = points[0].get(f"{axis}_dimensions") if points else ""
    if not key:
        return values, name
    import numpy as np

    from axonal.units import Quantity
    from axonal.units.dimension import Dimension
    from axonal.units.display import best_unit

    dimension = Dimension(tuple(float(e) for e in key.split(",")))
    unit = best_unit(Quantity.with_dimensions(np.asarray(values), dimension))
    return [value / float(unit.scale) for value in values], f"{name} ({unit.dispname})"
