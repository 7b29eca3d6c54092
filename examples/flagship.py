"""The flagship example (placeholder until neuron models land): prints a summary, saves a figure."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import axonal  # noqa: E402

output = Path(__file__).resolve().parent.parent / "output"
output.mkdir(exist_ok=True)
figure, axes = plt.subplots()
axes.set_title(f"axonal {axonal.__version__}")
figure.savefig(output / "flagship.png")
print(f"axonal {axonal.__version__}: {len(axonal.__all__)} public names; figure in {output}")
