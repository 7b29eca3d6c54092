"""Export of a monitor's recordings: dicts of arrays, pandas, neo, NWB and HDF5.

The formats live in their own modules (neo_io, nwb_io, hdf5_io), imported when used, so that
neither ``import axonal`` nor a monitor needs pandas, neo, pynwb or h5py.
"""

from __future__ import annotations

import numpy as np


class MonitorExport:
    """Mixin: a monitor provides ``export_columns()``, a dict of equal-length columns."""

    def export_columns(self) -> dict[str, object]:
        raise NotImplementedError

    def get_states(self, units: bool = True) -> dict[str, object]:
        """The recordings as a dict of arrays (quantities when ``units``)."""
        columns = self.export_columns()
        return columns if units else {name: np.asarray(value) for name, value in columns.items()}

    def to_dataframe(self):
        """The recordings as a pandas DataFrame, one row per record, values in SI units
        (their units in ``DataFrame.attrs['units']``)."""
        from axonal.optional import require

        pandas = require("pandas", f"{type(self).__name__}.to_dataframe()", "pandas")
        from axonal.units import DIMENSIONLESS, get_dimensions
        from axonal.units.registry import get_unit

        columns = self.export_columns()
        frame = pandas.DataFrame({name: np.asarray(value) for name, value in columns.items()})
        dims = {name: get_dimensions(value) for name, value in columns.items()}
        frame.attrs["units"] = {
            name: "" if dim is DIMENSIONLESS else get_unit(dim).dispname
            for name, dim in dims.items()
        }
        return frame

    def to_neo(self):
        """The recordings as a neo Block (see ``axonal.monitors.neo_io.to_neo``)."""
        from axonal.monitors.neo_io import to_neo

        return to_neo(self)

    def to_nwb(self, path, **metadata):
        """Write the recordings to an NWB file (see ``axonal.monitors.nwb_io.to_nwb``)."""
        from axonal.monitors.nwb_io import to_nwb

        return to_nwb(path, self, **metadata)

    def to_hdf5(self, path, mode: str = "a"):
        """Write the recordings to an HDF5 file (see ``axonal.monitors.hdf5_io.to_hdf5``)."""
        from axonal.monitors.hdf5_io import to_hdf5

        return to_hdf5(path, self, mode=mode)
