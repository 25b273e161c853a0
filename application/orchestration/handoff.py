"""The ``handoff_conversation`` tool and what a handoff does to a room.

A handoff updates the ConversationState, silences the outgoing agent (its output is muted: it
keeps seeing the conversation but no longer answers), gives the floor to the incoming one, stores
a system event the new agent sees in its history, and records the transition. A handoff to an
unknown or disallowed agent changes nothing and tells the model why.
"""

from __future__ import annotations

import json
from typing import Any

from roomkit.application.ai.tools import Tool, current_tool_context
from roomkit.application.orchestration.strategies import Orchestration
from roomkit.application.runtime import Runtime
from roomkit.domain.content import SystemContent
from roomkit.domain.conversation import (
    ConversationPhase,
    get_conversation_state,
    set_conversation_state,
)
from roomkit.domain.enums import ChannelType, EventStatus, EventType
from roomkit.domain.event import EventSource, RoomEvent

HANDOFF_TOOL = "handoff_conversation"


class Orchestrator:
    """Rooms under orchestration and their strategies; performs handoffs."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime
        self.rooms: dict[str, Orchestration] = {}

    async def handoff(
        self, room_id: str, from_agent: str, target: str, reason: str, summary: str
    ) -> dict[str, Any]:
        rt = self._rt
        strategy = self.rooms.get(room_id)
        if strategy is None:
            return {"ok": False, "error": f"room {room_id!r} has no orchestration"}
        allowed = strategy.allowed_targets(from_agent)
        if target not in allowed:
            return {
                "ok": False,
                "error": f"cannot hand off from {from_agent!r} to {target!r}; "
                f"allowed: {allowed or 'none'}",
            }
        async with rt.locks.locked(f"{room_id}#orchestration"):
            room = await rt.require_room(room_id)
            state = get_conversation_state(room)
            phase = (
                ConversationPhase.HANDLING
                if state.phase == ConversationPhase.INTAKE
                else state.phase
            )
            new_state = state.transition(
                to_phase=phase,
                to_agent=target,
                reason=reason,
                metadata={"summary": summary},
                now=rt.clock.now(),
            )
            await rt.store.update_room(set_conversation_state(room, new_state))
            for agent_id, silent in ((from_agent, True), (target, False)):
                binding = await rt.store.get_binding(room_id, agent_id)
                if binding is not None and binding.output_muted != silent:
                    await rt.store.update_binding(
                        binding.model_copy(update={"output_muted": silent})
                    )
            notice = RoomEvent(
                room_id=room_id,
                type=EventType.SYSTEM,
                status=EventStatus.DELIVERED,
                source=EventSource(channel_id="roomkit", channel_type=ChannelType.SYSTEM),
                content=SystemContent(
                    body=f"Conversation handed off from {from_agent} to {target}: "
                    f"{reason}. Summary: {summary}",
                    code="handoff",
                    data={"from": from_agent, "to": target, "reason": reason, "summary": summary},
                ),
                created_at=rt.clock.now(),
            )
            await rt.store.add_event(notice)
        return {"ok": True, "active_agent": target, "handoff_count": new_state.handoff_count}


class HandoffTool(Tool):
    """``handoff_conversation(target, reason, summary)``, injected into orchestrated agents."""

    name = HANDOFF_TOOL
    description = "Hand the conversation over to another agent."

    def __init__(self, orchestrator: Orchestrator, targets: list[str]) -> None:
        self.orchestrator = orchestrator
        self.parameters = {
            "type": "object",
            "properties": {
                "target": {
                    "type": "string",
                    "enum": targets,
                    "description": "The agent to hand over to",
                },
                "reason": {"type": "string", "description": "Why"},
                "summary": {"type": "string", "description": "What the next agent should know"},
            },
            "required": ["target", "reason"],
        }

    async def execute(self, arguments: dict[str, Any]) -> str:
        origin = current_tool_context.get()
        if origin is None:
            return json.dumps({"ok": False, "error": "handoff outside an AI channel turn"})
        result = await self.orchestrator.handoff(
            origin.room_id,
            origin.channel_id,
            str(arguments.get("target", "")),
            str(arguments.get("reason", "")),
            str(arguments.get("summary", "")),
        )
        return json.dumps(result)
