"""The AIProvider port and its vocabulary."""

from roomkit.domain.ai import (
    AIContext,
    AIImagePart,
    AIMessage,
    AIResponse,
    AIStreamItem,
    AITextDelta,
    AITextPart,
    AITool,
    AIToolCall,
    AIToolResult,
    AIUsage,
)
from roomkit.ports.ai import AIProvider

__all__ = [
    "AIContext",
    "AIImagePart",
    "AIMessage",
    "AIProvider",
    "AIResponse",
    "AIStreamItem",
    "AITextDelta",
    "AITextPart",
    "AITool",
    "AIToolCall",
    "AIToolResult",
    "AIUsage",
]
