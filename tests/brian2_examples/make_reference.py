"""Make the reference digests: run deterministic Brian 2 examples with Brian 2 itself.

Run in an environment that has Brian 2.9.0 (not axonal's), from the repository root:

    /work/refenv/bin/python -m tests.brian2_examples.make_reference NAME [NAME ...]

Each example runs unchanged, as the sweep runs axonal's copy (``__main__``, Agg backend, full
duration), with Brian 2's NumPy target (the same numbers as its compiled ones, without compiling);
its monitors' digest goes to tests/brian2_examples/reference/.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.brian2_examples.fetch import BRIAN2_VERSION, examples_folder

HERE = Path(__file__).parent


def reference_path(name: str) -> Path:
    return HERE / "reference" / (name.replace("/", "__").removesuffix(".py") + ".json")


def main(names: list[str]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "examples"
        shutil.copytree(examples_folder(), copy)
        for folder in {(copy / name).parent for name in names}:
            (folder / "brian_preferences").write_text("codegen.target = 'numpy'\n")
        for name in names:
            write_digest(copy / name, name, reference_path(name))


def write_digest(script: Path, name: str, reference: Path) -> None:
    """Run ``script`` (Brian 2, Agg backend) and write its monitors' digest to ``reference``."""
    digest = script.parent / f"{script.stem}.digest.json"
    environment = {**os.environ, "MPLBACKEND": "Agg"}
    command = [sys.executable, str(HERE / "run_example.py"), str(script), str(digest)]
    result = subprocess.run(command, capture_output=True, text=True, env=environment)
    if result.returncode != 0:
        print(f"{name}: failed\n{result.stderr[-2000:]}", file=sys.stderr)
        return
    monitors = json.loads(digest.read_text())
    record = {"brian2": BRIAN2_VERSION, "example": name, "monitors": monitors}
    reference.parent.mkdir(exist_ok=True)
    reference.write_text(json.dumps(record, indent=1) + "\n")
    print(f"{name}: {len(monitors)} monitors", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
