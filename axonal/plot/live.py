"""Live views: figures redrawn while a network runs.

A live view is a ``report=`` function of ``run()``: both loops (the NumPy one, and the Numba
target's single compiled loop) return to Python only at report points, ``report_period`` of
wall time apart, and the monitors hold every record up to that point when the report is made.
So the compiled loop is not changed: it runs in stretches of ``1/fps`` seconds::

    live = LiveRaster(spikes)
    run(1*second, report=live, report_period=live.period)   # or: live.run(1*second)

Several views share the reports with ``LiveViews(LiveRaster(spikes), LiveTrace(state, 'v'))``.
In Jupyter with the inline backend the figure is shown once and its output replaced each frame;
with an interactive backend (ipympl, Qt, Tk) the window is redrawn.

A frame costs the new data, not the run so far: it reads only the records made since the last
frame (views of the monitors' buffers, no copy), draws them over the previous frame and blits.
A raster of many neurons (1000 or more, or ``image=True``) is an image of the Axes' pixels in
which each new spike sets one pixel, so a frame draws the pixel columns the new spikes fall in,
however many spikes there are; a trace's new samples are thinned to each pixel column's lowest
and highest point. The artists get all the data (for a whole redraw, or ``savefig`` after the
run) only when the figure is drawn whole: on the first frame, when an axis range must change,
and after the run's last frame.
"""

from __future__ import annotations

import time

import numpy as np

from axonal.plot.axes import display_unit, label, plain, pyplot, time_unit_for
from axonal.units import get_dimensions, second


class LiveView:
    """Base of the live views: a ``report=`` function redrawing its Axes at most ``fps``
    times a second of wall time (and once at the end of the run)."""

    def __init__(self, ax=None, fps: float = 10.0, budget: float = 0.1):
        if not fps > 0:
            raise ValueError(f"{type(self).__name__}: fps must be positive, not {fps!r}")
        if not 0 < budget <= 1:
            raise ValueError(f"{type(self).__name__}: budget must be in (0, 1], not {budget!r}")
        self.fps, self.budget = float(fps), float(budget)
        self._next_frame = 0.0
        self._ax = ax
        self.frames = 0  # figures drawn
        self.reports = 0  # reports received
        self.draw_seconds = 0.0  # wall time spent updating and drawing
        self.frame_log: list[tuple[bool, float, float]] = []  # (whole, wall s, CPU s) per frame
        self._display = None
        self._run_window = None
        self._drawn = False  # the figure has been drawn whole at least once

    @property
    def period(self):
        """The wall time between frames, as ``report_period``."""
        return (1.0 / self.fps) * second

    @property
    def ax(self):
        if self._ax is None:
            _, self._ax = pyplot().subplots()
        return self._ax

    def __call__(self, wall, fraction, start, duration) -> None:
        """The report: redraw with what the monitors hold now, unless the last frame was less
        than ``1/fps`` ago or drawing would take more than ``budget`` of the wall time (a
        frame that took d seconds waits at least d/budget for the next one); the last report
        of a run always draws."""
        started = time.perf_counter()
        self.reports += 1
        if fraction < 1 and started < self._next_frame:
            return
        started_cpu = time.process_time()
        if self._run_window is None:
            begin = float(np.asarray(start))
            self._run_window = (begin, begin + float(np.asarray(duration)))
        whole = self.update(self._run_window) or not self._drawn
        self._show(whole)
        if fraction >= 1:
            self.complete()  # the artists hold the whole run (a later savefig shows it)
        self.frames += 1
        took = time.perf_counter() - started
        self.draw_seconds += took
        self.frame_log.append((whole, took, time.process_time() - started_cpu))
        self._next_frame = started + max(1.0 / self.fps, took / self.budget)
        if fraction >= 1:
            self._run_window, self._next_frame = None, 0.0

    def prepare(self, duration, start=None) -> None:
        """Draw the whole figure for a run of ``duration`` from ``start`` (default: now) before
        it begins, so that the frames during the run only draw new data. ``run`` does this."""
        begin = self.current_time() if start is None else float(np.asarray(start))
        self._run_window = (begin, begin + float(np.asarray(duration)))
        self.update(self._run_window)
        self._show(True)

    def run(self, duration, network=None, **kwargs) -> None:
        """Run ``network`` (default: the objects of the calling script) with this view, its
        figure drawn whole before the run starts."""
        if network is None:
            from axonal.network.magic import magic_network, run
            from axonal.network.namespace import user_namespace

            magic_network.collect_from(user_namespace())
            self.prepare(duration, magic_network.t_)
            run(duration, report=self, report_period=self.period, **kwargs)
        else:
            self.prepare(duration, network.t_)
            network.run(duration, report=self, report_period=self.period, **kwargs)

    # -- for subclasses -------------------------------------------------------------------
    def current_time(self) -> float:
        raise NotImplementedError

    def update(self, window: tuple[float, float]) -> bool:
        """Give the artists all the data recorded so far; True when the whole figure must be
        drawn again (an axis range changed)."""
        raise NotImplementedError

    def draw_new(self) -> None:
        """Draw what was recorded since the last frame over the previous frame."""
        raise NotImplementedError

    def complete(self) -> None:
        """Give the artists all the data recorded so far, for a whole redraw."""

    def figures(self) -> list:
        return [self.ax.figure]

    # -- drawing ----------------------------------------------------------------------------
    def _show(self, whole: bool) -> None:
        import matplotlib

        for figure in self.figures():
            canvas = figure.canvas
            if "inline" in matplotlib.get_backend():
                self.complete()
                self._show_inline(figure)
            elif whole or not getattr(canvas, "supports_blit", False):
                if not self._drawn:  # a window resized redraws itself: with all the data
                    canvas.mpl_connect("resize_event", lambda _event: self.complete())
                self.complete()
                canvas.draw()  # everything, with all the data
            else:
                self.draw_new()
                canvas.blit(figure.bbox)
            canvas.flush_events()
        self._drawn = True
        self.mark_drawn()

    def mark_drawn(self) -> None:
        """Remember how much data the figure shows now."""

    def _show_inline(self, figure) -> None:
        from IPython.display import display

        if self._display is None:
            self._display = display(figure, display_id=True)
        else:
            self._display.update(figure)


