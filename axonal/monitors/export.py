"""Export of a monitor's recordings to a dict of arrays or a pandas DataFrame."""

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
        """The recordings as a pandas DataFrame, one row per record, values in SI units."""
        from axonal.optional import require

        pandas = require("pandas", f"{type(self).__name__}.to_dataframe()", "pandas")
        return pandas.DataFrame(self.get_states(units=False))
