"""The PyNN backend: import axonal.pynn as sim."""

__all__: list[str] = []