def _spikes_since(monitor, start: int) -> tuple[np.ndarray, np.ndarray]:
    """The indices and times (s) of a SpikeMonitor's spikes from the ``start``-th on: views of
    its buffers (``it_`` copies every spike of the run, at each frame)."""
    indices, times = getattr(monitor, "_indices", None), getattr(monitor, "_times", None)
    if indices is None or times is None:
        indices, times = monitor.it_
        return indices[start:], times[start:]
    return indices.data[start:], times.data[start:]


def _samples_since(monitor, variable: str, count: int, start: int):
    """(times in s, values in SI: samples x elements) of a StateMonitor's first ``count``
    recorded elements, from the ``start``-th sample on, as views of its buffers."""
    times, values = getattr(monitor, "_times", None), getattr(monitor, "_values", None)
    if times is None or values is None:
        return monitor.t_[start:], np.asarray(getattr(monitor, variable))[:count, start:].T
    return times.data[start:], values[variable].data[start:, :count]


class LiveRaster(LiveView):
    """A raster plot of a SpikeMonitor's spikes, redrawn during the run.

    ``image`` (default: for 1000 neurons or more) draws the spikes as an image of the Axes'
    pixels, one pixel per spike (neurons sharing a pixel row share it), so that a frame costs
    the same however many spikes it shows; otherwise each spike is a marker."""

    def __init__(self, spikes, ax=None, fps: float = 10.0, budget: float = 0.1, time_unit=None,
                 marker=None, markersize=1, image=None, **style):  # fmt: skip
        super().__init__(ax, fps, budget)
        if not hasattr(spikes, "it_"):
            raise TypeError(f"LiveRaster: expected a SpikeMonitor, not {type(spikes).__name__}")
        self.monitor = spikes
        self.image = spikes.source.N >= 1000 if image is None else bool(image)
        if marker is None:  # single pixels draw fastest, and many neurons make them a picture
            marker = "," if spikes.source.N >= 1000 else "."
        self._time_unit = time_unit
        self._style = {"marker": marker, "markersize": markersize, **style}
        self._line = None  # all spikes (as of the last whole draw), or the image
        self._fresh = None  # the spikes since the last frame
        self._shown = 0  # spikes on the figure
        self._window = None

    def current_time(self) -> float:
        return float(self.monitor.clock.t_)

    def update(self, window) -> bool:
        whole = self._line is None or window != self._window
        if self._line is None:
            self._unit, text = time_unit_for(window[1], self._time_unit, "LiveRaster")
            self.ax.set_xlabel(label("time", text))
            self.ax.set_ylabel("neuron index")
            self.ax.set_title(self.monitor.name)
        self._window = window
        x_range = (window[0] / float(self._unit), window[1] / float(self._unit))
        if whole:
            self._start(x_range)
        self.ax.set_xlim(*x_range)
        self.ax.set_ylim(-0.5, self.monitor.source.N - 0.5)
        indices, times = _spikes_since(self.monitor, self._shown)
        self._new = (plain(times, self._unit), indices)
        if self.image:
            self._set_pixels(*self._new)
        return whole

    def _start(self, x_range) -> None:
        """New artists for a run window: the spikes before it are not shown."""
        if self._line is not None:
            self._line.remove()
            if self._fresh is not None:
                self._fresh.remove()
        indices, times = self.monitor.it_
        self._shown = int(np.searchsorted(times, self._window[0] * (1 - 1e-12)))
        if not self.image:
            (self._line,) = self.ax.plot([], [], linestyle="none", color="k", **self._style)
            (self._fresh,) = self.ax.plot([], [], linestyle="none", color="k", **self._style)
            self._fresh.set_visible(False)
            self._chunks = [(plain(times[: self._shown], self._unit)[:0], indices[:0])]
            return
        from matplotlib.colors import to_rgba

        from axonal.plot.pixels import PixelLayer

        box = self.ax.bbox
        # The Axes' whole pixels (copied unscaled; were it scaled, nearest-neighbour scaling
        # to more pixels repeats some rows and drops none: a dropped row would hide spikes).
        height, width = max(1, int(box.height)), max(1, int(box.width))
        self._pixels = np.zeros((height, width, 4), dtype=np.uint8)
        self._ink = np.array(to_rgba(self._style.get("color", "k")), float) * 255
        self._x_range = x_range
        extent = (*x_range, -0.5, self.monitor.source.N - 0.5)
        self._line, self._fresh = PixelLayer(self.ax, self._pixels, extent), None
        self._columns = (width, 0)  # the pixel columns the spikes since the last frame set

    def _set_pixels(self, times, indices) -> None:
        # The pixel the Axes maps (time, index) to, counted from its first whole pixel.
        height, width = self._pixels.shape[:2]
        low, high = self._x_range
        x0, y0, box_width, box_height = self.ax.bbox.bounds
        x = x0 + (times - low) * (box_width / (high - low))
        y = y0 + (indices + 0.5) * (box_height / self.monitor.source.N)
        columns = np.clip(np.floor(x).astype(np.int64) - int(x0), 0, width - 1)
        rows = np.clip(np.floor(y).astype(np.int64) - int(y0), 0, height - 1)
        self._pixels[rows, columns] = self._ink.astype(np.uint8)
        if len(columns):
            first, last = self._columns
            self._columns = (min(first, int(columns.min())), max(last, int(columns.max())))

    def draw_new(self) -> None:
        if self.image:
            first, last = self._columns
            if first <= last:
                self._line.columns = (first, last)  # only the columns the new spikes set
                self.ax.draw_artist(self._line)
                self._line.columns = None
            return
        self._fresh.set_data(*self._new)
        self._fresh.set_visible(True)
        self.ax.draw_artist(self._fresh)
        self._fresh.set_visible(False)

    def mark_drawn(self) -> None:
        self._shown += len(self._new[0])
        if self.image:
            self._columns = (self._pixels.shape[1], 0)
        else:
            self._chunks.append(self._new)
        self._new = (self._new[0][:0], self._new[1][:0])

    def complete(self) -> None:
        if not self.image and len(self._chunks) > 1:
            joined = zip(*self._chunks, strict=True)
            self._chunks = [tuple(np.concatenate(part) for part in joined)]
        if not self.image:
            shown = self._chunks[0]
            self._line.set_data(np.concatenate([shown[0], self._new[0]]),
                                np.concatenate([shown[1], self._new[1]]))  # fmt: skip


