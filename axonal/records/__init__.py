"""Run provenance: parameters, reported figures, record stores, repeat and the web view.

Only `parameters` and `report` belong in a model script's namespace; everything else is reached
through the `axonal` command or `axonal.records.<module>`. Importing this package is cheap: the
store (SQLAlchemy) is imported only by the modules that need it.
"""

from axonal.records.figures import report
from axonal.records.parameter_sets import parameters

__all__ = ["parameters", "report"]
