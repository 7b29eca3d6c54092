"""Reference digests of Brian 2's compartmental examples, run by Brian 2.9.0 itself.

Run in the reference environment, from the repository root:

    PYTHONPATH=<folder with SciPy> /work/refenv/bin/python -m \
        tests.spatial.make_reference [NAME ...]

Each example of examples/compartmental/ runs unchanged (``__main__``, Agg backend, full
duration) with Brian 2's Cython target (its NumPy one took over 15 min for
hh_with_spikes.py); the digest of its monitors (tests/brian2_examples/
run_example.py) goes to tests/spatial/reference/.

Brian 2 needs SciPy for SpatialNeuron on its NumPy target (and hh_with_spikes.py imports
scipy.stats); /work/refenv has none, so SciPy comes from a folder on PYTHONPATH that links
only SciPy from axonal's environment (SciPy 1.17.1 on the reference's NumPy 2.3.5).
"""

import shutil
import sys
import tempfile
from pathlib import Path

from tests.brian2_examples.fetch import examples_folder
from tests.brian2_examples.make_reference import write_digest

HERE = Path(__file__).parent


def reference_path(name: str) -> Path:
    return HERE / "reference" / (Path(name).stem + ".json")


def compartmental_names() -> list[str]:
    return sorted(path.name for path in (examples_folder() / "compartmental").glob("*.py"))


def main(names: list[str]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "compartmental"
        shutil.copytree(examples_folder() / "compartmental", copy)
        (copy / "brian_preferences").write_text("codegen.target = 'cython'\n")
        for name in names or compartmental_names():
            write_digest(copy / name, name, reference_path(name))

if __name__ == "__main__":
    main(sys.argv[1:])
