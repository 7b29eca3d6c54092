"""Live views, headless (Agg): the report hook redraws during the run, within its frame budget."""

import time

import numpy as np
import pytest

import axonal
from axonal import Network, NeuronGroup, SpikeMonitor, StateMonitor, ms, mV, second, volt

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from axonal.plot import LiveRaster, LiveTrace, LiveView, LiveViews  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


class CountingRaster(LiveRaster):
    """A LiveRaster noting how many spikes each frame showed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.shown = []

    def update(self, window):
        whole = super().update(window)
        self.shown.append(self._shown + len(self._new[0]))  # drawn before, and in this frame
        return whole


def network():
    axonal.start_scope()
    axonal.seed(3)
    group = NeuronGroup(
        200,
        "dv/dt = (-60*mV - v + 15*mV)/(10*ms) + 3*mV*xi/sqrt(10*ms) : volt",
        threshold="v > -50*mV",
        reset="v = -60*mV",
        method="euler",
    )
    group.v = -60 * mV
    spikes = SpikeMonitor(group)
    state = StateMonitor(group, "v", record=[0, 1, 2])
    return Network(group, spikes, state), spikes, state


def test_live_raster_and_trace_update_during_the_run():
    net, spikes, state = network()
    # reports every 5 ms of wall time; drawing may take half of the time
    raster = CountingRaster(spikes, fps=200, budget=0.5)
    trace = LiveTrace(state, "v", fps=200, budget=0.5)
    views = LiveViews(raster, trace)
    net.run(300 * ms, report=views, report_period=views.period)
    assert views.frames >= 2 and raster.frames == views.frames == trace.frames
    # the frames showed the spikes recorded so far: growing, the last one all of them
    assert raster.shown == sorted(raster.shown)
    assert raster.shown[0] < raster.shown[-1] == spikes.num_spikes
    line = raster._line
    assert np.allclose(line.get_xdata(), spikes.t / ms)
    assert np.array_equal(line.get_ydata(), spikes.i)
    assert raster.ax.get_xlim() == pytest.approx((0, 300))
    assert raster.ax.get_xlabel() == "time (ms)" and trace.ax.get_ylabel() == "v (mV)"
    assert np.allclose(trace._lines[2].get_ydata(), state.v[2] / mV)
    assert views.draw_seconds > 0


def test_a_second_run_continues_the_time_axis():
    net, spikes, _ = network()
    raster = LiveRaster(spikes, fps=100)
    net.run(50 * ms, report=raster, report_period=raster.period)
    net.run(50 * ms, report=raster, report_period=raster.period)
    assert raster.ax.get_xlim() == pytest.approx((50, 100))
    assert raster.frames >= 2


class SlowView(LiveView):
    """A view whose frame takes 20 ms to draw."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.updates = 0

    def current_time(self):
        return 0.0

    def update(self, window):
        self.updates += 1
        time.sleep(0.02)

    def figures(self):
        return []


def test_frames_keep_to_the_budget():
    view = SlowView(fps=1000, budget=0.1)  # 20 ms frames: the next waits at least 200 ms
    for _ in range(20):
        view(0 * second, 0.5, 0 * second, 1 * second)
    assert view.reports == 20 and view.frames == view.updates == 1
    view(0 * second, 1.0, 0 * second, 1 * second)  # the run's last report always draws
    assert view.frames == 2
    with pytest.raises(ValueError, match="budget must be"):
        SlowView(budget=0)
    with pytest.raises(ValueError, match="fps must be positive"):
        SlowView(fps=0)


def test_live_view_run_uses_the_scripts_objects():
    net, spikes, _ = network()
    raster = LiveRaster(spikes, fps=50)
    raster.run(20 * ms, network=net)
    assert raster.frames >= 1 and float(net.t / ms) == pytest.approx(20)
    with pytest.raises(TypeError, match="expected a SpikeMonitor"):
        LiveRaster(net)


