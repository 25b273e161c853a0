"""Delegation to an agent in a child room, and the status bus."""

from __future__ import annotations

import pytest

from roomkit import Agent, RoomEvent, RoomKit, RoomStatus, WebSocketChannel
from roomkit.orchestration import StatusUpdate
from roomkit.providers.ai.mock import MockAIProvider


async def test_delegate_runs_the_task_in_a_child_room_and_posts_the_answer() -> None:
    researcher = Agent("researcher", provider=MockAIProvider(responses=["Product X costs $42."]))
    kit = RoomKit()
    kit.register_channel(researcher)
    ws = WebSocketChannel("ws")
    inbox: list[RoomEvent] = []

    async def receive(_conn: str, event: RoomEvent) -> None:
        inbox.append(event)

    ws.register_connection("c", receive)
    kit.register_channel(ws)
    await kit.create_room(room_id="main-room")
    await kit.attach_channel("main-room", "ws")
    updates: list[StatusUpdate] = []

    async def on_status(update: StatusUpdate) -> None:
        updates.append(update)

    await kit.status_bus.subscribe(on_status)
    result = await kit.delegate(
        room_id="main-room",
        agent_id="researcher",
        task="Find the latest pricing for product X",
        context={"product": "X"},
    )
    assert result.result == "Product X costs $42."
    task_text = researcher.provider.calls[0].messages[-1].text  # type: ignore[attr-defined]
    assert task_text == 'Find the latest pricing for product X\n\nContext: {"product": "X"}'
    child = await kit.get_room(result.child_room_id)
    assert child.status is RoomStatus.CLOSED and child.metadata["parent_room_id"] == "main-room"
    [posted] = await kit.get_timeline("main-room")
    assert posted.id == result.event_id and posted.source.channel_id == "researcher"
    assert posted.metadata["delegation"]["task_id"] == result.task_id
    assert [e.content.body for e in inbox] == ["Product X costs $42."]
    assert [u.message for u in updates] == [
        "working on: Find the latest pricing for product X",
        "task done",
    ]


async def test_delegate_refuses_a_channel_that_is_not_an_agent() -> None:
    from roomkit import RoomKitError

    kit = RoomKit()
    kit.register_channel(WebSocketChannel("ws"))
    await kit.create_room(room_id="r")
    with pytest.raises(RoomKitError, match="'ws' is not an AI channel"):
        await kit.delegate("r", "ws", "do it")


async def test_status_bus_isolates_failing_subscribers() -> None:
    kit = RoomKit()
    got: list[str] = []

    async def broken(update: StatusUpdate) -> None:
        raise RuntimeError("ui gone")

    async def fine(update: StatusUpdate) -> None:
        got.append(f"{update.agent_id}: {update.message} ({update.level})")

    await kit.status_bus.subscribe(broken)
    sub = await kit.status_bus.subscribe(fine)
    await kit.status_bus.publish(StatusUpdate(agent_id="a", message="thinking"))
    assert await kit.status_bus.unsubscribe(sub)
    await kit.status_bus.publish(StatusUpdate(agent_id="a", message="again"))
    assert got == ["a: thinking (info)"]
