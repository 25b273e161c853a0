"""A memory of the last N events."""

from roomkit.application.ai.memory import SlidingWindowMemory

__all__ = ["SlidingWindowMemory"]
