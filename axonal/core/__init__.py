"""Brian 2's ``brian2.core`` module paths, for scripts that import from them directly."""

__all__: list[str] = []