class FakeSpikes:
    """What LiveRaster reads of a SpikeMonitor, with spikes added by hand."""

    name = "fake"

    def __init__(self, n=50):
        self.source = type("Source", (), {"N": n})()
        self.clock = type("Clock", (), {"t_": 0.0})()
        rng = np.random.default_rng(0)
        self.all_t = np.sort(rng.uniform(0, 1, 3000))
        self.all_i = rng.integers(0, n, 3000)
        self.shown = 0

    @property
    def it_(self):
        return self.all_i[: self.shown], self.all_t[: self.shown]


def test_a_frame_draws_only_the_new_spikes_and_looks_like_a_whole_redraw():
    spikes = FakeSpikes()
    raster = LiveRaster(spikes, fps=1e6, budget=1.0)
    canvas = raster.ax.figure.canvas
    drawn_whole = []
    original_draw = canvas.draw
    canvas.draw = lambda *a, **k: (drawn_whole.append(True), original_draw(*a, **k))
    for step in range(1, 5):  # four frames, each with 500 more spikes
        spikes.shown, spikes.clock.t_ = 500 * step, 0.25 * step
        raster(0 * second, 0.25 * step - 0.01, 0 * second, 1 * second)
    assert raster.frames == 4 and len(drawn_whole) == 1  # the first frame only
    incremental = np.asarray(canvas.buffer_rgba()).copy()
    raster.complete()  # the artists get all the spikes, as before any whole draw
    original_draw()
    whole = np.asarray(canvas.buffer_rgba())
    differing = np.mean(np.any(incremental != whole, axis=-1))
    assert differing < 1e-3
    assert np.count_nonzero(np.all(whole[..., :3] < 100, axis=-1)) > 1000  # the spikes are there


def test_an_image_raster_draws_each_spike_where_the_axes_put_it_frame_by_frame():
    spikes = FakeSpikes(n=5000)
    raster = LiveRaster(spikes, fps=1e6, budget=1.0)
    assert raster.image  # 1000 neurons or more: one pixel per spike, not a marker each
    canvas = raster.ax.figure.canvas
    for step in range(1, 5):  # four frames, each with 500 more spikes
        spikes.shown, spikes.clock.t_ = 500 * step, 0.25 * step
        raster(0 * second, 0.25 * step - 0.01, 0 * second, 1 * second)
    assert [whole for whole, _, _ in raster.frame_log] == [True, False, False, False]
    incremental = np.asarray(canvas.buffer_rgba()).copy()
    raster.complete()
    canvas.draw()
    whole = np.asarray(canvas.buffer_rgba())
    assert np.array_equal(incremental, whole)
    # every spike shown is a dark pixel at (or next to) the place the Axes map its time and
    # index to, and every dark pixel inside the Axes is such a place
    shown = np.column_stack([spikes.all_t * 1000, spikes.all_i])[: spikes.shown]
    points = raster.ax.transData.transform(shown)
    columns = np.floor(points[:, 0]).astype(int)
    rows = whole.shape[0] - 1 - np.floor(points[:, 1]).astype(int)
    dark = np.all(whole[..., :3] < 100, axis=-1)
    near_dark = np.zeros(len(points), bool)
    near_a_spike = np.zeros_like(dark)
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            r, c = rows + dr, np.clip(columns + dc, 0, whole.shape[1] - 1)
            near_dark |= dark[r, c]
            near_a_spike[r, c] = True
    assert near_dark.all()
    box = raster.ax.bbox
    inside = (
        slice(whole.shape[0] - int(box.y1) + 2, whole.shape[0] - int(box.y0) - 2),
        slice(int(box.x0) + 2, int(box.x1) - 2),
    )
    assert dark[inside].sum() > 1000 and not (dark & ~near_a_spike)[inside].any()
    # saved at another resolution the pixels are scaled as an image: the spikes are still there
    import io

    def dark_pixels_saved_at_50_dpi():
        saved = io.BytesIO()
        raster.ax.figure.savefig(saved, dpi=50, format="png")
        image = plt.imread(io.BytesIO(saved.getvalue()))
        assert image.shape[:2] == (240, 320)
        return np.count_nonzero(np.all(image[..., :3] < 0.4, axis=-1))

    with_spikes = dark_pixels_saved_at_50_dpi()
    raster._line.set_visible(False)
    assert with_spikes - dark_pixels_saved_at_50_dpi() > 300  # fewer pixels, fewer dots


