"""``run(duration, live=True)``: the live view a run draws, given to the run as its report.

The run path only hands its ``live=`` argument here (``Network.run``); the view is a ``report=``
function like any other, so the loops return to Python only at its frames.
"""

from __future__ import annotations

from axonal.plot.live import LiveRaster, LiveTrace, LiveView, LiveViews

# More views than this in one figure are too small to read; the first ones are shown.
MOST_VIEWS = 4


def views_of(objects) -> list[LiveView]:
    """A raster for each SpikeMonitor and a trace for each StateMonitor among ``objects``."""
    from axonal.monitors.eventmonitor import EventMonitor
    from axonal.monitors.statemonitor import StateMonitor

    views: list[LiveView] = []
    for obj in objects:
        if isinstance(obj, EventMonitor) and getattr(obj, "event", "spike") == "spike":
            views.append(LiveRaster(obj))
        elif isinstance(obj, StateMonitor) and len(obj.record):
            views.append(LiveTrace(obj))
    return views[:MOST_VIEWS]


def live_report(network, duration, live, report):
    """The ``(report, report_period)`` of ``network.run(duration, live=live)``: ``live=True``
    shows the network's spike and state monitors; a LiveView is shown as it is. Its figure is
    drawn whole before the run begins."""
    if report is not None:
        raise ValueError(
            f"{network.name}.run(): live= shows the run's progress in its figure; give either "
            f"live= or report= (got report={report!r})"
        )
    if isinstance(live, LiveView):
        view = live
    elif live is True:
        views = views_of(obj for obj in network.objects if obj.active)
        if not views:
            raise ValueError(
                f"{network.name}.run(live=True): there is no SpikeMonitor or StateMonitor "
                "(recording some element) to show; add one, or give live=LiveRaster(...)"
            )
        view = views[0] if len(views) == 1 else LiveViews(*views)
    else:
        raise TypeError(
            f"{network.name}.run(): live= must be True or a live view (LiveRaster, LiveTrace, "
            f"LiveViews), not {live!r}"
        )
    view.prepare(duration, network.t_)
    return view, view.period
