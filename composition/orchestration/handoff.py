"""The handoff tool orchestrated agents receive."""

from roomkit.application.ai.memory import HandoffMemoryProvider
from roomkit.application.orchestration.handoff import HANDOFF_TOOL, HandoffTool, Orchestrator

__all__ = ["HANDOFF_TOOL", "HandoffMemoryProvider", "HandoffTool", "Orchestrator"]