def test_envelope_keeps_each_pixel_columns_extremes():
    from axonal.plot.live import envelope

    x = np.linspace(0, 1, 10_000)
    y = np.sin(40 * x) + 0.1 * np.random.default_rng(1).normal(size=x.size)
    thin_x, thin_y = envelope(x, y, 100)
    assert len(thin_x) == 202 and np.all(np.diff(thin_x) >= 0)  # in time order
    assert (thin_x[0], thin_y[0], thin_x[-1], thin_y[-1]) == (x[0], y[0], x[-1], y[-1])
    columns = y.reshape(100, 100)
    inner = thin_y[1:-1].reshape(100, 2)
    assert np.array_equal(inner.min(axis=1), columns.min(axis=1))
    assert np.array_equal(inner.max(axis=1), columns.max(axis=1))
    short_x, short_y = envelope(x[:300], y[:300], 100)  # under 4 points a column: unchanged
    assert np.array_equal(short_y, y[:300])


class FakeTraces:
    """What LiveTrace reads of a StateMonitor, with samples added by hand."""

    name, record_variables, record = "fake", ["v"], np.arange(3)

    def __init__(self):
        self.clock = type("Clock", (), {"t_": 0.0})()
        self.all_t = np.arange(20_000) * 1e-4
        rng = np.random.default_rng(2)
        self.all_v = -0.06 + np.cumsum(rng.normal(0, 5e-5, (3, 20_000)), axis=1)
        self.samples = 0

    @property
    def t_(self):
        return self.all_t[: self.samples]

    @property
    def v(self):
        return self.all_v[:, : self.samples] * volt

    recorded_variable = StateMonitor.recorded_variable


def test_trace_frames_drawn_piecewise_look_like_a_whole_redraw():
    traces = FakeTraces()
    view = LiveTrace(traces, "v", fps=1e6, budget=1.0)
    for step in range(1, 11):  # ten frames, 2000 more samples each
        traces.samples, traces.clock.t_ = 2_000 * step, 0.2 * step
        view(0 * second, 0.1 * step - 0.01, 0 * second, 2 * second)
    assert any(not whole for whole, _, _ in view.frame_log)  # some frames drew new data only
    canvas = view.ax.figure.canvas
    piecewise = np.asarray(canvas.buffer_rgba()).copy()
    view.complete()
    canvas.draw()  # the same data and ranges, drawn whole
    whole = np.asarray(canvas.buffer_rgba())
    drawn = np.any(whole[..., :3] < 200, axis=-1) | np.any(piecewise[..., :3] < 200, axis=-1)
    differing = np.any(piecewise != whole, axis=-1)
    assert drawn.sum() > 2000  # the traces are there
    assert differing.sum() < 0.1 * drawn.sum()


