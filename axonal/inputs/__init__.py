"""Inputs: TimedArray and PoissonInput."""

__all__: list[str] = []
