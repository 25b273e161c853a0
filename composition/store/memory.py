"""The in-memory store (the default)."""

from roomkit.plugins.builtin.memory_store import InMemoryStore

__all__ = ["InMemoryStore"]
