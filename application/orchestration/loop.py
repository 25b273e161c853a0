"""The Loop strategy's routing and its ``approve_output`` tool.

A person's message starts a cycle and goes to the producer. Each draft goes to the reviewer and
counts as one iteration. The reviewer's answer goes back to the producer unless the reviewer
approved the draft or ``max_iterations`` drafts were reviewed; then the cycle ends, with a system
event saying how. The cycle's progress lives in ``ConversationState.context["loop"]``. With
``show_drafts=False`` the drafts and reviews reach only the two agents, and the final draft is
delivered to the room's other channels when the cycle ends.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from roomkit.application.ai.channel import RESPONDS_TO
from roomkit.application.ai.tools import current_tool_context
from roomkit.application.delivery.router import EventRouter
from roomkit.application.orchestration.router import (
    ConversationRouter,
    RouterHook,
    is_from_intelligence,
)
from roomkit.application.runtime import Runtime
from roomkit.domain.base import evolve
from roomkit.domain.content import SystemContent
from roomkit.domain.context import RoomContext
from roomkit.domain.conversation import (
    INTERNAL_KEY,
    ConversationState,
    get_conversation_state,
    set_conversation_state,
)
from roomkit.domain.enums import ChannelCategory, ChannelType, EventStatus, EventType
from roomkit.domain.event import EventSource, RoomEvent
from roomkit.domain.hooks import HookResult
from roomkit.ports.channel import Channel
from roomkit.ports.tools import Tool


class LoopShape(Protocol):
    """What a cycle needs of its Loop strategy (the strategy module builds cycles, so this
    module names the shape instead of importing the strategy)."""

    @property
    def producer(self) -> Channel: ...

    @property
    def reviewer(self) -> Channel: ...

    @property
    def max_iterations(self) -> int: ...

    @property
    def show_drafts(self) -> bool: ...


LOOP_KEY = "loop"
APPROVE_TOOL = "approve_output"


def loop_progress(state: ConversationState) -> dict[str, Any]:
    """``{"iteration", "approved", "ended", "feedback"}`` of the room's current cycle."""
    found = state.context.get(LOOP_KEY)
    return dict(found) if isinstance(found, dict) else {}


class LoopCycle:
    """One Loop strategy's cycles: their progress, their end, the final draft."""

    def __init__(self, loop: LoopShape, runtime: Runtime, router: EventRouter) -> None:
        self.loop = loop
        self._rt = runtime
        self._router = router

    async def progress(self, room_id: str) -> dict[str, Any]:
        return loop_progress(get_conversation_state(await self._rt.require_room(room_id)))

    async def update(self, room_id: str, **changes: Any) -> dict[str, Any]:
        """Read-modify-write the cycle's progress under the room's orchestration lock."""
        rt = self._rt
        async with rt.locks.locked(f"{room_id}#orchestration"):
            room = await rt.require_room(room_id)
            state = get_conversation_state(room)
            progress = {**loop_progress(state), **changes}
            state = state.model_copy(update={"context": {**state.context, LOOP_KEY: progress}})
            await rt.store.update_room(set_conversation_state(room, state))
        return progress

    async def end(self, room_id: str, how: str, **details: Any) -> dict[str, Any]:
        """End the cycle (``approved`` or ``max_iterations``): say so in a system event and,
        when drafts are hidden, deliver the final draft to the room's other channels."""
        rt = self._rt
        progress = await self.update(room_id, ended=how, **details)
        iterations = int(progress.get("iteration", 0))
        body = (
            f"The reviewer approved draft {iterations}."
            if how == "approved"
            else f"No approval after {iterations} drafts (max_iterations reached)."
        )
        await rt.store.add_event(
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
                created_at=rt.clock.now(),
            )
        )
        if not self.loop.show_drafts:
            await self._publish_final(room_id, how)
        return progress

    async def _publish_final(self, room_id: str, how: str) -> None:
        rt = self._rt
        producer = self.loop.producer.channel_id
        recent = await rt.store.list_recent_events(room_id, 4 * self.loop.max_iterations + 10)
        drafts = [e for e in recent if e.source.channel_id == producer]
        if not drafts:
            return
        metadata = {k: v for k, v in drafts[-1].metadata.items() if k != INTERNAL_KEY}
        final = await rt.store.update_event(
            evolve(drafts[-1], metadata={**metadata, LOOP_KEY: {"final": True, "ended": how}})
        )
        context = await rt.context(room_id)
        outside = [
            b
            for b in context.bindings
            if b.category is not ChannelCategory.INTELLIGENCE
            and b.access.can_read
            and b.channel_id in rt.channels
        ]
        await self._router.broadcast(final, context, targets=outside)


class LoopRouter(ConversationRouter):
    def __init__(self, cycle: LoopCycle) -> None:
        loop = cycle.loop
        super().__init__(
            default_agent_id=loop.producer.channel_id, agents=[loop.reviewer.channel_id]
        )
        self.cycle = cycle

    def as_hook(self) -> RouterHook:
        hidden = not self.cycle.loop.show_drafts

        async def loop_router(event: RoomEvent, context: RoomContext) -> HookResult:
            if event.type not in RESPONDS_TO:  # a person's edit starts a cycle like a message
                return HookResult.allow()
            stamped = self.stamp(event, await self.route(event, context))
            if hidden and is_from_intelligence(event, context):
                stamped = evolve(stamped, metadata={**stamped.metadata, INTERNAL_KEY: True})
            return HookResult.modify(stamped)

        return loop_router

    async def route(self, event: RoomEvent, context: RoomContext) -> str | None:
        """The agent that answers ``event``; None for nobody."""
        loop, cycle = self.cycle.loop, self.cycle
        room_id = context.room.id
        source = event.source.channel_id
        if source == loop.producer.channel_id:
            progress = loop_progress(get_conversation_state(context.room))
            if progress.get("ended"):
                return None
            await cycle.update(room_id, iteration=int(progress.get("iteration", 0)) + 1)
            return loop.reviewer.channel_id
        if source == loop.reviewer.channel_id:
            progress = await cycle.progress(room_id)
            if progress.get("ended"):
                return None
            if int(progress.get("iteration", 0)) >= loop.max_iterations:
                await cycle.end(room_id, "max_iterations")
                return None
            return loop.producer.channel_id
        if is_from_intelligence(event, context):
            return None
        await cycle.update(room_id, iteration=0, approved=False, ended=None, feedback=None)
        return loop.producer.channel_id


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

    def __init__(self, cycle: LoopCycle) -> None:
        self.cycle = cycle

    async def execute(self, arguments: dict[str, Any]) -> str:
        origin = current_tool_context.get()
        if origin is None:
            return json.dumps({"ok": False, "error": "approve_output outside an AI channel turn"})
        if (await self.cycle.progress(origin.room_id)).get("ended"):
            return json.dumps({"ok": False, "error": "this review cycle has already ended"})
        progress = await self.cycle.end(
            origin.room_id, "approved", approved=True, feedback=arguments.get("feedback")
        )
        return json.dumps({"ok": True, "approved": True, "iteration": progress.get("iteration")})
