"""The context handed to hooks."""

from roomkit.domain.context import RoomContext

__all__ = ["RoomContext"]
