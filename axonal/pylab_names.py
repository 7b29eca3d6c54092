"""The pylab and NumPy names Brian 2's star import gives, without importing matplotlib early.

``from brian2 import *`` includes ``from pylab import *``: NumPy's names (and those of
numpy.fft, numpy.linalg, numpy.random) and matplotlib's plotting names (``plot``, ``figure``,
``subplot``, ``plt``, ``cm``, ``rcParams``, ...). Scripts rely on them. The NumPy names are
NumPy's own objects; each matplotlib name is a stand-in that imports matplotlib.pylab the first
time it is called, indexed or has an attribute read, so that ``import axonal`` stays fast and
scripts that never plot never load matplotlib.
"""

from __future__ import annotations

import importlib

import numpy as np

# matplotlib.pylab's own names (3.11) that are not NumPy's: pyplot's functions and classes, the
# date and mlab helpers, and the modules pylab exposes. A name that an older matplotlib lacks
# raises AttributeError when used.
PYLAB_NAMES = tuple(
    """
    Annotation Arrow Artist AutoLocator AxLine Axes BackendFilter Button Circle Colorizer
    ColorizingArtist Colormap DAILY DateFormatter DateLocator DayLocator FR Figure FigureBase
    FigureCanvasBase FigureManagerBase FixedFormatter FixedLocator FormatStrFormatter Formatter
    FuncFormatter GridSpec HOURLY HourLocator IndexLocator Line2D LinearLocator Locator
    LogFormatter LogFormatterExponent LogFormatterMathtext LogLocator MINUTELY MO MONTHLY
    MaxNLocator MinuteLocator MonthLocator MouseButton MultipleLocator Normalize NullFormatter
    NullLocator PolarAxes Polygon RRuleLocator Rectangle SA SECONDLY SU ScalarFormatter
    SecondLocator Slider Subplot SubplotSpec TH TU Text TickHelper WE WEEKLY WeekdayLocator Widget
    YEARLY YearLocator acorr angle_spectrum annotate arrow autoscale autumn axes axhline axhspan
    axis axline axvline axvspan backend_registry bar bar_label barbs barh bone box boxplot
    broken_barh cbook cla clabel clf clim close cm cohere color_sequences colorbar colormaps
    connect contour contourf cool copper csd date2num datestr2num delaxes detrend detrend_linear
    detrend_mean detrend_none disconnect drange draw draw_all draw_if_interactive ecdf errorbar
    eventplot figaspect figimage figlegend fignum_exists figtext figure fill fill_between
    fill_betweenx findobj flag flatten gca gcf gci get get_backend get_cmap
    get_current_fig_manager get_figlabels get_fignums get_plot_commands get_scale_names getp
    ginput gray grid grouped_bar hexbin hist hist2d hlines hot hsv imread imsave imshow inferno
    install_repl_displayhook interactive ioff ion isinteractive jet legend locator_params loglog
    magma magnitude_spectrum margins matshow minorticks_off minorticks_on mlab mpl
    new_figure_manager nipy_spectral num2date pause pcolor pcolormesh phase_spectrum pie pie_label
    pink plasma plot plt polar prism psd quiver quiverkey rc rcParams rcParamsDefault rcParamsOrig
    rc_context rcdefaults rcsetup relativedelta rgrids rrule savefig sca scatter sci semilogx
    semilogy set_cmap set_loglevel setp show silent_list specgram spring spy stackplot stairs stem
    step streamplot style subplot subplot2grid subplot_mosaic subplot_tool subplots
    subplots_adjust summer suptitle switch_backend table text thetagrids tick_params
    ticklabel_format tight_layout title tricontour tricontourf tripcolor triplot twinx twiny
    uninstall_repl_displayhook violinplot viridis vlines waitforbuttonpress window_hanning
    window_none winter xcorr xkcd xlabel xlim xscale xticks ylabel ylim yscale yticks
    matplotlib
    """.split()
)


def _numpy_names() -> dict[str, object]:
    """What ``from numpy import *`` and its fft, linalg and random star imports give, as pylab.

    NumPy loads some submodules only when first used (numpy.testing imports unittest, ...):
    those names are stand-ins too, so that the star import does not load them.
    """
    import numpy.fft  # noqa: F401 - small; its functions (fft, ifft, ...) are pylab names

    names: dict[str, object] = {}
    for module in (np, np.fft, np.linalg, np.random):
        public = getattr(module, "__all__", None) or [n for n in dir(module) if n[0] != "_"]
        loaded = vars(module)
        for name in public:
            if name.startswith("_"):
                continue  # NumPy's __version__ must not become axonal.__version__
            if name in loaded:
                names[name] = loaded[name]
            elif module is np:
                names[name] = LazyName("numpy", name)
    return names


class LazyName:
    """A name of ``module`` that imports it when first used, then acts as the name."""

    __slots__ = ("_module", "_name", "_target")

    def __init__(self, module: str, name: str):
        object.__setattr__(self, "_module", module)
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_target", None)

    def resolve(self):
        target = object.__getattribute__(self, "_target")
        if target is None:
            name = object.__getattribute__(self, "_name")
            module_name = object.__getattribute__(self, "_module")
            module = importlib.import_module(module_name)
            try:
                target = getattr(module, name)
            except AttributeError:
                version = importlib.import_module(module_name.split(".")[0]).__version__
                raise AttributeError(
                    f"{name!r} is not in this version of {module_name} ({version})"
                ) from None
            object.__setattr__(self, "_target", target)
        return target

    def __call__(self, *args, **kwargs):
        return self.resolve()(*args, **kwargs)

    def __getattr__(self, attribute: str):
        return getattr(self.resolve(), attribute)

    def __setattr__(self, attribute: str, value) -> None:
        setattr(self.resolve(), attribute, value)

    def __getitem__(self, key):
        return self.resolve()[key]

    def __setitem__(self, key, value) -> None:
        self.resolve()[key] = value

    def __iter__(self):
        return iter(self.resolve())

    def __contains__(self, item) -> bool:
        return item in self.resolve()

    def __len__(self) -> int:
        return len(self.resolve())

    def __repr__(self) -> str:
        return repr(self.resolve())


def script_names() -> dict[str, object]:
    """The names pylab's star import would give; axonal's own names are laid over them."""
    names = _numpy_names()
    for builtin_name in ("abs", "bool", "bytes", "max", "min", "pow", "round"):
        names.pop(builtin_name, None)  # pylab keeps Python's built-ins for these
    names.update((name, LazyName("matplotlib.pylab", name)) for name in PYLAB_NAMES)
    return names
