"""Monitors to HDF5 files (h5py): one HDF5 group per monitor, datasets in SI units with their
dimensions as attributes, and back to quantities."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from axonal.units import DIMENSIONLESS, Quantity, get_dimensions
from axonal.units.dimension import Dimension
from axonal.units.registry import get_unit

INSTALL_HINT = "pip install 'axonal[analysis]'"


def require_h5py(what: str):
    try:
        import h5py
    except ImportError:
        raise ImportError(f"{what} needs h5py: {INSTALL_HINT}") from None
    return h5py


def _datasets(monitor) -> dict[str, object]:
    """What is written for ``monitor``: arrays or quantities by name."""
    if hasattr(monitor, "it_"):
        data = {"i": monitor.i, "t": monitor.t}
        data.update({name: getattr(monitor, name) for name in monitor.record_variables})
        return data
    if hasattr(monitor, "rate_"):
        return {"t": monitor.t, "rate": monitor.rate}
    if hasattr(monitor, "record_variables"):
        data = {"t": monitor.t, "record": np.asarray(monitor.record)}
        data.update({name: getattr(monitor, name) for name in monitor.record_variables})
        return data
    raise TypeError(f"to_hdf5: cannot export {type(monitor).__name__} {monitor!r}")


def to_hdf5(path, *monitors, mode: str = "a"):
    """Write each monitor to the HDF5 group of its name in ``path`` (replacing a group of that
    name; other groups in the file are kept with ``mode='a'``). SpikeMonitor: ``i``, ``t`` and
    recorded variables; StateMonitor: ``t``, ``record`` and one dataset per variable (recorded
    element x time); PopulationRateMonitor: ``t``, ``rate``. Each dataset holds SI values with
    attributes ``unit`` (its symbol) and ``dimensions`` (the 7 SI exponents). Returns the path."""
    h5py = require_h5py("to_hdf5")
    if not monitors:
        raise TypeError("to_hdf5: give at least one monitor")
    path = Path(path)
    contents = [_datasets(monitor) for monitor in monitors]  # refuses before the file opens
    with h5py.File(path, mode) as handle:
        for monitor, datasets in zip(monitors, contents, strict=True):
            if monitor.name in handle:
                del handle[monitor.name]
            group = handle.create_group(monitor.name)
            group.attrs["kind"] = type(monitor).__name__
            group.attrs["source"] = monitor.source.name
            group.attrs["source_N"] = monitor.source.N
            group.attrs["t_end"] = float(monitor.clock.t_)
            group.attrs["dt"] = float(monitor.clock.dt_)
            for name, values in datasets.items():
                dim = get_dimensions(values)
                dataset = group.create_dataset(name, data=np.asarray(values))
                dataset.attrs["unit"] = get_unit(dim).dispname if dim is not DIMENSIONLESS else ""
                dataset.attrs["dimensions"] = np.asarray(dim.exponents, dtype=float)
    return path


def read_hdf5(path, name: str | None = None) -> dict:
    """The monitors written by ``to_hdf5``: ``{monitor name: {dataset: values}}``, values as
    quantities (plain arrays when dimensionless) and the group's attributes under ``'attrs'``;
    just one monitor's dict with ``name``."""
    h5py = require_h5py("read_hdf5")
    with h5py.File(Path(path), "r") as handle:
        names = list(handle) if name is None else [name]
        result = {}
        for monitor_name in names:
            if monitor_name not in handle:
                known = ", ".join(sorted(handle)) or "none"
                raise KeyError(f"read_hdf5: {path} has no monitor {monitor_name!r} ({known})")
            group = handle[monitor_name]
            contents: dict = {"attrs": {key: _plain(value) for key, value in group.attrs.items()}}
            for dataset_name, dataset in group.items():
                values = dataset[()]
                exponents = dataset.attrs.get("dimensions")
                dim = DIMENSIONLESS if exponents is None else Dimension(tuple(exponents))
                contents[dataset_name] = (
                    values if dim is DIMENSIONLESS else Quantity.with_dimensions(values, dim)
                )
            result[monitor_name] = contents
    return result if name is None else result[name]


def _plain(value):
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, np.generic):
        return value.item()
    return value
