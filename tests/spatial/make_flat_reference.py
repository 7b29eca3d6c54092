"""``SpatialNeuron.flat_morphology`` of the trees in tests/spatial/models.py
(``flat_morphologies``) as Brian 2.9.0 gives it, stored in
tests/spatial/reference/flat_morphology.json. From the repository root, in the reference
environment:

    /work/refenv/bin/python -m tests.spatial.make_flat_reference
"""

import json
from pathlib import Path

import brian2

from tests.spatial.models import flat_morphologies

OUTPUT = Path(__file__).parent / "reference" / "flat_morphology.json"


def main() -> None:
    results = {"brian2": brian2.__version__, **flat_morphologies(brian2)}
    OUTPUT.write_text(json.dumps(results) + "\n")
    print(f"{OUTPUT}: {OUTPUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
