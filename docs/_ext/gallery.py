"""Sphinx extension: runs every script in examples/ and writes a gallery page for each.

Each script runs in its own process (as a user would run it), in a folder of its own so that the
figures it saves in ``output/`` can be shown. A script that saves no figure gets one drawn from
the monitors it left (spike raster, recorded traces, population rate), so every page has a
figure. A script that fails stops the build with its output.
"""

from __future__ import annotations

import ast
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

# Shorter simulated durations for the gallery (in the unit each script takes), where the
# script's default would take minutes; each page says which arguments it ran with and how to
# run it in full.
SHORT_ARGUMENTS = {
    "stdp_song.py": ["10000"],  # 100 s of simulated time by default
    "sweep_fi_curve.py": ["0.05"],  # seconds per run (24 runs of 0.2 s by default)
}

# Said on the page of a script that saves no figure and leaves no monitor to draw.
NO_FIGURE = "This script prints its results and makes no figure."

# Runs the example, then draws its monitors if it saved no figure itself.
_RUNNER = r"""
import runpy, sys
from pathlib import Path
script = sys.argv[1]
sys.argv = sys.argv[1:]
namespace = runpy.run_path(script, run_name="__main__")
output = Path("output")
if not list(output.glob("*.png")):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from axonal import PopulationRateMonitor, SpikeMonitor, StateMonitor, Synapses
    monitors = [m for m in namespace.values()
                if isinstance(m, (SpikeMonitor, StateMonitor, PopulationRateMonitor))]
    monitors = [m for m in monitors if not isinstance(m, SpikeMonitor) or m.num_spikes > 0][:3]
    # Plastic synapses: the distribution of their final weights.
    monitors += [s for s in namespace.values()
                 if isinstance(s, Synapses) and "w" in s.variables and len(s) > 1][:1]
    if monitors:
        fig, axes = plt.subplots(len(monitors), 1, figsize=(8, 2.8 * len(monitors)),
                                 squeeze=False, layout="constrained")
        for ax, m in zip(axes[:, 0], monitors):
            if isinstance(m, SpikeMonitor):
                ax.plot(np.asarray(m.t_) * 1000, m.i[:], ".k", ms=1)
                ax.set_ylabel(f"{m.source.name} index")
            elif isinstance(m, Synapses):
                ax.hist(np.asarray(m.w_), 40, color="k")
                ax.set_ylabel("synapses")
                ax.set_xlabel(f"final w ({m.name})")
                continue
            elif isinstance(m, PopulationRateMonitor):
                ax.plot(np.asarray(m.t_) * 1000, np.asarray(m.rate_), "k", lw=0.8)
                ax.set_ylabel("rate (Hz)")
            else:
                name = m.record_variables[0]
                values = np.asarray(getattr(m, name + "_"))
                ax.plot(np.asarray(m.t_) * 1000, values[: min(5, len(values))].T, lw=0.8)
                ax.set_ylabel(f"{name} (SI)")
            ax.set_title(m.name, fontsize=9)
            ax.set_xlabel("time (ms)")
        output.mkdir(exist_ok=True)
        fig.savefig(output / "monitors.png", dpi=90)
"""


def _title_and_text(source: str, name: str) -> tuple[str, str]:
    docstring = ast.get_docstring(ast.parse(source)) or name
    first, _, rest = docstring.partition("\n")
    return first.rstrip("."), rest.strip()


def _run(script: Path, folder: Path, arguments: list[str]) -> tuple[str, float]:
    # A run is reused only when the script, its arguments and axonal's sources are unchanged
    # (a rebuild in the same folder); a clean build runs every script.
    key = hashlib.sha256(
        "\0".join([script.read_text(), _RUNNER, *arguments, _sources_digest()]).encode()
    ).hexdigest()
    if (folder / "key").exists() and (folder / "key").read_text() == key:
        return (folder / "printed.txt").read_text(), 0.0
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    # As a user runs it: the default target (compiled, when Numba is installed), not the NumPy
    # target the site's pages use.
    env = dict(os.environ, MPLBACKEND="Agg")
    env.pop("AXONAL_TARGET", None)
    # The script runs from a copy in <folder>/examples/, so that one saving its figures next to
    # the repository (``Path(__file__).parent.parent / "output"``) saves them in <folder>/output.
    (folder / "examples").mkdir()
    copy = folder / "examples" / script.name
    for sibling in script.parent.glob("*.py"):  # a script may run another (a sweep's model)
        shutil.copyfile(sibling, folder / "examples" / sibling.name)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(script.parents[1]), env.get("PYTHONPATH")])
    )
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER, str(copy), *arguments],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise ExtensionError(
            f"gallery: examples/{script.name} failed (exit {done.returncode}):\n"
            f"{done.stdout}\n{done.stderr}"
        )
    (folder / "printed.txt").write_text(done.stdout)
    (folder / "key").write_text(key)
    return done.stdout, seconds


def _sources_digest() -> str:
    package = Path(__file__).resolve().parents[2] / "axonal"
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _page(script: Path, arguments: list[str], printed: str, figures: list[str]) -> str:
    source = script.read_text()
    title, text = _title_and_text(source, script.stem)
    command = " ".join(["python", f"examples/{script.name}", *arguments])
    lines = [f"# {title}", "", text, ""]
    if arguments:
        lines += [
            f"Ran for the gallery as `{command}` (a shorter run than the script's default; "
            f"`python examples/{script.name}` runs it as written).",
            "",
        ]
    else:
        lines += [f"Ran for the gallery as `{command}`.", ""]
    lines += ["## What it printed", "", "```text", printed.rstrip() or "(nothing)", "```", ""]
    for figure in figures:
        lines += [f"![Figure of {script.name}]({figure})", ""]
    if not figures:
        lines += [NO_FIGURE, ""]
    lines += [
        "## The script",
        "",
        f"```{{literalinclude}} ../../examples/{script.name}",
        ":language: python",
        "```",
        "",
    ]
    return "\n".join(lines)


def build_gallery(app: Sphinx) -> None:
    docs = Path(app.srcdir)
    examples = docs.parent / "examples"
    pages = docs / "gallery"
    pages.mkdir(exist_ok=True)
    runs = Path(app.outdir).parent / "gallery_runs"
    names = []
    timings = []
    for script in sorted(examples.glob("*.py")):
        arguments = SHORT_ARGUMENTS.get(script.name, [])
        folder = runs / script.stem
        printed, seconds = _run(script, folder, arguments)
        timings.append(f"{script.name} {seconds:.1f} s")
        figures = []
        for png in sorted((folder / "output").glob("*.png")):
            target = pages / f"{script.stem}__{png.name}"
            shutil.copyfile(png, target)
            figures.append(target.name)
        (pages / f"{script.stem}.md").write_text(_page(script, arguments, printed, figures))
        names.append(script.stem)
    logger.info("gallery: " + ", ".join(timings))
    index = [
        "# Examples gallery",
        "",
        "Every script in `examples/` is run when this site is built; each page shows what it "
        "printed, its figure and its source. Figures are the script's own (saved in `output/`) "
        "or, for a script that saves none, drawn from the monitors it left.",
        "",
        "```{toctree}",
        ":maxdepth: 1",
        "",
        *names,
        "```",
        "",
    ]
    (pages / "index.md").write_text("\n".join(index))


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", build_gallery)
    return {"parallel_read_safe": True, "version": "1"}
