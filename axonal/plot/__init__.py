"""Raster, trace and rate plots (matplotlib)."""

__all__: list[str] = []
