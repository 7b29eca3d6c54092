"""Monitors to NWB files (pynwb: spikes in the Units table, traces and rates as TimeSeries) and
NWB spikes back to a SpikeGeneratorGroup."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from axonal.units import DIMENSIONLESS, Quantity, Unit, get_dimensions, parse_unit, second
from axonal.units.dimension import Dimension
from axonal.units.registry import get_unit, registry

INSTALL_HINT = "pip install 'axonal[analysis]'"
_SOURCE_COLUMN, _INDEX_COLUMN = "source", "neuron_index"


def require_pynwb(what: str):
    try:
        import pynwb
    except ImportError:
        raise ImportError(f"{what} needs pynwb: {INSTALL_HINT}") from None
    return pynwb


def _unit_text(dim) -> str:
    return "dimensionless" if dim is DIMENSIONLESS else get_unit(dim).dispname


def _add_spikes(nwbfile, monitor) -> None:
    if nwbfile.units is None or _SOURCE_COLUMN not in nwbfile.units.colnames:
        nwbfile.add_unit_column(_SOURCE_COLUMN, "the axonal group the neuron belongs to")
        nwbfile.add_unit_column(_INDEX_COLUMN, "the neuron's index in that group")
    indices, times = monitor.it_
    order = np.lexsort((times, indices))
    bounds = np.searchsorted(indices[order], np.arange(monitor.source.N + 1))
    stop = max(float(monitor.clock.t_), float(times.max()) if times.size else 0.0)
    for index in range(monitor.source.N):
        nwbfile.add_unit(
            spike_times=times[order[bounds[index] : bounds[index + 1]]],
            obs_intervals=[[0.0, stop]],
            **{_SOURCE_COLUMN: monitor.source.name, _INDEX_COLUMN: index},
        )


def _series(pynwb, name, data, dim, times, description, comments):
    period = float(np.median(np.diff(times))) if len(times) > 1 else None
    regular = period is not None and np.allclose(np.diff(times), period, rtol=1e-9, atol=1e-15)
    timing = (
        {"starting_time": float(times[0]), "rate": 1.0 / period}
        if regular
        else {"timestamps": np.asarray(times, dtype=float)}
    )
    return pynwb.TimeSeries(
        name=name,
        data=data,
        unit=_unit_text(dim),
        description=description,
        comments=comments,
        **timing,
    )


def _add_traces(nwbfile, pynwb, monitor) -> None:
    times = monitor.t_
    if not len(times):
        return
    for variable in monitor.record_variables:
        dim = monitor.source.variables[variable].dimensions
        nwbfile.add_acquisition(
            _series(
                pynwb,
                f"{monitor.name}_{variable}",
                getattr(monitor, f"{variable}_").T,  # time first, as NWB wants
                dim,
                times,
                f"{variable} of {monitor.source.name}, one column per recorded element",
                json.dumps(
                    {
                        "source": monitor.source.name,
                        "indices": monitor.record.tolist(),
                        "dimensions": list(dim.exponents),
                    }
                ),
            )
        )


def _add_rate(nwbfile, pynwb, monitor) -> None:
    if not len(monitor.t_):
        return
    nwbfile.add_acquisition(
        _series(
            pynwb,
            f"{monitor.name}_rate",
            monitor.rate_,
            get_dimensions(second) ** -1,
            monitor.t_,
            f"population rate of {monitor.source.name}",
            json.dumps({"source": monitor.source.name, "dimensions": [0, 0, -1, 0, 0, 0, 0]}),
        )
    )


def to_nwb(path, *monitors, session_description=None, identifier=None, session_start_time=None,
           **metadata):  # fmt: skip
    """Write ``monitors`` to the NWB file ``path`` (replaced if it exists): the spikes of
    SpikeMonitors in the Units table (one unit per neuron, with ``source`` and
    ``neuron_index`` columns and the run as observation interval), StateMonitor variables and
    PopulationRateMonitor rates as TimeSeries in the acquisition, in SI units. Other keyword
    arguments go to pynwb.NWBFile (``experimenter``, ``lab``...). Returns the path."""
    pynwb = require_pynwb("to_nwb")
    if not monitors:
        raise TypeError("to_nwb: give at least one monitor")
    names = ", ".join(monitor.name for monitor in monitors)
    nwbfile = pynwb.NWBFile(
        session_description=session_description or f"axonal simulation: {names}",
        identifier=identifier or str(uuid.uuid4()),
        session_start_time=session_start_time or datetime.now(timezone.utc),
        **metadata,
    )
    for monitor in monitors:
        if hasattr(monitor, "it_"):
            _add_spikes(nwbfile, monitor)
        elif hasattr(monitor, "rate_"):
            _add_rate(nwbfile, pynwb, monitor)
        elif hasattr(monitor, "record_variables"):
            _add_traces(nwbfile, pynwb, monitor)
        else:
            raise TypeError(f"to_nwb: cannot export {type(monitor).__name__} {monitor!r}")
    path = Path(path)
    with pynwb.NWBHDF5IO(str(path), "w") as io:
        io.write(nwbfile)
    return path


def _unit_of(unit: str, comments: str, path, name: str):
    """``(dimension, scale to SI)`` of a TimeSeries: from the SI exponents axonal writes in its
    comments, else from its unit text (an SI symbol such as 'V' or a unit name)."""
    try:
        exponents = json.loads(comments).get("dimensions")
    except (ValueError, AttributeError):
        exponents = None
    if exponents is not None:
        return Dimension(tuple(exponents)), 1.0
    if unit == "dimensionless":
        return DIMENSIONLESS, 1.0
    by_symbol = {u.dispname: u for u in registry.values() if isinstance(u, Unit)}
    found = by_symbol.get(unit)
    if found is None:
        try:
            found = parse_unit(unit)
        except ValueError:
            raise ValueError(
                f"read_nwb_series: the unit {unit!r} of {name!r} in {path} is not one axonal knows"
            ) from None
    return get_dimensions(found), float(np.asarray(found))


def spikes_from_nwb(path, source: str | None = None) -> tuple[np.ndarray, Quantity, int]:
    """``(indices, times, N)`` of the Units table of the NWB file ``path``: a unit's index is
    its ``neuron_index`` column when the file has one (written by axonal), else its row.
    ``source`` keeps only the units of that group (the ``source`` column)."""
    pynwb = require_pynwb("spikes_from_nwb")
    with pynwb.NWBHDF5IO(str(path), "r") as io:
        units = io.read().units
        if units is None or len(units) == 0:
            raise ValueError(f"spikes_from_nwb: {path} has no units")
        columns = units.colnames
        rows = range(len(units))
        if source is not None:
            if _SOURCE_COLUMN not in columns:
                raise ValueError(f"spikes_from_nwb: {path} has no 'source' column to choose from")
            rows = [row for row in rows if units[_SOURCE_COLUMN][row] == source]
            if not rows:
                known = sorted(set(units[_SOURCE_COLUMN][:]))
                raise ValueError(f"spikes_from_nwb: no units of {source!r} in {path} ({known})")
        numbered = _INDEX_COLUMN in columns
        trains = [np.asarray(units["spike_times"][row], dtype=float) for row in rows]
        numbers = [int(units[_INDEX_COLUMN][row]) if numbered else k for k, row in enumerate(rows)]
    pairs = zip(numbers, trains, strict=True)
    indices = np.concatenate([np.full(len(t), n, np.int64) for n, t in pairs])
    times = np.concatenate(trains)
    order = np.lexsort((indices, times))
    return (
        indices[order],
        Quantity.with_dimensions(times[order], get_dimensions(second)),
        max(numbers) + 1,
    )


def spike_generator_from_nwb(path, source: str | None = None, N: int | None = None, **kwargs):
    """A SpikeGeneratorGroup emitting the spikes of the NWB file's Units table (of the group
    ``source`` when given); keyword arguments go to SpikeGeneratorGroup."""
    from axonal.groups import SpikeGeneratorGroup

    indices, times, size = spikes_from_nwb(path, source)
    return SpikeGeneratorGroup(size if N is None else N, indices, times, **kwargs)


def read_nwb_series(path, name: str) -> tuple[Quantity, Quantity]:
    """``(t, values)`` of the TimeSeries ``name`` of an NWB file, with their units."""
    pynwb = require_pynwb("read_nwb_series")
    with pynwb.NWBHDF5IO(str(path), "r") as io:
        acquisition = io.read().acquisition
        if name not in acquisition:
            known = ", ".join(sorted(acquisition)) or "none"
            raise KeyError(f"read_nwb_series: {path} has no TimeSeries {name!r} (it has: {known})")
        series = acquisition[name]
        data = np.asarray(series.data[:], dtype=float) * series.conversion + series.offset
        if series.timestamps is not None:
            times = np.asarray(series.timestamps[:], dtype=float)
        else:
            times = series.starting_time + np.arange(len(data)) / series.rate
        unit, comments = series.unit, series.comments
    dim, scale = _unit_of(unit, comments, path, name)
    return (
        Quantity.with_dimensions(times, get_dimensions(second)),
        Quantity.with_dimensions(data * scale, dim),
    )