class LiveTrace(LiveView):
    """Traces of a StateMonitor variable (its first ``count`` recorded elements), redrawn
    during the run. ``var_range`` (two quantities) fixes the y range; without it the range
    follows the data, and each widening redraws the whole figure."""

    def __init__(self, monitor, variable=None, ax=None, fps: float = 10.0, budget: float = 0.1,
                 count: int = 5, time_unit=None, var_unit=None, var_range=None):  # fmt: skip
        super().__init__(ax, fps, budget)
        if not hasattr(monitor, "record_variables"):
            raise TypeError(f"LiveTrace: expected a StateMonitor, not {type(monitor).__name__}")
        # without a name, the first recorded variable (run(live=True) shows any StateMonitor)
        first = monitor.record_variables[0] if monitor.record_variables else None
        variable = monitor.recorded_variable(variable or first, "LiveTrace")
        self.monitor, self.variable, self.count = monitor, variable, count
        self._time_unit, self._var_unit = time_unit, var_unit
        if var_range is not None:
            dim = monitor.source.variables[variable].dimensions
            if len(var_range) != 2 or any(get_dimensions(b) is not dim for b in var_range):
                raise ValueError(
                    f"LiveTrace: var_range must be (low, high) in the units of {variable}"
                )
        self._var_range = var_range
        self._lines = None
        self._shown = 0  # samples on the figure
        self._window = None

    def current_time(self) -> float:
        return float(self.monitor.clock.t_)

    def update(self, window) -> bool:
        whole = self._lines is None or window != self._window
        if self._lines is None:
            self._unit, t_text = time_unit_for(window[1], self._time_unit, "LiveTrace")
            now = getattr(self.monitor, self.variable)[: self.count]
            if not np.size(now):  # before the run: the unit of the group's present values
                now = getattr(self.monitor.source, self.variable)[self.monitor.record]
            self._v_unit, v_text = display_unit(now, self._var_unit, "LiveTrace")
            self._lines = [
                self.ax.plot([], [], label=f"{self.variable}[{k}]")[0]
                for k in self.monitor.record[: self.count]
            ]
            self.ax.set_xlabel(label("time", t_text))
            self.ax.set_ylabel(label(self.variable, v_text))
        self._window = window
        self.ax.set_xlim(window[0] / float(self._unit), window[1] / float(self._unit))
        # From the last sample drawn on, so that the new stretch of line joins the old one.
        start = max(self._shown - 1, 0)
        times, values = _samples_since(self.monitor, self.variable, self.count, start)
        self._x = plain(times, self._unit)
        self._rows = [plain(column, self._v_unit) for column in np.asarray(values).T]
        if self._var_range is not None:
            if whole:
                low, high = (plain(bound, self._v_unit) for bound in self._var_range)
                self.ax.set_ylim(float(low), float(high))
        elif len(self._x) and self._rows:
            low, high = float(np.min(self._rows)), float(np.max(self._rows))
            bottom, top = self.ax.get_ylim()
            if self._shown == 0 or whole or low < bottom or high > top:
                # a new range, with room to grow: the whole range of the run so far
                _, everything = _samples_since(self.monitor, self.variable, self.count, 0)
                low, high = float(np.min(everything)), float(np.max(everything))
                low, high = low / float(self._v_unit), high / float(self._v_unit)
                pad = 0.25 * (high - low) or 1.0
                self.ax.set_ylim(low - pad, high + pad)
                whole = True
        return whole

    def draw_new(self) -> None:
        x = self._x
        if not len(x):
            return
        left, right = self.ax.transData.transform([[x[0], 0], [x[-1], 0]])[:, 0]
        columns = max(1, int(abs(right - left)) + 1)  # pixel columns the new samples cover
        # the new stretches of all lines as one collection: one artist drawn, not one per line
        pieces = self._pieces()
        pieces.set_segments(
            [np.column_stack(envelope(x, row, columns)) for row in self._rows[: len(self._lines)]]
        )
        pieces.set_visible(True)
        self.ax.draw_artist(pieces)
        pieces.set_visible(False)
        pieces.set_segments([])

    def _pieces(self):
        """A LineCollection styled as the lines (colour, width, caps, joins), hidden but for
        draw_new."""
        if getattr(self, "_collection", None) is None:
            from matplotlib.collections import LineCollection

            first = self._lines[0]
            self._collection = LineCollection(
                [],
                colors=[line.get_color() for line in self._lines],
                linewidths=[line.get_linewidth() for line in self._lines],
                linestyles=first.get_linestyle(),
                capstyle=first.get_solid_capstyle(),
                joinstyle=first.get_solid_joinstyle(),
                antialiaseds=first.get_antialiased(),
                zorder=first.get_zorder(),
            )
            self.ax.add_collection(self._collection, autolim=False)
            self._collection.set_visible(False)
        return self._collection

    def mark_drawn(self) -> None:
        self._shown = max(self._shown - 1, 0) + len(self._x)

    def complete(self) -> None:
        times, values = _samples_since(self.monitor, self.variable, self.count, 0)
        x = plain(times, self._unit)
        for line, column in zip(self._lines, np.asarray(values).T, strict=False):
            line.set_data(x, plain(column, self._v_unit))


