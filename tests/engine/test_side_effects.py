"""Side effects: tasks and observations from AI replies, feedback, BEFORE_TTS-style sync hooks."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from roomkit import (
    ChannelCategory,
    HookResult,
    HookTrigger,
    InboundMessage,
    RoomContext,
    RoomEvent,
    RoomKit,
    TextContent,
    WebSocketChannel,
)
from roomkit.channels.ai import AIChannel
from roomkit.models.task import Observation, Task
from roomkit.providers.ai.base import AIResponse
from roomkit.providers.ai.mock import MockAIProvider


async def ai_room(response: AIResponse) -> RoomKit:
    kit = RoomKit()
    kit.register_channel(WebSocketChannel("ws"))
    kit.register_channel(AIChannel("ai", provider=MockAIProvider(responses=[response])))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    await kit.attach_channel("r", "ai", category=ChannelCategory.INTELLIGENCE)
    return kit


def hello() -> InboundMessage:
    return InboundMessage(channel_id="ws", sender_id="u", content=TextContent(body="hello"))


async def test_ai_tasks_are_stored_and_fire_on_task_created() -> None:
    response = AIResponse(
        content="On it",
        tasks=[Task(title="Refund order 42")],
        observations=[Observation(content="customer is upset", category="sentiment")],
    )
    kit = await ai_room(response)
    created: list[Task] = []

    @kit.hook(HookTrigger.ON_TASK_CREATED)
    async def on_task(task: Task, ctx: RoomContext) -> None:
        created.append(task)

    await kit.process_inbound(hello())
    [task] = await kit.store.list_tasks("r")
    assert task.title == "Refund order 42" and task.room_id == "r"
    assert created == [task]
    [obs] = await kit.store.list_observations("r")
    assert obs.category == "sentiment" and obs.room_id == "r"


async def test_muted_ai_reply_dropped_but_side_effects_kept() -> None:
    kit = await ai_room(AIResponse(content="reply", tasks=[Task(title="follow up")]))
    await kit.mute("r", "ai")
    await kit.process_inbound(hello())
    assert [e.content.body for e in await kit.get_timeline("r")] == ["hello"]
    assert [t.title for t in await kit.store.list_tasks("r")] == ["follow up"]


async def test_submit_feedback_records_and_fires_on_feedback() -> None:
    kit = await ai_room(AIResponse(content="reply"))
    result = await kit.process_inbound(hello())
    seen: list[Observation] = []

    @kit.hook(HookTrigger.ON_FEEDBACK)
    async def on_feedback(observation: Observation, ctx: RoomContext) -> None:
        seen.append(observation)

    assert result.event is not None
    obs = await kit.submit_feedback("r", rating=0.9, comment="great", event_id=result.event.id)
    assert seen == [obs]
    assert obs.metadata["event_id"] == result.event.id
    assert await kit.store.list_observations("r") == [obs]
    with pytest.raises(ValidationError):
        await kit.submit_feedback("r", rating=7)


async def test_sync_hooks_of_any_sync_trigger_block_and_modify() -> None:
    kit = await ai_room(AIResponse(content="x"))
    engine = kit.runtime.hooks

    @kit.hook(HookTrigger.BEFORE_TTS, priority=0)
    async def soften(event: RoomEvent, ctx: RoomContext) -> HookResult:
        body = event.content.body.replace("!", ".")
        return HookResult.modify(event.model_copy(update={"content": TextContent(body=body)}))

    @kit.hook(HookTrigger.BEFORE_TTS, priority=1)
    async def no_secrets(event: RoomEvent, ctx: RoomContext) -> HookResult:
        if "secret" in event.content.body:
            return HookResult.block("would speak a secret")
        return HookResult.allow()

    ctx = await kit.get_room_context("r")
    from roomkit.models.event import EventSource

    speak = RoomEvent(
        room_id="r", source=EventSource(channel_id="ai"), content=TextContent(body="Hello!")
    )
    outcome = await engine.run_sync(HookTrigger.BEFORE_TTS, speak, ctx)
    assert not outcome.blocked and outcome.event.content.body == "Hello."
    secret = speak.model_copy(update={"content": TextContent(body="the secret!")})
    outcome = await engine.run_sync(HookTrigger.BEFORE_TTS, secret, ctx)
    assert outcome.blocked and outcome.reason == "would speak a secret"
