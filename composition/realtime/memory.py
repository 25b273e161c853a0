"""The in-process realtime backend (the default)."""

from roomkit.plugins.builtin.memory_realtime import InMemoryRealtime

__all__ = ["InMemoryRealtime"]
