"""Hooks engine: priority, filters, room scope, failures, timeouts, lifecycle triggers,
framework events."""

from __future__ import annotations

import asyncio

import pytest

from roomkit import (
    ChannelDirection,
    ChannelType,
    FrameworkEvent,
    HookExecution,
    HookResult,
    HookTrigger,
    InboundMessage,
    InjectedEvent,
    RoomContext,
    RoomEvent,
    RoomKit,
    TextContent,
    WebSocketChannel,
)
from roomkit.domain.errors import HookNotFoundError


async def make_kit() -> tuple[RoomKit, list[str]]:
    kit = RoomKit()
    ws = WebSocketChannel("ws")
    kit.register_channel(ws)
    inbox: list[str] = []

    async def recv(_c: str, e: RoomEvent) -> None:
        inbox.append(e.content.body)

    ws.register_connection("c", recv)
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    return kit, inbox


def text(body: str, channel: str = "ws") -> InboundMessage:
    return InboundMessage(channel_id=channel, sender_id="u", content=TextContent(body=body))


async def test_lower_priority_runs_first_and_sees_modifications() -> None:
    kit, inbox = await make_kit()
    order: list[str] = []

    @kit.hook(HookTrigger.BEFORE_BROADCAST, priority=5)
    async def second(event: RoomEvent, ctx: RoomContext) -> HookResult:
        order.append(f"second saw {event.content.body}")
        return HookResult.allow()

    @kit.hook(HookTrigger.BEFORE_BROADCAST, priority=1)
    async def first(event: RoomEvent, ctx: RoomContext) -> HookResult:
        order.append("first")
        return HookResult.modify(event.model_copy(update={"content": TextContent(body="changed")}))

    await kit.process_inbound(text("orig"))
    assert order == ["first", "second saw changed"]
    assert inbox == ["changed"]


async def test_block_stops_later_hooks() -> None:
    kit, _ = await make_kit()
    ran: list[str] = []

    @kit.hook(HookTrigger.BEFORE_BROADCAST, priority=0)
    async def blocker(event: RoomEvent, ctx: RoomContext) -> HookResult:
        return HookResult.block("stop")

    @kit.hook(HookTrigger.BEFORE_BROADCAST, priority=1)
    async def later(event: RoomEvent, ctx: RoomContext) -> HookResult:
        ran.append("later")
        return HookResult.allow()

    result = await kit.process_inbound(text("x"))
    assert result.blocked and result.reason == "stop" and ran == []


async def test_filters_by_channel_type_id_and_direction() -> None:
    kit, _ = await make_kit()
    other = WebSocketChannel("other")
    kit.register_channel(other)
    await kit.attach_channel("r", "other")
    hits: dict[str, list[str]] = {"type": [], "id": [], "dir": [], "sms": []}

    @kit.hook(HookTrigger.AFTER_BROADCAST, channel_types={ChannelType.WEBSOCKET})
    async def by_type(event: RoomEvent, ctx: RoomContext) -> None:
        hits["type"].append(event.content.body)

    @kit.hook(HookTrigger.AFTER_BROADCAST, channel_ids={"other"})
    async def by_id(event: RoomEvent, ctx: RoomContext) -> None:
        hits["id"].append(event.content.body)

    @kit.hook(HookTrigger.AFTER_BROADCAST, directions={ChannelDirection.OUTBOUND})
    async def by_dir(event: RoomEvent, ctx: RoomContext) -> None:
        hits["dir"].append(event.content.body)

    @kit.hook(
        HookTrigger.AFTER_BROADCAST, execution=HookExecution.ASYNC, channel_types={ChannelType.SMS}
    )
    async def sms_only(event: RoomEvent, ctx: RoomContext) -> None:
        hits["sms"].append(event.content.body)

    await kit.process_inbound(text("a"))
    await kit.process_inbound(text("b", channel="other"))
    await kit.send_event("r", "ws", TextContent(body="c"))
    assert hits == {"type": ["a", "b", "c"], "id": ["b"], "dir": ["c"], "sms": []}


async def test_room_scoped_hooks_apply_only_to_their_room_and_can_be_removed() -> None:
    kit, _ = await make_kit()
    await kit.create_room(room_id="vip")
    await kit.attach_channel("vip", "ws")

    async def vip_filter(event: RoomEvent, ctx: RoomContext) -> HookResult:
        return HookResult.block("vip only")

    await kit.add_room_hook(
        room_id="vip",
        trigger=HookTrigger.BEFORE_BROADCAST,
        execution=HookExecution.SYNC,
        fn=vip_filter,
        name="vip_filter",
    )
    assert (await kit.process_inbound(text("x"), room_id="vip")).blocked
    assert not (await kit.process_inbound(text("x"), room_id="r")).blocked
    await kit.remove_room_hook("vip", "vip_filter")
    assert not (await kit.process_inbound(text("y"), room_id="vip")).blocked
    with pytest.raises(HookNotFoundError):
        await kit.remove_room_hook("vip", "vip_filter")


