"""The script a sweep of a Python function runs: load the function, call it with the point.

Run by `axonal.records.launch` like any script (so its record is made as `axonal run` makes
one): `call_function.py FUNCTION.pkl name=value ... [seed=N]`. The parameters are read with
`axonal.parameters` (which records them); a mapping the function returns is reported as the
run's figures.
"""

from collections.abc import Mapping

import cloudpickle

from axonal.records import parameters, report
from axonal.records.parameter_sets import split_command_line


def main() -> None:
    import sys

    _files, _overrides, others = split_command_line(sys.argv[1:])
    with open(others[0], "rb") as pickled:
        function = cloudpickle.load(pickled)
    point = parameters()
    result = function(**{name: point[name] for name in point})
    if isinstance(result, Mapping):
        report(dict(result))


main()
