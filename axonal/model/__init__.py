"""Equations and statements: parsing, name resolution, dimension checks, the intermediate form."""

__all__: list[str] = []
