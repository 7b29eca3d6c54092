"""``sim.morphology``: PyNN's morphology vocabulary, read by axonal.pynn.multicompartment.

PyNN leaves turning a label into a selector to each backend: here a label stays a label
(a segment's name or group, or "all"), matched against each compartment's labels.
"""

from pyNN import morphology as base
from pyNN.morphology import (  # noqa: F401
    MorphIOMorphology,
    NeuroMLMorphology,
    any,
    apical_dendrites,
    axon,
    basal_dendrites,
    dendrites,
    load_morphology,
    with_label,
)


class _Labelled:
    def get_with_label_selector(self, label: str) -> str:
        return label


class uniform(_Labelled, base.uniform):  # noqa: N801 -- PyNN's names
    """The same value in every compartment the selector chooses (``absence`` elsewhere)."""


class by_distance(_Labelled, base.by_distance):  # noqa: N801
    """``value_provider(distance from the root in um)`` in the chosen compartments."""


class by_diameter(_Labelled, base.by_diameter):  # noqa: N801
    """``value_provider(diameter in um)`` in the chosen compartments."""
