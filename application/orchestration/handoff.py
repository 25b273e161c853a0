"""Handoffs: the ``handoff_conversation`` tool and what a handoff does to a room.

A handoff updates the ConversationState, silences the outgoing agent (its output is muted: it
keeps seeing the conversation but no longer answers), gives the floor to the incoming one, stores
a system event the new agent sees in its history, and records the transition. A handoff to an
unknown, unattached or disallowed agent changes nothing and tells the model why.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from roomkit.application.ai.channel import AIChannel
from roomkit.application.ai.tools import Tool, current_tool_context
from roomkit.application.orchestration.status import StatusBus, StatusUpdate
from roomkit.application.runtime import Runtime
from roomkit.domain.base import Model
from roomkit.domain.content import SystemContent
from roomkit.domain.conversation import (
    ConversationPhase,
    ConversationState,
    get_conversation_state,
    set_conversation_state,
)
from roomkit.domain.enums import ChannelType, EventStatus, EventType
from roomkit.domain.event import EventSource, RoomEvent

HANDOFF_TOOL = "handoff_conversation"

#: (room_id, from_agent) -> the agents ``from_agent`` may hand the conversation to
TargetsFn = Callable[[str, str], list[str]]
#: (room_id, to_agent, state) -> the phase the conversation enters with ``to_agent``
PhaseFn = Callable[[str, str, ConversationState], str]


def default_phase(_room_id: str, _to_agent: str, state: ConversationState) -> str:
    """Leaving intake means the request is being handled; later phases are kept."""
    return ConversationPhase.HANDLING if state.phase == ConversationPhase.INTAKE else state.phase


class HandoffResult(Model):
    accepted: bool
    active_agent_id: str | None = None
    handoff_count: int = 0
    error: str | None = None

    def as_tool_result(self) -> str:
        if not self.accepted:
            return json.dumps({"ok": False, "error": self.error})
        return json.dumps(
            {"ok": True, "active_agent": self.active_agent_id, "handoff_count": self.handoff_count}
        )


class HandoffHandler:
    """Performs handoffs in rooms, within the targets a strategy or router allows."""

    def __init__(
        self,
        runtime: Runtime,
        targets: TargetsFn,
        phase_for: PhaseFn = default_phase,
        status_bus: StatusBus | None = None,
    ) -> None:
        self._rt = runtime
        self._targets = targets
        self._phase_for = phase_for
        self._status = status_bus

    def allowed_targets(self, room_id: str, from_agent: str) -> list[str]:
        return self._targets(room_id, from_agent)

    def equip(self, agent: AIChannel, targets: list[str] | None = None) -> None:
        """Give ``agent`` the handoff tool (once), naming the agents it may hand over to."""
        if any(getattr(t, "name", None) == HANDOFF_TOOL for t in agent.tools):
            return
        agent.tools.append(HandoffTool(self, targets))

    async def handoff(
        self,
        room_id: str,
        from_agent: str,
        to_agent: str,
        reason: str = "",
        summary: str = "",
    ) -> HandoffResult:
        rt = self._rt
        allowed = self._targets(room_id, from_agent)
        if to_agent not in allowed:
            return HandoffResult(
                accepted=False,
                error=f"cannot hand off from {from_agent!r} to {to_agent!r}; "
                f"allowed: {allowed or 'none'}",
            )
        if await rt.store.get_binding(room_id, to_agent) is None:
            return HandoffResult(
                accepted=False, error=f"agent {to_agent!r} is not attached to room {room_id!r}"
            )
        async with rt.locks.locked(f"{room_id}#orchestration"):
            room = await rt.require_room(room_id)
            state = get_conversation_state(room)
            if state.active_agent_id not in (None, from_agent):
                return HandoffResult(
                    accepted=False,
                    error=f"{from_agent!r} does not have the conversation; "
                    f"{state.active_agent_id!r} does",
                )
            new_state = state.transition(
                to_phase=self._phase_for(room_id, to_agent, state),
                to_agent=to_agent,
                reason=reason,
                metadata={"summary": summary},
                now=rt.clock.now(),
            )
            await rt.store.update_room(set_conversation_state(room, new_state))
            for agent_id, silent in ((from_agent, True), (to_agent, False)):
                binding = await rt.store.get_binding(room_id, agent_id)
                if binding is not None and binding.output_muted != silent:
                    await rt.store.update_binding(
                        binding.model_copy(update={"output_muted": silent})
                    )
            await rt.store.add_event(self._notice(room_id, from_agent, to_agent, reason, summary))
        if self._status is not None:
            await self._status.publish(
                StatusUpdate(
                    agent_id=from_agent,
                    room_id=room_id,
                    message=f"handed off to {to_agent}: {reason}",
                    data={"to": to_agent, "handoff_count": new_state.handoff_count},
                )
            )
        return HandoffResult(
            accepted=True, active_agent_id=to_agent, handoff_count=new_state.handoff_count
        )

    def _notice(
        self, room_id: str, from_agent: str, to_agent: str, reason: str, summary: str
    ) -> RoomEvent:
        return RoomEvent(
            room_id=room_id,
            type=EventType.SYSTEM,
            status=EventStatus.DELIVERED,
            source=EventSource(channel_id="roomkit", channel_type=ChannelType.SYSTEM),
            content=SystemContent(
                body=f"Conversation handed off from {from_agent} to {to_agent}: "
                f"{reason}. Summary: {summary}",
                code="handoff",
                data={"from": from_agent, "to": to_agent, "reason": reason, "summary": summary},
            ),
            created_at=self._rt.clock.now(),
        )


class HandoffTool(Tool):
    """``handoff_conversation(target, reason, summary)``, injected into orchestrated agents."""

    name = HANDOFF_TOOL
    description = "Hand the conversation over to another agent."

    def __init__(self, handler: HandoffHandler, targets: list[str] | None = None) -> None:
        self.handler = handler
        target: dict[str, Any] = {"type": "string", "description": "The agent to hand over to"}
        if targets:
            target["enum"] = targets
        self.parameters = {
            "type": "object",
            "properties": {
                "target": target,
                "reason": {"type": "string", "description": "Why"},
                "summary": {"type": "string", "description": "What the next agent should know"},
            },
            "required": ["target", "reason"],
        }

    async def execute(self, arguments: dict[str, Any]) -> str:
        origin = current_tool_context.get()
        if origin is None:
            return json.dumps({"ok": False, "error": "handoff outside an AI channel turn"})
        result = await self.handler.handoff(
            origin.room_id,
            origin.channel_id,
            str(arguments.get("target", "")),
            str(arguments.get("reason", "")),
            str(arguments.get("summary", "")),
        )
        return result.as_tool_result()
