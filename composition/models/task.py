"""Tasks and observations produced by AI channels and hooks."""

from roomkit.domain.tasks import Observation, Task

__all__ = ["Observation", "Task"]
