"""The handoff tool orchestrated agents receive."""

from roomkit.application.orchestration.handoff import HANDOFF_TOOL, HandoffTool, Orchestrator

__all__ = ["HANDOFF_TOOL", "HandoffTool", "Orchestrator"]
