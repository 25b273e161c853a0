"""Framework lifecycle events."""

from roomkit.domain.framework import FrameworkEvent

__all__ = ["FrameworkEvent"]
