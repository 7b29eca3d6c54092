"""Clocks, the schedule of a time step, Network, run, store and restore."""

__all__: list[str] = []