async def test_room_and_global_hooks_merge_by_priority() -> None:
    kit, _ = await make_kit()
    order: list[str] = []

    def recorder(name: str):  # type: ignore[no-untyped-def]
        async def hook(event: RoomEvent, ctx: RoomContext) -> HookResult:
            order.append(name)
            return HookResult.allow()

        return hook

    kit.hook(HookTrigger.BEFORE_BROADCAST, priority=2, name="g2")(recorder("g2"))
    kit.hook(HookTrigger.BEFORE_BROADCAST, priority=0, name="g0")(recorder("g0"))
    await kit.add_room_hook(
        "r",
        HookTrigger.BEFORE_BROADCAST,
        HookExecution.SYNC,
        recorder("room1"),
        name="room1",
        priority=1,
    )
    await kit.process_inbound(text("x"))
    assert order == ["g0", "room1", "g2"]


async def test_raising_hook_is_isolated_and_reported_to_on_error() -> None:
    kit, inbox = await make_kit()
    errors: list[RoomEvent] = []

    @kit.hook(HookTrigger.ON_ERROR)
    async def on_error(event: RoomEvent, ctx: RoomContext) -> None:
        errors.append(event)

    @kit.hook(HookTrigger.BEFORE_BROADCAST)
    async def broken(event: RoomEvent, ctx: RoomContext) -> HookResult:
        raise RuntimeError("boom")

    @kit.hook(HookTrigger.AFTER_BROADCAST)
    async def broken_after(event: RoomEvent, ctx: RoomContext) -> None:
        raise ValueError("after boom")

    result = await kit.process_inbound(text("still delivered"))
    assert not result.blocked and inbox == ["still delivered"]
    messages = sorted(e.content.body for e in errors)
    assert messages == ["hook 'broken' failed", "hook 'broken_after' failed"]
    assert any("boom" in e.content.data["error"] for e in errors)


async def test_hook_that_times_out_is_reported_and_skipped() -> None:
    kit, inbox = await make_kit()
    errors: list[str] = []

    @kit.hook(HookTrigger.ON_ERROR)
    async def on_error(event: RoomEvent, ctx: RoomContext) -> None:
        errors.append(event.content.data["error"])

    @kit.hook(HookTrigger.BEFORE_BROADCAST, timeout=0.02)
    async def slow(event: RoomEvent, ctx: RoomContext) -> HookResult:
        await asyncio.sleep(1)
        return HookResult.block("too late")

    result = await kit.process_inbound(text("x"))
    assert not result.blocked and inbox == ["x"]
    assert len(errors) == 1 and "timed out after 0.02s" in errors[0]


async def test_wrong_return_type_is_an_error_not_a_crash() -> None:
    kit, inbox = await make_kit()
    errors: list[str] = []

    @kit.hook(HookTrigger.ON_ERROR)
    async def on_error(event: RoomEvent, ctx: RoomContext) -> None:
        errors.append(event.content.data["error"])

    @kit.hook(HookTrigger.BEFORE_BROADCAST)
    async def wrong(event: RoomEvent, ctx: RoomContext) -> str:
        return "yes"

    await kit.process_inbound(text("x"))
    assert inbox == ["x"] and "not a HookResult" in errors[0]


async def test_injected_events_go_to_the_sender_channel_and_are_stored() -> None:
    kit, inbox = await make_kit()
    other = WebSocketChannel("other")
    kit.register_channel(other)
    other_inbox: list[str] = []

    async def recv(_c: str, e: RoomEvent) -> None:
        other_inbox.append(e.content.body)

    other.register_connection("c", recv)
    await kit.attach_channel("r", "other")

    @kit.hook(HookTrigger.BEFORE_BROADCAST)
    async def warn(event: RoomEvent, ctx: RoomContext) -> HookResult:
        return HookResult.block(
            "links not allowed",
            injected_events=[InjectedEvent(content=TextContent(body="Please don't post links"))],
        )

    result = await kit.process_inbound(text("http://spam", channel="other"))
    assert result.blocked
    assert other_inbox == ["Please don't post links"] and inbox == []
    timeline = await kit.get_timeline("r")
    assert [e.content.body for e in timeline] == ["http://spam", "Please don't post links"]


