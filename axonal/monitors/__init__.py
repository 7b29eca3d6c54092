"""Monitors: spikes, events, state variables and population rates."""

__all__: list[str] = []