def envelope(x: np.ndarray, y: np.ndarray, columns: int) -> tuple[np.ndarray, np.ndarray]:
    """``(x, y)`` thinned to each pixel column's lowest and highest point (in time order), the
    first and last point kept: the line drawn looks the same, from far fewer points."""
    per_column = len(x) // columns
    if per_column < 4:
        return x, y
    used = per_column * columns
    xs, ys = x[:used].reshape(columns, per_column), y[:used].reshape(columns, per_column)
    low, high = ys.argmin(axis=1), ys.argmax(axis=1)
    rows = np.arange(columns)[:, None]
    order = np.sort(np.column_stack([low, high]), axis=1)
    thin_x = np.concatenate([x[:1], xs[rows, order].ravel(), x[used - 1 :]])
    thin_y = np.concatenate([y[:1], ys[rows, order].ravel(), y[used - 1 :]])
    return thin_x, thin_y


class LiveViews(LiveView):
    """Several live views updated by the same reports (drawn once per figure)."""

    def __init__(self, *views: LiveView, fps: float | None = None, budget: float | None = None):
        if not views:
            raise ValueError("LiveViews: give at least one live view")
        fps = fps or max(view.fps for view in views)
        super().__init__(None, fps, budget or min(view.budget for view in views))
        self.views = views
        without_axes = [view for view in views if view._ax is None]
        if without_axes:  # one figure, one row each
            _, rows = pyplot().subplots(len(without_axes), 1, squeeze=False, figsize=(8, 6))
            for view, ax in zip(without_axes, rows[:, 0], strict=True):
                view._ax = ax

    def current_time(self) -> float:
        return self.views[0].current_time()

    def update(self, window) -> bool:
        whole = False
        for view in self.views:
            whole = view.update(window) or whole
            view.frames += 1
        return whole

    def draw_new(self) -> None:
        for view in self.views:
            view.draw_new()

    def mark_drawn(self) -> None:
        for view in self.views:
            view.mark_drawn()

    def complete(self) -> None:
        for view in self.views:
            view.complete()

    def figures(self) -> list:
        unique = {}
        for view in self.views:
            unique.setdefault(id(view.ax.figure), view.ax.figure)
        return list(unique.values())
