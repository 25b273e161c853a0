"""Memory providers for AI channels."""

from roomkit.ports.memory import MemoryProvider

__all__ = ["MemoryProvider"]
