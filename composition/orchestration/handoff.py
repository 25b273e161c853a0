"""Handoffs between agents and the memory that carries them over."""

from roomkit.application.ai.memory import HandoffMemoryProvider
from roomkit.application.orchestration.handoff import (
    HANDOFF_TOOL,
    HandoffHandler,
    HandoffResult,
    HandoffTool,
)

__all__ = [
    "HANDOFF_TOOL",
    "HandoffHandler",
    "HandoffMemoryProvider",
    "HandoffResult",
    "HandoffTool",
]
