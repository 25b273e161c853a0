"""``roomkit demo``: the SPEC's Quickstart on the in-memory defaults, then the timeline."""

from __future__ import annotations

from roomkit import (
    ChannelCategory,
    EventStatus,
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
from roomkit.domain.content import text_of
from roomkit.providers.ai.mock import MockAIProvider


async def main() -> None:
    kit = RoomKit()
    ws_alice = WebSocketChannel("ws-alice")
    ws_bob = WebSocketChannel("ws-bob")
    ai = AIChannel("ai-assistant", provider=MockAIProvider(responses=["Got it!"]))
    for channel in (ws_alice, ws_bob, ai):
        kit.register_channel(channel)

    inboxes: dict[str, list[RoomEvent]] = {"alice": [], "bob": []}

    def inbox(name: str):  # type: ignore[no-untyped-def]
        async def receive(_conn: str, event: RoomEvent) -> None:
            inboxes[name].append(event)

        return receive

    ws_alice.register_connection("alice-conn", inbox("alice"))
    ws_bob.register_connection("bob-conn", inbox("bob"))

    await kit.create_room(room_id="demo-room")
    await kit.attach_channel("demo-room", "ws-alice")
    await kit.attach_channel("demo-room", "ws-bob")
    await kit.attach_channel("demo-room", "ai-assistant", category=ChannelCategory.INTELLIGENCE)

    @kit.hook(HookTrigger.BEFORE_BROADCAST, name="profanity_filter")
    async def profanity_filter(event: RoomEvent, ctx: RoomContext) -> HookResult:
        if isinstance(event.content, TextContent) and "badword" in event.content.body:
            return HookResult.block("Message blocked by profanity filter")
        return HookResult.allow()

    for sender, channel_id, body in (
        ("alice", "ws-alice", "Hello everyone!"),
        ("bob", "ws-bob", "this has a badword in it"),
    ):
        result = await kit.process_inbound(
            InboundMessage(channel_id=channel_id, sender_id=sender, content=TextContent(body=body))
        )
        verdict = f"blocked ({result.reason})" if result.blocked else "delivered"
        print(f"{sender} sent {body!r} -> {verdict}")

    print()
    print("Timeline of demo-room:")
    for event in await kit.get_timeline("demo-room"):
        mark = " [BLOCKED]" if event.status is EventStatus.BLOCKED else ""
        print(f"  #{event.index} [{event.source.channel_id}] {text_of(event.content)}{mark}")
    print()
    for name, events in inboxes.items():
        print(f"{name} received: {[text_of(e.content) for e in events]}")
    await kit.close()