def test_a_prepared_view_draws_only_new_data_during_the_run():
    net, spikes, state = network()
    views = LiveViews(LiveRaster(spikes, fps=200, budget=0.5), LiveTrace(state, fps=200))
    views.prepare(100 * ms, net.t_)
    assert views.frames == 0  # drawn before the run, not a frame of it
    net.run(100 * ms, report=views, report_period=views.period)
    assert views.frames >= 1
    assert views.views[0].ax.get_xlim() == pytest.approx((0, 100))
    raster = LiveRaster(spikes, fps=200, budget=0.5)
    raster.prepare(50 * ms, net.t_)
    net.run(50 * ms, report=raster, report_period=raster.period)
    assert raster.frames >= 1
    assert not any(whole for whole, _, _ in raster.frame_log)  # all frames draw new data only
    # after the run the artist holds the run's spikes (those before its window are not shown)
    assert np.array_equal(raster._line.get_ydata(), spikes.i[spikes.t >= 100 * ms])
    fixed = LiveTrace(state, var_range=(-70 * mV, -40 * mV), fps=200)
    fixed.prepare(50 * ms, net.t_)
    net.run(50 * ms, report=fixed, report_period=fixed.period)
    assert fixed.ax.get_ylim() == pytest.approx((-70, -40))
    assert not any(whole for whole, _, _ in fixed.frame_log)  # all frames draw new data only
    with pytest.raises(ValueError, match="in the units of v"):
        LiveTrace(state, var_range=(0 * second, 1 * second))


def test_run_live_true_draws_the_networks_monitors_during_the_run():
    net, spikes, state = network()
    net.run(100 * ms, live=True)
    figure = plt.gcf()
    raster_ax, trace_ax = figure.axes
    assert raster_ax.get_title() == spikes.name and trace_ax.get_ylabel() == "v (mV)"
    assert raster_ax.get_xlim() == pytest.approx((0, 100))
    # after the run the figure holds the whole run: every spike, every sample
    (line, *_) = [line for line in raster_ax.lines if len(line.get_xdata())]
    assert np.array_equal(line.get_ydata(), spikes.i)
    assert np.allclose(trace_ax.lines[0].get_ydata(), state.v[0] / mV)
    assert spikes.num_spikes > 0


def test_run_live_through_the_magic_network_and_with_a_view_of_ones_own():
    axonal.start_scope()
    group = NeuronGroup(5, "dv/dt = 1/(10*ms) : 1", threshold="v > 1", reset="v = 0")
    spikes = SpikeMonitor(group)
    raster = LiveRaster(spikes, fps=100)
    axonal.run(50 * ms, live=raster)
    assert raster.frames >= 1 and raster.ax.get_xlim() == pytest.approx((0, 50))
    assert np.array_equal(raster._line.get_ydata(), spikes.i) and spikes.num_spikes >= 20


def test_run_live_errors_name_what_is_wrong():
    net, _, _ = network()
    with pytest.raises(ValueError, match="give either live= or report="):
        net.run(1 * ms, live=True, report="text")
    with pytest.raises(TypeError, match="live= must be True or a live view"):
        net.run(1 * ms, live="yes")
    group = NeuronGroup(2, "v : 1")
    with pytest.raises(ValueError, match="no SpikeMonitor or StateMonitor"):
        Network(group).run(1 * ms, live=True)


def test_reports_during_a_run_read_the_records_made_so_far():
    """What a live view stands on: at each report of a run (also on the compiled target, whose
    loop returns to Python only there), the monitors hold every record up to that time."""
    group = NeuronGroup(
        500, "dv/dt = (1.2 - v)/(10*ms) : 1", threshold="v > 1", reset="v = 0", method="exact"
    )
    group.v = "rand()"
    spikes, state = SpikeMonitor(group), StateMonitor(group, "v", record=[0, 1])
    seen = []

    def report(wall, fraction, start, duration):
        seen.append((float(fraction), len(state.t_), spikes.num_spikes, float(state.clock.t_)))

    network = Network(group, spikes, state)
    network.run(20 * second, report=report, report_period=1 * ms)
    during = [entry for entry in seen if 0 < entry[0] < 1]
    assert during, "no report during the run"
    for _fraction, samples, count, now in during:
        assert samples == round(now / 1e-4)  # every step so far, none more (dt = 0.1 ms)
        assert 0 < count < spikes.num_spikes
    assert seen[-1][1] == 200_000
