"""The Loop strategy's routing and its ``approve_output`` tool.

A person's message starts a cycle and goes to the producer. Each draft goes to the reviewer and
counts as one iteration. The reviewer's answer goes back to the producer unless the reviewer
approved the draft or ``max_iterations`` drafts were reviewed; then the cycle ends, with a system
event saying how. The cycle's progress lives in ``ConversationState.context["loop"]``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from roomkit.application.ai.channel import RESPONDS_TO
from roomkit.application.ai.tools import current_tool_context
from roomkit.application.orchestration.router import (
    ConversationRouter,
    RouterHook,
    is_from_intelligence,
)
from roomkit.application.runtime import Runtime
from roomkit.domain.content import SystemContent
from roomkit.domain.context import RoomContext
from roomkit.domain.conversation import (
    ConversationState,
    get_conversation_state,
    set_conversation_state,
)
from roomkit.domain.enums import ChannelType, EventStatus, EventType
from roomkit.domain.event import EventSource, RoomEvent
from roomkit.domain.hooks import HookResult
from roomkit.ports.tools import Tool

if TYPE_CHECKING:
    from roomkit.application.orchestration.strategies import Loop

LOOP_KEY = "loop"
APPROVE_TOOL = "approve_output"


def loop_progress(state: ConversationState) -> dict[str, Any]:
    """``{"iteration": int, "approved": bool, "ended": str | None}`` of the current cycle."""
    found = state.context.get(LOOP_KEY)
    return dict(found) if isinstance(found, dict) else {}


async def update_progress(runtime: Runtime, room_id: str, **changes: Any) -> dict[str, Any]:
    """Read-modify-write the cycle's progress under the room's orchestration lock."""
    async with runtime.locks.locked(f"{room_id}#orchestration"):
        room = await runtime.require_room(room_id)
        state = get_conversation_state(room)
        progress = {**loop_progress(state), **changes}
        state = state.model_copy(update={"context": {**state.context, LOOP_KEY: progress}})
        await runtime.store.update_room(set_conversation_state(room, state))
    return progress


class LoopRouter(ConversationRouter):
    def __init__(self, loop: Loop, runtime: Runtime) -> None:
        super().__init__(
            default_agent_id=loop.producer.channel_id, agents=[loop.reviewer.channel_id]
        )
        self.loop = loop
        self._rt = runtime

    def as_hook(self) -> RouterHook:
        async def loop_router(event: RoomEvent, context: RoomContext) -> HookResult:
            if event.type not in RESPONDS_TO:  # a person's edit starts a cycle like a message
                return HookResult.allow()
            return HookResult.modify(self.stamp(event, await self.route(event, context)))

        return loop_router

    async def route(self, event: RoomEvent, context: RoomContext) -> str | None:
        """The agent that answers the message ``event``; None for nobody."""
        producer = self.loop.producer.channel_id
        reviewer = self.loop.reviewer.channel_id
        room_id = context.room.id
        source = event.source.channel_id
        if source == producer:
            progress = loop_progress(get_conversation_state(context.room))
            if progress.get("ended"):
                return None
            await update_progress(
                self._rt, room_id, iteration=int(progress.get("iteration", 0)) + 1
            )
            return reviewer
        if source == reviewer:
            progress = loop_progress(get_conversation_state(await self._rt.require_room(room_id)))
            if progress.get("ended"):
                return None
            if int(progress.get("iteration", 0)) >= self.loop.max_iterations:
                await end_cycle(self._rt, room_id, "max_iterations")
                return None
            return producer
        if is_from_intelligence(event, context):
            return None
        await update_progress(
            self._rt, room_id, iteration=0, approved=False, ended=None, feedback=None
        )
        return producer


async def end_cycle(runtime: Runtime, room_id: str, how: str, **details: Any) -> dict[str, Any]:
    """Mark the cycle ended (``approved`` or ``max_iterations``) and say so in a system event."""
    progress = await update_progress(runtime, room_id, ended=how, **details)
    iterations = int(progress.get("iteration", 0))
    body = (
        f"The reviewer approved draft {iterations}."
        if how == "approved"
        else f"No approval after {iterations} drafts (max_iterations reached)."
    )
    await runtime.store.add_event(
        RoomEvent(
            room_id=room_id,
            type=EventType.SYSTEM,
            status=EventStatus.DELIVERED,
            source=EventSource(channel_id="roomkit", channel_type=ChannelType.SYSTEM),
            content=SystemContent(
                body=body,
                code=f"loop_{how}",
                data={"iterations": iterations, "feedback": progress.get("feedback")},
            ),
            created_at=runtime.clock.now(),
        )
    )
    return progress


class ApproveOutputTool(Tool):
    """The reviewer's way out of the loop."""

    name = APPROVE_TOOL
    description = (
        "Approve the latest draft: the loop ends and the draft is the final output. "
        "Do not call it if the draft still needs changes; write your feedback instead."
    )
    parameters = {
        "type": "object",
        "properties": {"feedback": {"type": "string", "description": "Closing remarks"}},
    }

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    async def execute(self, arguments: dict[str, Any]) -> str:
        origin = current_tool_context.get()
        if origin is None:
            return json.dumps({"ok": False, "error": "approve_output outside an AI channel turn"})
        room = await self._rt.require_room(origin.room_id)
        if loop_progress(get_conversation_state(room)).get("ended"):
            return json.dumps({"ok": False, "error": "this review cycle has already ended"})
        progress = await end_cycle(
            self._rt, origin.room_id, "approved", approved=True, feedback=arguments.get("feedback")
        )
        return json.dumps({"ok": True, "approved": True, "iteration": progress.get("iteration")})