async def test_lifecycle_triggers_fire() -> None:
    kit = RoomKit()
    fired: list[tuple[HookTrigger, str]] = []
    for trigger in (
        HookTrigger.ON_ROOM_CREATED,
        HookTrigger.ON_ROOM_CLOSED,
        HookTrigger.ON_CHANNEL_ATTACHED,
        HookTrigger.ON_CHANNEL_DETACHED,
        HookTrigger.ON_CHANNEL_MUTED,
        HookTrigger.ON_CHANNEL_UNMUTED,
    ):

        async def hook(event: RoomEvent, ctx: RoomContext, t: HookTrigger = trigger) -> None:
            fired.append((t, ctx.room.id))

        kit.hook(trigger, name=str(trigger))(hook)
    kit.register_channel(WebSocketChannel("ws"))
    await kit.create_room(room_id="x")
    await kit.attach_channel("x", "ws")
    await kit.mute("x", "ws")
    await kit.unmute("x", "ws")
    await kit.detach_channel("x", "ws")
    await kit.close_room("x")
    assert [t for t, _ in fired] == [
        HookTrigger.ON_ROOM_CREATED,
        HookTrigger.ON_CHANNEL_ATTACHED,
        HookTrigger.ON_CHANNEL_MUTED,
        HookTrigger.ON_CHANNEL_UNMUTED,
        HookTrigger.ON_CHANNEL_DETACHED,
        HookTrigger.ON_ROOM_CLOSED,
    ]
    assert {room for _, room in fired} == {"x"}


async def test_framework_events() -> None:
    kit = RoomKit()
    seen: list[FrameworkEvent] = []
    for name in (
        "room_created",
        "room_closed",
        "room_paused",
        "room_channel_attached",
        "room_channel_detached",
        "channel_connected",
        "channel_disconnected",
    ):
        kit.on(name)(_append(seen))
    ws = WebSocketChannel("ws")
    kit.register_channel(ws)
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")

    async def send(_c: str, _e: RoomEvent) -> None:
        return None

    await kit.connect_websocket("ws", "conn-1", send)
    await kit.disconnect_websocket("ws", "conn-1")
    await kit.detach_channel("r", "ws")
    await kit.close_room("r")
    assert [e.type for e in seen] == [
        "room_created",
        "room_channel_attached",
        "channel_connected",
        "channel_disconnected",
        "room_channel_detached",
        "room_closed",
    ]
    assert seen[0].data["room_id"] == "r"
    assert seen[2].data["connection_id"] == "conn-1"
    with pytest.raises(ValueError, match="unknown framework event 'room_exploded'"):
        kit.on("room_exploded")


def _append(target: list[FrameworkEvent]):  # type: ignore[no-untyped-def]
    async def listener(event: FrameworkEvent) -> None:
        target.append(event)

    return listener


async def test_default_execution_follows_the_trigger() -> None:
    kit, _ = await make_kit()

    @kit.hook(HookTrigger.BEFORE_BROADCAST)
    async def a(event: RoomEvent, ctx: RoomContext) -> HookResult:
        return HookResult.allow()

    @kit.hook(HookTrigger.AFTER_BROADCAST)
    async def b(event: RoomEvent, ctx: RoomContext) -> None:
        return None

    regs = kit._runtime.hooks.hooks_for(HookTrigger.BEFORE_BROADCAST, None)
    regs += kit._runtime.hooks.hooks_for(HookTrigger.AFTER_BROADCAST, None)
    assert [r.execution for r in regs] == [HookExecution.SYNC, HookExecution.ASYNC]


async def test_every_spec_trigger_exists() -> None:
    names = """BEFORE_BROADCAST AFTER_BROADCAST ON_CHANNEL_ATTACHED ON_CHANNEL_DETACHED
    ON_CHANNEL_MUTED ON_CHANNEL_UNMUTED ON_ROOM_CREATED ON_ROOM_PAUSED ON_ROOM_CLOSED
    ON_IDENTITY_AMBIGUOUS ON_IDENTITY_UNKNOWN ON_PARTICIPANT_IDENTIFIED ON_DELIVERY_STATUS
    ON_TASK_CREATED ON_ERROR ON_SPEECH_START ON_SPEECH_END ON_TRANSCRIPTION BEFORE_TTS AFTER_TTS
    ON_VAD_SILENCE ON_VAD_AUDIO_LEVEL ON_SPEAKER_CHANGE ON_BARGE_IN ON_TTS_CANCELLED ON_DTMF
    ON_TURN_COMPLETE ON_TURN_INCOMPLETE ON_BACKCHANNEL ON_RECORDING_STARTED ON_RECORDING_STOPPED
    ON_INPUT_AUDIO_LEVEL ON_OUTPUT_AUDIO_LEVEL ON_TOOL_CALL ON_REALTIME_TEXT_INJECTED
    ON_FEEDBACK""".split()
    assert {t.name for t in HookTrigger} == set(names)
