"""Delegation: an agent works on a task in a child room and its answer comes back.

The child room holds the task, the agent's work and its answer; it is closed when the task ends
and keeps ``parent_room_id`` in its metadata, so the work stays auditable. Child rooms are never
orchestrated themselves, and an agent working on a task cannot delegate from the child room it
works in, which bounds delegation to one level.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from roomkit.application.ai.channel import AIChannel
from roomkit.application.bindings import ChannelBindings
from roomkit.application.inbound.pipeline import InboundPipeline
from roomkit.application.lifecycle import RoomLifecycle
from roomkit.application.orchestration.status import StatusBus, StatusUpdate
from roomkit.application.runtime import Runtime
from roomkit.domain.base import Model, new_id
from roomkit.domain.content import TextContent, text_of
from roomkit.domain.enums import ChannelCategory, EventStatus
from roomkit.domain.errors import RoomKitError
from roomkit.domain.inbound import InboundMessage
from roomkit.ports.channel import Channel

PARENT_ROOM_KEY = "parent_room_id"


class DelegationResult(Model):
    task_id: str
    parent_room_id: str
    child_room_id: str
    agent_id: str
    task: str
    result: str
    event_id: str | None = None


def task_message(task: str, context: dict[str, Any] | None) -> str:
    if not context:
        return task
    return f"{task}\n\nContext: {json.dumps(context, default=str, sort_keys=True)}"


class Delegations:
    """Runs tasks in child rooms through the normal inbound pipeline."""

    def __init__(
        self,
        runtime: Runtime,
        rooms: RoomLifecycle,
        bindings: ChannelBindings,
        pipeline: InboundPipeline,
        status_bus: StatusBus,
        delegator: Callable[[], Channel],
    ) -> None:
        self._rt = runtime
        self._rooms = rooms
        self._bindings = bindings
        self._pipeline = pipeline
        self._status = status_bus
        self._delegator = delegator

    async def run(
        self, room_id: str, agent_id: str, task: str, context: dict[str, Any] | None = None
    ) -> DelegationResult:
        """Give ``task`` to the AI channel ``agent_id`` in a new child room of ``room_id`` and
        return its answer (the room is closed afterwards)."""
        rt = self._rt
        parent = await rt.require_room(room_id)
        if PARENT_ROOM_KEY in parent.metadata:
            raise RoomKitError(
                f"room {room_id!r} is itself a delegated task; tasks cannot delegate further"
            )
        agent = rt.channel(agent_id)
        if not isinstance(agent, AIChannel):
            raise RoomKitError(f"channel {agent_id!r} is not an AI channel; it cannot take tasks")
        delegator = self._delegator()
        if rt.channels.get(delegator.channel_id) is not delegator:
            self._bindings.register(delegator)
        task_id = new_id()
        child_id = f"{room_id}--task-{task_id[:12]}"
        await self._rooms.create(
            child_id, {PARENT_ROOM_KEY: room_id, "task": task, "task_id": task_id}
        )
        await self._bindings.attach(child_id, delegator.channel_id)
        await self._bindings.attach(child_id, agent_id, category=ChannelCategory.INTELLIGENCE)
        await self._status.publish(
            StatusUpdate(agent_id=agent_id, room_id=room_id, message=f"working on: {task}")
        )
        try:
            # a task of its own: the child's log context stays out of the caller's
            await asyncio.create_task(
                self._pipeline.process(
                    InboundMessage(
                        channel_id=delegator.channel_id,
                        sender_id=room_id,
                        content=TextContent(body=task_message(task, context)),
                    ),
                    room_id=child_id,
                )
            )
            replies = [
                e
                for e in await rt.store.list_recent_events(child_id, 50)
                if e.source.channel_id == agent_id and e.status is EventStatus.DELIVERED
            ]
        except Exception as exc:
            await self._status.publish(
                StatusUpdate(
                    agent_id=agent_id,
                    room_id=room_id,
                    level="error",
                    message=f"task failed: {exc}",
                    data={"task_id": task_id},
                )
            )
            raise
        finally:
            await self._rooms.close(child_id)
            rt.hooks.forget_room(child_id)
        answer = text_of(replies[-1].content) if replies else ""
        await self._status.publish(
            StatusUpdate(
                agent_id=agent_id, room_id=room_id, message="task done", data={"task_id": task_id}
            )
        )
        return DelegationResult(
            task_id=task_id,
            parent_room_id=room_id,
            child_room_id=child_id,
            agent_id=agent_id,
            task=task,
            result=answer,
        )
