"""Run provenance: record stores, the record model, repeat and the web view."""

__all__: list[str] = []
