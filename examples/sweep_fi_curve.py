"""An f-I curve swept on Dask: 12 input currents x 2 seeds = 24 recorded runs of
`sweep_fi_neuron.py`, and the figure drawn from the sweep's table.

    axonal init                                   # once, in the project's folder
    python examples/sweep_fi_curve.py             # or, on the command line:
    axonal sweep examples/sweep_fi_neuron.py current=0.7:1.9:0.1 --seeds 2 --workers 2
    axonal sweep show LABEL; axonal list --sweep LABEL --figures rate,current

Each run is recorded as `axonal run` records it (code version, parameters, figures, model), all
tagged with the sweep's label. Outside a project the example makes one in a temporary folder.
The noiseless LIF neuron's rate, 1 / (t_ref + tau ln(I / (I - 1))) above threshold, is drawn
beside the noisy population's: noise makes it fire below threshold and smooths the corner.
"""

import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import axonal
from axonal.records.errors import ProjectNotFoundError
from axonal.records.project import find_project, init_project


def main() -> None:
    duration = float(sys.argv[1]) if len(sys.argv) > 1 else 0.2  # seconds per run
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    try:
        project = find_project()
    except ProjectNotFoundError:
        project = init_project(tempfile.mkdtemp(prefix="axonal-fi-curve-"))
        print(f"no axonal project here: records go to a new one in {project.root}")

    tau, refractory = 0.01, 0.002
    table = axonal.sweep(
        Path(__file__).with_name("sweep_fi_neuron.py"),
        {"current": "0.7:1.9:0.1", "duration": duration, "tau": tau, "refractory": refractory},
        seeds=2,
        workers=workers,
        project=project,
    )
    finished = table[table["status"] == "finished"]
    curve = finished.groupby("current")["rate"].agg(["mean", "min", "max"])

    drive = np.linspace(1.0001, 1.9, 200)
    noiseless = 1 / (refractory + tau * np.log(drive / (drive - 1)))
    figure, axes = plt.subplots(figsize=(5, 3.5))
    axes.plot(drive, noiseless, color="0.6", label="no noise (analytic)")
    axes.errorbar(
        curve.index,
        curve["mean"],
        yerr=[curve["mean"] - curve["min"], curve["max"] - curve["mean"]],
        fmt="o-",
        label=f"noisy population ({table['seed'].nunique()} seeds)",
    )
    axes.set(xlabel="input current (threshold = 1)", ylabel="rate (Hz)")
    axes.set_title(f"f-I curve, sweep {table.attrs['sweep']} ({len(table)} runs)")
    axes.legend()
    figure.tight_layout()
    image = project.root / "sweeps" / f"{table.attrs['sweep']}_fi.png"
    figure.savefig(image, dpi=120)
    # and in output/ next to the repository, as the other examples (the gallery shows it)
    output = Path(__file__).resolve().parent.parent / "output"
    output.mkdir(exist_ok=True)
    figure.savefig(output / "sweep_fi_curve.png", dpi=120)
    print(curve.round(1).to_string())
    print(f"{len(finished)}/{len(table)} runs finished; figure in {image}")


# Dask starts its worker processes by importing this file again: the sweep runs only when the
# file is the program, not when it is imported.
if __name__ == "__main__":
    main()
