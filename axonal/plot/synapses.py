"""Connectivity of a Synapses object: a source x target matrix or a graph, weights as colour."""

from __future__ import annotations

import numpy as np

from axonal.plot.axes import axes_or_new, display_unit, label

KINDS = ("scatter", "matrix", "graph")


def _weights(synapses, weights, var_unit):
    """``(values, colour label)`` of the synapses, or ``(None, '')`` to colour by count."""
    if weights is None:
        weights = "w" if "w" in synapses.variables else None
    if weights is None:
        return None, ""
    if isinstance(weights, str):
        if weights not in synapses.variables:
            raise ValueError(f"plot_synapses: {synapses.name} has no variable {weights!r}")
        values = getattr(synapses, weights)[:]
        name = weights
    else:
        values, name = weights, "weight"
    if np.size(values) == 1:
        values = values * np.ones(len(synapses))
    if np.shape(values) != (len(synapses),):
        raise ValueError(
            f"plot_synapses: weights need one value per synapse ({len(synapses)}), got "
            f"{np.shape(values)}"
        )
    unit, unit_text = display_unit(values, var_unit, "plot_synapses(var_unit=...)")
    return np.asarray(values, dtype=float) / float(unit), label(name, unit_text)


def plot_synapses(synapses, weights=None, *, kind: str = "scatter", var_unit=None, ax=None,
                  cmap="viridis", colorbar: bool = True, **kwargs):  # fmt: skip
    """The synapses of ``synapses``: who connects to whom, coloured by ``weights`` (a variable
    name, default 'w' when there is one, or one value per synapse). Returns the Axes.

    ``kind``: 'scatter' (a dot per source/target pair), 'matrix' (an image of the source x
    target matrix; several synapses between a pair add up; absent pairs blank), 'graph'
    (sources in a column on the left, targets on the right, a line per synapse).
    """
    if kind not in KINDS:
        raise ValueError(f"plot_synapses: kind must be one of {KINDS}, not {kind!r}")
    if not hasattr(synapses, "source") or not hasattr(synapses, "target"):
        raise TypeError(f"plot_synapses: expected Synapses, not {type(synapses).__name__}")
    pre = np.asarray(synapses.i[:], dtype=np.int64)
    post = np.asarray(synapses.j[:], dtype=np.int64)
    n_pre, n_post = len(synapses.source), len(synapses.target)
    values, colour_label = _weights(synapses, weights, var_unit)
    ax = axes_or_new(ax)
    mappable = None
    if kind == "scatter":
        colours = values if values is not None else None
        mappable = ax.scatter(pre, post, c=colours, s=kwargs.pop("s", 4), cmap=cmap, **kwargs)
        if values is None:
            mappable = None
        ax.set_xlim(-0.5, n_pre - 0.5)
        ax.set_ylim(-0.5, n_post - 0.5)
        ax.set_xlabel("source neuron index")
        ax.set_ylabel("target neuron index")
    elif kind == "matrix":
        matrix = np.zeros((n_post, n_pre))
        np.add.at(matrix, (post, pre), 1.0 if values is None else values)
        present = np.zeros((n_post, n_pre), dtype=bool)
        present[post, pre] = True
        shown = np.ma.masked_array(matrix, ~present)
        mappable = ax.imshow(
            shown, origin="lower", aspect="auto", interpolation="nearest", cmap=cmap, **kwargs
        )
        ax.set_xlabel("source neuron index")
        ax.set_ylabel("target neuron index")
        colour_label = colour_label or "synapses"
    else:
        mappable = _draw_graph(ax, pre, post, n_pre, n_post, values, cmap, kwargs)
        ax.set_xticks([0, 1], [synapses.source.name, synapses.target.name])
        ax.set_ylabel("neuron index")
    ax.set_title(synapses.name)
    if colorbar and mappable is not None:
        ax.figure.colorbar(mappable, ax=ax, label=colour_label)
    return ax


def _draw_graph(ax, pre, post, n_pre, n_post, values, cmap, kwargs):
    from matplotlib.collections import LineCollection

    segments = np.stack(
        [np.column_stack([np.zeros(len(pre)), pre]), np.column_stack([np.ones(len(post)), post])],
        axis=1,
    )
    lines = LineCollection(segments, cmap=cmap, linewidths=kwargs.pop("linewidths", 0.5), **kwargs)
    if values is not None:
        lines.set_array(values)
    ax.add_collection(lines)
    ax.scatter(np.zeros(n_pre), np.arange(n_pre), s=8, color="k", zorder=3)
    ax.scatter(np.ones(n_post), np.arange(n_post), s=8, color="k", zorder=3)
    ax.set_xlim(-0.2, 1.2)
    ax.set_ylim(-0.5, max(n_pre, n_post) - 0.5)
    return lines if values is not None else None
