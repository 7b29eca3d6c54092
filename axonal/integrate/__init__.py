"""State updaters: differential equations to update statements (exact, Euler, RK, Milstein, ...)."""

__all__: list[str] = []
