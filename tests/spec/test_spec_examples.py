"""The SPEC's examples for the core sections, with the scaffolding they leave out (a vendor
provider is replaced by MockAIProvider or MockSMSProvider where the example needs one)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from roomkit import (
    Access,
    ChannelCategory,
    HookExecution,
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
from roomkit.providers.ai.mock import MockAIProvider

HERE = Path(__file__).resolve().parent


def test_quickstart_runs_as_a_program() -> None:
    out = subprocess.run(
        [sys.executable, str(HERE / "quickstart.py")], capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines() == [
        "Alice sent 'Hello everyone!' -> blocked=False",
        "  [ws-alice] Hello everyone!",
        "  [ai-assistant] Got it!",
    ]


async def test_quickstart_promises() -> None:
    """Both Bob and the AI receive Alice's message; the AI's reply reaches Alice and Bob."""
    kit = RoomKit()
    ws_alice, ws_bob = WebSocketChannel("ws-alice"), WebSocketChannel("ws-bob")
    provider = MockAIProvider(responses=["Got it!"])
    ai = AIChannel("ai-assistant", provider=provider)
    for ch in (ws_alice, ws_bob, ai):
        kit.register_channel(ch)
    alice_inbox: list[RoomEvent] = []
    bob_inbox: list[RoomEvent] = []

    async def alice_recv(_conn: str, event: RoomEvent) -> None:
        alice_inbox.append(event)

    async def bob_recv(_conn: str, event: RoomEvent) -> None:
        bob_inbox.append(event)

    ws_alice.register_connection("alice-conn", alice_recv)
    ws_bob.register_connection("bob-conn", bob_recv)
    await kit.create_room(room_id="demo-room")
    await kit.attach_channel("demo-room", "ws-alice")
    await kit.attach_channel("demo-room", "ws-bob")
    await kit.attach_channel("demo-room", "ai-assistant", category=ChannelCategory.INTELLIGENCE)

    @kit.hook(HookTrigger.BEFORE_BROADCAST, name="profanity_filter")
    async def profanity_filter(event: RoomEvent, ctx: RoomContext) -> HookResult:
        if isinstance(event.content, TextContent) and "badword" in event.content.body:
            return HookResult.block("Message blocked by profanity filter")
        return HookResult.allow()

    result = await kit.process_inbound(
        InboundMessage(
            channel_id="ws-alice", sender_id="alice", content=TextContent(body="Hello everyone!")
        )
    )
    assert not result.blocked
    assert [e.content.body for e in bob_inbox] == ["Hello everyone!", "Got it!"]
    assert [e.content.body for e in alice_inbox] == ["Hello everyone!", "Got it!"]
    assert provider.calls[0].messages[-1].content == "Hello everyone!"
    blocked = await kit.process_inbound(
        InboundMessage(channel_id="ws-bob", sender_id="bob", content=TextContent(body="a badword"))
    )
    assert blocked.blocked and blocked.reason == "Message blocked by profanity filter"
    assert len(alice_inbox) == 2


async def test_connecting_channel_to_ai_minimal_example() -> None:
    received: list[RoomEvent] = []

    async def on_recv(_conn: str, event: RoomEvent) -> None:
        received.append(event)

    kit = RoomKit()
    ws = WebSocketChannel("ws-user")
    ws.register_connection("conn-1", on_recv)
    kit.register_channel(ws)
    ai = AIChannel(
        "ai", provider=MockAIProvider(responses=["Hello from the AI"])
    )  # Anthropic in the SPEC
    kit.register_channel(ai)
    await kit.create_room(room_id="chat")
    await kit.attach_channel("chat", "ws-user")
    await kit.attach_channel("chat", "ai", category=ChannelCategory.INTELLIGENCE)
    await kit.process_inbound(
        InboundMessage(channel_id="ws-user", sender_id="user", content=TextContent(body="Hi!"))
    )
    assert received[-1].content.body == "Hello from the AI"


async def test_rooms_examples() -> None:
    kit = RoomKit()
    room = await kit.create_room()
    assert room.id
    room = await kit.create_room(
        room_id="support-123",
        metadata={"topic": "billing", "priority": "high"},
    )
    room = await kit.create_room(room_id="session-1")
    await kit.update_room_metadata("session-1", {"status": "escalated"})
    await kit.close_room("session-1")
    transitioned = await kit.check_all_timers()
    assert transitioned == []
    room = await kit.get_room("support-123")
    bindings = await kit.store.list_bindings("support-123")
    participants = await kit.store.list_participants("support-123")
    events = await kit.get_timeline("support-123", offset=0, limit=50)
    assert room.metadata["priority"] == "high" and bindings == participants == events == []


async def test_access_muting_and_binding_examples() -> None:
    kit = RoomKit()
    for cid in ("channel", "ai-agent"):
        kit.register_channel(WebSocketChannel(cid))
    await kit.create_room(room_id="room")
    await kit.attach_channel("room", "channel", access=Access.READ_WRITE)
    await kit.detach_channel("room", "channel")
    await kit.attach_channel("room", "channel", access=Access.READ_ONLY)
    await kit.detach_channel("room", "channel")
    await kit.attach_channel("room", "channel", access=Access.WRITE_ONLY)
    await kit.set_access("room", "channel", Access.NONE)
    await kit.attach_channel("room", "ai-agent")
    await kit.mute("room", "ai-agent")
    await kit.unmute("room", "ai-agent")
    await kit.mute_output("room", "ai-agent")
    await kit.unmute_output("room", "ai-agent")
    await kit.update_binding_metadata("room", "ai-agent", {"temperature": 0.9})
    binding = await kit.get_binding("room", "ai-agent")
    assert binding.metadata == {"temperature": 0.9} and not binding.muted
    assert (await kit.get_binding("room", "channel")).access is Access.NONE


def test_content_type_examples() -> None:
    from roomkit.models.event import (
        AudioContent,
        CompositeContent,
        DeleteContent,
        EditContent,
        LocationContent,
        MediaContent,
        RichContent,
        TemplateContent,
        TextContent,
    )

    TextContent(body="Hello!")
    RichContent(
        body="Choose an option:",
        format="markdown",
        plain_text="Choose an option:",
        buttons=[{"text": "Option A", "payload": "a"}, {"text": "Option B", "payload": "b"}],
    )
    MediaContent(
        url="https://example.com/image.png", mime_type="image/png", caption="Product photo"
    )
    AudioContent(
        url="https://example.com/voice.ogg", mime_type="audio/ogg", transcript="Hello there"
    )
    LocationContent(
        latitude=40.7128, longitude=-74.0060, label="NYC Office", address="New York, NY"
    )
    TemplateContent(template_id="order_confirmation", language="en", parameters={"1": "ORD-123"})
    CompositeContent(
        parts=[
            TextContent(body="Here's the photo:"),
            MediaContent(url="https://example.com/photo.jpg", mime_type="image/jpeg"),
        ]
    )
    EditContent(target_event_id="evt-abc", new_content=TextContent(body="Corrected text"))
    DeleteContent(target_event_id="evt-abc", delete_type="sender", reason="User retracted")


async def test_custom_transcoder_example() -> None:
    from roomkit.core.router import ContentTranscoder
    from roomkit.models.channel import ChannelBinding, ChannelCapabilities
    from roomkit.models.enums import ChannelMediaType
    from roomkit.models.event import EventContent, MediaContent, TextContent

    class MyTranscoder(ContentTranscoder):
        async def transcode(
            self,
            content: EventContent,
            source_binding: ChannelBinding,
            target_binding: ChannelBinding,
        ) -> EventContent | None:
            target_types = target_binding.capabilities.media_types
            if isinstance(content, MediaContent) and content.mime_type.startswith("image/"):
                if ChannelMediaType.MEDIA not in target_types:
                    caption = content.caption or "an image"
                    return TextContent(body=f"[Image received: {caption}]")
            if isinstance(content, TextContent):
                max_len = target_binding.capabilities.max_length
                if max_len and len(content.body) > max_len:
                    return TextContent(body=content.body[: max_len - 3] + "...")
            return content

    kit = RoomKit()
    kit._transcoder = MyTranscoder()
    ws, sms = WebSocketChannel("ws"), WebSocketChannel("sms-like")
    got: list[Any] = []

    async def recv(_c: str, event: RoomEvent) -> None:
        got.append(event.content)

    for ch in (ws, sms):
        kit.register_channel(ch)
    sms.register_connection("c", recv)
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    await kit.attach_channel(
        "r",
        "sms-like",
        capabilities=ChannelCapabilities(media_types=[ChannelMediaType.TEXT], max_length=10),
    )
    await kit.process_inbound(
        InboundMessage(
            channel_id="ws",
            sender_id="u",
            content=MediaContent(url="u", mime_type="image/png", caption="cat"),
        )
    )
    await kit.process_inbound(
        InboundMessage(
            channel_id="ws", sender_id="u", content=TextContent(body="a very long message")
        )
    )
    assert got == [TextContent(body="[Image received: cat]"), TextContent(body="a very ...")]


async def test_hook_examples() -> None:
    kit = RoomKit()
    tracked: list[Any] = []

    class Analytics:
        async def track(self, name: str, data: dict[str, Any]) -> None:
            tracked.append((name, data))

    analytics = Analytics()
    audit: list[RoomEvent] = []

    class AuditLog:
        async def record(self, event: RoomEvent) -> None:
            audit.append(event)

    audit_log = AuditLog()

    @kit.hook(HookTrigger.BEFORE_BROADCAST)
    async def content_filter(event: RoomEvent, ctx: RoomContext) -> HookResult:
        if "spam" in event.content.body.lower():
            return HookResult.block("Spam detected")
        return HookResult.allow()

    @kit.hook(HookTrigger.AFTER_BROADCAST, execution=HookExecution.ASYNC)
    async def log_event(event: RoomEvent, ctx: RoomContext) -> None:
        await analytics.track("message", {"room": event.room_id})

    from roomkit.models.enums import ChannelDirection, ChannelType

    @kit.hook(
        HookTrigger.AFTER_BROADCAST,
        execution=HookExecution.ASYNC,
        channel_types={ChannelType.SMS},
        directions={ChannelDirection.INBOUND},
        priority=10,
    )
    async def sms_audit(event: RoomEvent, ctx: RoomContext) -> None:
        await audit_log.record(event)

    @kit.hook(HookTrigger.BEFORE_BROADCAST, name="pii_redactor", priority=1)
    async def pii_redactor(event: RoomEvent, ctx: RoomContext) -> HookResult:
        import re

        if isinstance(event.content, TextContent):
            redacted = re.sub(r"\b\d{3}[-.]?\d{3}[-.]?\d{4}\b", "[REDACTED]", event.content.body)
            if redacted != event.content.body:
                modified = event.model_copy(update={"content": TextContent(body=redacted)})
                return HookResult.modify(modified)
        return HookResult.allow()

    kit.register_channel(WebSocketChannel("ws"))
    await kit.create_room(room_id="vip-room")
    await kit.attach_channel("vip-room", "ws")

    async def my_hook_function(event: RoomEvent, ctx: RoomContext) -> HookResult:
        return HookResult.allow()

    await kit.add_room_hook(
        room_id="vip-room",
        trigger=HookTrigger.BEFORE_BROADCAST,
        execution=HookExecution.SYNC,
        fn=my_hook_function,
        name="vip_filter",
    )
    await kit.remove_room_hook("vip-room", "vip_filter")

    spam = await kit.process_inbound(
        InboundMessage(channel_id="ws", sender_id="u", content=TextContent(body="SPAM offer"))
    )
    ok = await kit.process_inbound(
        InboundMessage(
            channel_id="ws", sender_id="u", content=TextContent(body="call 555-123-4567")
        )
    )
    assert spam.blocked and spam.reason == "Spam detected"
    assert ok.event is not None and ok.event.content.body == "call [REDACTED]"
    assert tracked == [("message", {"room": "vip-room"})]
    assert audit == []  # a websocket message is not SMS

    @kit.on("room_created")
    async def on_room_created(event: Any) -> None:
        tracked.append(f"Room created: {event.data['room_id']}")

    await kit.create_room(room_id="another")
    assert tracked[-1] == "Room created: another"


async def test_ai_channel_examples() -> None:
    from roomkit import Agent
    from roomkit.tools.base import Tool

    agent = Agent(
        "support-agent",
        provider=MockAIProvider(responses=["I can help with that."]),
        role="Customer support specialist",
        description="Handles billing and account questions",
        system_prompt="You are a support specialist. Be concise and helpful.",
        greeting="Hi! How can I help you today?",
    )

    async def handle_tools(name: str, arguments: dict) -> str:
        if name == "get_weather":
            city = arguments["city"]
            return f'{{"temperature": 22, "condition": "sunny", "city": "{city}"}}'
        return '{"error": "Unknown tool"}'

    provider = MockAIProvider(
        responses=[MockAIProvider.tool_call("get_weather", {"city": "Lyon"}), "Sunny in Lyon"]
    )
    ai = AIChannel(
        "ai-assistant",
        provider=provider,
        system_prompt="You help users check the weather.",
        tools=[
            {
                "name": "get_weather",
                "description": "Get current weather for a city",
                "parameters": {
                    "type": "object",
                    "properties": {
                        "city": {"type": "string", "description": "City name"},
                        "units": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                    },
                    "required": ["city"],
                },
            },
        ],
        tool_handler=handle_tools,
    )

    class GetWeather(Tool):
        name = "get_weather"
        description = "Get current weather for a city"
        parameters = {
            "type": "object",
            "properties": {
                "city": {"type": "string"},
            },
            "required": ["city"],
        }

        async def execute(self, arguments: dict) -> str:
            return '{"temperature": 22, "condition": "sunny"}'

    tool_ai = AIChannel(
        "ai",
        provider=MockAIProvider(
            responses=[MockAIProvider.tool_call("get_weather", {"city": "x"}), "done"]
        ),
        tools=[GetWeather()],
        thinking_budget=4096,
    )

    kit = RoomKit()
    for ch in (agent, ai, tool_ai):
        kit.register_channel(ch)
    ws = WebSocketChannel("ws-user")
    kit.register_channel(ws)
    events: list[Any] = []

    async def my_callback(event: Any) -> None:
        events.append(event)

    for room_id, channel_id in (
        ("support", "support-agent"),
        ("weather", "ai-assistant"),
        ("tools", "ai"),
    ):
        await kit.create_room(room_id=room_id)
        await kit.attach_channel(room_id, "ws-user")
        await kit.attach_channel(room_id, channel_id, category=ChannelCategory.INTELLIGENCE)
        await kit.subscribe_room(room_id, my_callback)
    await kit.send_greeting("support")
    await kit.process_inbound(
        InboundMessage(channel_id="ws-user", sender_id="u", content=TextContent(body="Weather?")),
        room_id="weather",
    )
    await kit.process_inbound(
        InboundMessage(channel_id="ws-user", sender_id="u", content=TextContent(body="Weather?")),
        room_id="tools",
    )
    assert (await kit.get_timeline("support"))[0].content.body == "Hi! How can I help you today?"
    assert (await kit.get_timeline("weather"))[-1].content.body == "Sunny in Lyon"
    assert provider.calls[1].messages[-1].tool_results[0].result.endswith('"city": "Lyon"}')
    assert [e.type.name for e in events] == [
        "TOOL_CALL_START",
        "TOOL_CALL_END",
        "TOOL_CALL_START",
        "TOOL_CALL_END",
    ]
    assert set(events[1].data) == {"tool_calls", "round", "channel_id", "duration_ms"}
    assert set(events[0].data["tool_calls"][0]) == {"id", "name", "arguments"}


async def test_streaming_and_vision_examples() -> None:
    from roomkit.models.event import MediaContent

    streamed: list[Any] = []

    async def on_recv(_conn: str, event: RoomEvent) -> None:
        pass

    async def on_stream(conn_id: str, msg: Any) -> None:
        streamed.append(msg)

    ws = WebSocketChannel("ws-user")
    ws.register_connection("conn-1", on_recv, stream_send_fn=on_stream)
    provider = MockAIProvider(responses=["A rising chart."], streaming=True)
    kit = RoomKit()
    kit.register_channel(ws)
    kit.register_channel(AIChannel("ai", provider=provider))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws-user")
    await kit.attach_channel("r", "ai", category=ChannelCategory.INTELLIGENCE)
    await kit.process_inbound(
        InboundMessage(
            channel_id="ws-user",
            sender_id="user",
            content=MediaContent(url="https://example.com/chart.png", mime_type="image/png"),
        )
    )
    [call] = provider.calls
    image = call.messages[-1].content[0]
    assert image.url == "https://example.com/chart.png"
    assert next(type(m).__name__ for m in streamed) == "StreamStart"
    assert type(streamed[-1]).__name__ == "StreamEnd"


async def test_identity_examples() -> None:
    from roomkit import InjectedEvent
    from roomkit.identity.base import IdentityResolver
    from roomkit.models.enums import IdentificationStatus
    from roomkit.models.identity import Identity, IdentityHookResult, IdentityResult

    class FakeDB:
        async def find_by_phone(self, phone: str) -> Any:
            return None

    db = FakeDB()

    class DatabaseIdentityResolver(IdentityResolver):
        async def resolve(self, message: InboundMessage, context: RoomContext) -> IdentityResult:
            user = await db.find_by_phone(message.sender_id)
            if user:
                return IdentityResult(
                    status=IdentificationStatus.IDENTIFIED,
                    identity=Identity(id=user.id, display_name=user.name),
                )
            return IdentityResult(status=IdentificationStatus.UNKNOWN)

    kit = RoomKit(identity_resolver=DatabaseIdentityResolver())

    @kit.identity_hook(HookTrigger.ON_IDENTITY_UNKNOWN)
    async def handle_unknown(event: RoomEvent, ctx: RoomContext) -> IdentityHookResult:
        if event.content.body == "challenge me":
            return IdentityHookResult.challenge(
                inject=InjectedEvent(
                    content=TextContent(body="Please provide your account number."),
                )
            )
        if event.content.body == "reject me":
            return IdentityHookResult.reject("Unknown sender")
        if event.content.body == "pending":
            return IdentityHookResult.pending(candidates=[])
        return IdentityHookResult.resolved(Identity(id="user-123", display_name="Alice"))

    kit.register_channel(WebSocketChannel("ws"))
    await kit.create_room(room_id="room-1")
    await kit.attach_channel("room-1", "ws")

    def say(sender: str, body: str) -> InboundMessage:
        return InboundMessage(channel_id="ws", sender_id=sender, content=TextContent(body=body))

    resolved = await kit.process_inbound(say("a", "hello"))
    challenged = await kit.process_inbound(say("b", "challenge me"))
    rejected = await kit.process_inbound(say("c", "reject me"))
    pending = await kit.process_inbound(say("d", "pending"))
    participant = await kit.store.get_participant("room-1", resolved.event.source.participant_id)
    assert participant.identity_id == "user-123"
    assert challenged.blocked and rejected.blocked and rejected.reason == "Unknown sender"
    assert not pending.blocked

    await kit.store.add_identity(Identity(id="user-456", display_name="Bob"))
    await kit.resolve_participant(
        room_id="room-1",
        participant_id=pending.event.source.participant_id,
        identity_id="user-456",
    )
    settled = await kit.store.get_participant("room-1", pending.event.source.participant_id)
    assert settled.identity_id == "user-456"


async def test_realtime_examples() -> None:
    from roomkit.realtime.base import EphemeralEventType

    kit = RoomKit()
    await kit.create_room(room_id="room-1")
    kit.register_channel(WebSocketChannel("ws-user"))
    await kit.attach_channel("room-1", "ws-user")
    seen: list[str] = []

    async def on_ephemeral(event: Any) -> None:
        seen.append(f"Ephemeral: {event.type} from {event.user_id}")

    sub_id = await kit.subscribe_room("room-1", on_ephemeral)
    await kit.publish_typing("room-1", "alice", is_typing=True)
    await kit.publish_typing("room-1", "alice", is_typing=False)
    await kit.publish_presence("room-1", "alice", "online")
    await kit.publish_reaction("room-1", "alice", target_event_id="evt-123", emoji="thumbsup")
    await kit.publish_read_receipt("room-1", "alice", event_id="evt-123")
    await kit.publish_tool_call(
        "room-1",
        "ai-agent",
        [{"id": "tc1", "name": "search", "arguments": {"q": "test"}}],
        EphemeralEventType.TOOL_CALL_START,
    )
    await kit.unsubscribe_room(sub_id)
    assert len(seen) == 6 and seen[-1] == "Ephemeral: tool_call_start from ai-agent"
    result = await kit.process_inbound(
        InboundMessage(channel_id="ws-user", sender_id="u", content=TextContent(body="x"))
    )
    await kit.mark_read("room-1", "ws-user", result.event.id)
    await kit.mark_all_read("room-1", "ws-user")
    assert await kit.get_unread_count("room-1", "ws-user") == 0


async def test_resilience_examples() -> None:
    from roomkit.core.circuit_breaker import CircuitBreaker
    from roomkit.core.retry import retry_with_backoff
    from roomkit.models.channel import RateLimit, RetryPolicy

    kit = RoomKit(inbound_rate_limit=RateLimit(max_per_second=10.0))
    kit.register_channel(WebSocketChannel("sms-out"))
    await kit.create_room(room_id="room-1")
    await kit.attach_channel(
        "room-1",
        "sms-out",
        rate_limit=RateLimit(max_per_second=1.0, max_per_minute=30.0),
    )
    await kit.detach_channel("room-1", "sms-out")
    await kit.attach_channel(
        "room-1",
        "sms-out",
        retry_policy=RetryPolicy(max_retries=3, base_delay_seconds=1.0),
    )

    class Provider:
        def __init__(self) -> None:
            self.calls = 0

        async def send(self, event: Any, to: str) -> str:
            self.calls += 1
            raise ConnectionError("down")

    provider = Provider()
    cb = CircuitBreaker(failure_threshold=5, recovery_timeout=60.0)
    for _ in range(7):
        if cb.allow_request():
            try:
                await provider.send(None, to="+1234567890")
                cb.record_success()
            except Exception:
                cb.record_failure()
    assert provider.calls == 5 and cb.state.name == "OPEN"

    attempts = {"n": 0}

    async def flaky_function() -> str:
        attempts["n"] += 1
        if attempts["n"] < 3:
            raise ConnectionError("retry me")
        return "ok"

    policy = RetryPolicy(max_retries=3, base_delay_seconds=0.001, max_delay_seconds=60.0)
    result = await retry_with_backoff(flaky_function, policy)
    assert result == "ok" and attempts["n"] == 3
    assert RoomKit(max_chain_depth=3).runtime.settings.max_chain_depth == 3

    room = await kit.check_room_timers("room-1")
    assert room.id == "room-1"


async def test_delivery_status_example() -> None:
    from roomkit import DeliveryStatus

    kit = RoomKit()
    lines: list[str] = []

    @kit.on_delivery_status
    async def track_delivery(status: DeliveryStatus) -> None:
        if status.status == "failed":
            lines.append(f"Message {status.message_id} failed: {status.error_message}")

    status = DeliveryStatus(message_id="SM1", status="failed", error_message="unreachable")
    await kit.process_delivery_status(status)
    assert lines == ["Message SM1 failed: unreachable"]


async def test_mock_ai_provider_example() -> None:
    kit = RoomKit()
    kit.register_channel(WebSocketChannel("ws"))
    await kit.create_room(room_id="room")
    await kit.attach_channel("room", "ws")
    provider = MockAIProvider(responses=["Response 1", "Response 2"])
    ai = AIChannel("ai", provider=provider)
    kit.register_channel(ai)
    await kit.attach_channel("room", "ai", category=ChannelCategory.INTELLIGENCE)
    await kit.process_inbound(
        InboundMessage(channel_id="ws", sender_id="u", content=TextContent(body="hi"))
    )
    assert len(provider.calls) == 1
    last_call = provider.calls[-1]
    assert last_call.system_prompt is None and last_call.temperature is None
    assert [t.name for t in last_call.tools] == []


def test_mock_identity_resolver_example() -> None:
    from roomkit.identity.mock import MockIdentityResolver

    resolver = MockIdentityResolver()
    kit = RoomKit(identity_resolver=resolver)
    assert kit.runtime.identity_resolver is resolver


async def test_in_memory_store_example() -> None:
    from roomkit.store.base import ConversationStore
    from roomkit.store.memory import InMemoryStore

    kit = RoomKit()
    assert isinstance(kit.store, InMemoryStore) and isinstance(kit.store, ConversationStore)


async def test_postgres_store_example_path() -> None:
    from roomkit.store.postgres import PostgresStore

    store = PostgresStore("postgresql://user:pass@localhost/roomkit")
    assert store.url.startswith("postgresql+asyncpg://")
    kit = RoomKit(store=store)
    assert kit.store is store
