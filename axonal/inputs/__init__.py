"""Inputs: TimedArray and PoissonInput."""

from axonal.inputs.poissoninput import PoissonInput
from axonal.inputs.timedarray import TimedArray

__all__ = ["TimedArray", "PoissonInput"]
