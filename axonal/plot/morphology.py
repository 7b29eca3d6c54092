"""The shape of a neuron: its compartments drawn in a plane, coloured by a value if given."""

from __future__ import annotations

import numpy as np

from axonal.plot.axes import axes_or_new, display_unit, label, plain
from axonal.units import Quantity, get_dimensions, meter, um

_AXES = {"x": 0, "y": 1, "z": 2}


def plot_morphology(morphology, values=None, *, plane: str = "xy", ax=None, cmap="viridis",
                    value_unit=None, colorbar: bool = True, width_by_diameter: bool = True,
                    color="black", **kwargs):  # fmt: skip
    """Draw a Morphology (or a SpatialNeuron's) projected on ``plane`` (``"xy"``, ``"xz"``,
    ``"zy"``...): each compartment a segment from its start to its end point, a spherical
    soma a disc of its diameter. Returns the Axes (x and y in um, equal aspect).

    ``values``: one number per compartment to colour by, or the name of a SpatialNeuron
    variable (``'v'``), with a colour bar labelled with its name and unit (``value_unit``,
    else the best one); without it every compartment is ``color``. Line widths follow the
    diameters (``width_by_diameter``). A morphology without coordinates gets generated ones
    (``Morphology.generate_coordinates``: a deterministic layout).
    """
    from matplotlib.collections import LineCollection
    from matplotlib.patches import Circle

    neuron = None
    if not hasattr(morphology, "sections") and hasattr(morphology, "morphology"):
        neuron, morphology = morphology, morphology.morphology
    if not hasattr(morphology, "sections"):
        raise TypeError(
            f"plot_morphology: expected a Morphology or a SpatialNeuron, not "
            f"{type(morphology).__name__}"
        )
    if len(plane) != 2 or any(axis not in _AXES for axis in plane) or plane[0] == plane[1]:
        raise ValueError(
            f"plot_morphology: plane must be two of x, y, z (e.g. 'xy'), not {plane!r}"
        )
    sections = morphology.sections()
    if any(section.start_x is None for section in sections):
        morphology = morphology.generate_coordinates()
        sections = morphology.sections()
    first, second = (_AXES[axis] for axis in plane)
    names = ("x", "y", "z")
    starts, ends, diameters, somas = [], [], [], []
    for section in sections:
        start = [_um(getattr(section, f"start_{names[a]}")) for a in (first, second)]
        end = [_um(getattr(section, f"end_{names[a]}")) for a in (first, second)]
        diameter = _um(section.diameter)
        if type(section).__name__ == "Soma":
            somas.append((len(starts), start[0][0], start[1][0], diameter[0]))
        starts.append(np.column_stack(start))
        ends.append(np.column_stack(end))
        diameters.append(diameter)
    starts, ends = np.concatenate(starts), np.concatenate(ends)
    diameters = np.concatenate(diameters)
    colours, value_label = _values(neuron, values, len(starts), value_unit)
    ax = axes_or_new(ax)
    cable = np.array([k for k in range(len(starts)) if k not in {s[0] for s in somas}], int)
    thickest = diameters[cable].max() if len(cable) else 1.0
    widths = 1.0 + 3.0 * diameters / thickest if width_by_diameter else 2.0
    widths = np.broadcast_to(widths, diameters.shape)
    lines = LineCollection(
        np.stack([starts[cable], ends[cable]], axis=1),
        linewidths=widths[cable],
        capstyle="round",
        **kwargs,
    )
    norm_source = lines
    if colours is not None:
        lines.set_array(colours[cable])
        lines.set_cmap(cmap)
        lines.set_clim(float(np.nanmin(colours)), float(np.nanmax(colours)))
    else:
        lines.set_color(color)
    ax.add_collection(lines)
    for index, x, y, diameter in somas:
        disc = Circle((x, y), diameter / 2)
        if colours is not None:
            disc.set_facecolor(lines.cmap(lines.norm(colours[index])))
        else:
            disc.set_facecolor(color)
        ax.add_patch(disc)
    ax.autoscale_view()
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel(label(plane[0], "um"))
    ax.set_ylabel(label(plane[1], "um"))
    if colours is not None and colorbar:
        bar = ax.figure.colorbar(norm_source, ax=ax)
        bar.set_label(value_label)
    return ax


def _um(values) -> np.ndarray:
    return np.atleast_1d(np.asarray(values, dtype=float)) / float(um)


def _values(neuron, values, n: int, value_unit):
    """(plain numbers per compartment or None, the colour bar's label)."""
    if values is None:
        return None, ""
    name = "value"
    if isinstance(values, str):
        if neuron is None:
            raise ValueError(
                f"plot_morphology: values={values!r} names a variable: give the SpatialNeuron"
            )
        name, values = values, getattr(neuron, values)[:]
    values = values if isinstance(values, Quantity) else np.asarray(values, dtype=float)
    if np.size(values) != n:
        raise ValueError(
            f"plot_morphology: {n} values expected (one per compartment), got {np.size(values)}"
        )
    unit, unit_text = display_unit(values, value_unit, "plot_morphology")
    if get_dimensions(values) is get_dimensions(meter) and value_unit is None:
        unit, unit_text = um, "um"
    return plain(values, unit).ravel(), label(name, unit_text)
