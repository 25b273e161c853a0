"""Broadcast: access levels, transcoding per target, failures isolated and recorded,
retry with backoff, circuit breaker, per-binding rate limits, transport recipients."""

from __future__ import annotations

import pytest

from roomkit import (
    Access,
    ChannelCapabilities,
    CompositeContent,
    DeliveryStatus,
    HookExecution,
    HookTrigger,
    InboundMessage,
    MediaContent,
    RateLimit,
    RetryPolicy,
    RichContent,
    RoomContext,
    RoomEvent,
    RoomKit,
    SMSChannel,
    TextContent,
    WebSocketChannel,
)
from roomkit.core.clock import ManualClock
from roomkit.models.enums import ChannelMediaType, DeliveryState
from roomkit.providers.sms.mock import MockSMSProvider


class Inbox:
    def __init__(self) -> None:
        self.events: list[RoomEvent] = []

    async def __call__(self, _conn: str, event: RoomEvent) -> None:
        self.events.append(event)

    @property
    def bodies(self) -> list[str]:
        return [getattr(e.content, "body", e.content.type) for e in self.events]


class FlakyChannel(WebSocketChannel):
    """Fails the first ``failures`` deliveries."""

    def __init__(self, channel_id: str, failures: int) -> None:
        super().__init__(channel_id)
        self.failures = failures
        self.attempts = 0

    async def deliver(self, event, binding, context):  # type: ignore[no-untyped-def]
        self.attempts += 1
        if self.attempts <= self.failures:
            raise ConnectionError(f"attempt {self.attempts} failed")
        return await super().deliver(event, binding, context)


async def setup(kit: RoomKit, *channels: WebSocketChannel, **attach: object) -> dict[str, Inbox]:
    inboxes: dict[str, Inbox] = {}
    if await kit.store.get_room("r") is None:
        await kit.create_room(room_id="r")
    for ch in channels:
        kit.register_channel(ch)
        inboxes[ch.channel_id] = Inbox()
        ch.register_connection("c", inboxes[ch.channel_id])
        await kit.attach_channel("r", ch.channel_id, **attach)  # type: ignore[arg-type]
    return inboxes


def text(body: str, channel: str = "ws") -> InboundMessage:
    return InboundMessage(channel_id=channel, sender_id="u", content=TextContent(body=body))


async def test_each_target_gets_content_transcoded_to_its_capabilities() -> None:
    kit = RoomKit()
    boxes = await setup(kit, WebSocketChannel("ws"))
    boxes |= await setup(
        kit,
        WebSocketChannel("sms-like"),
        capabilities=ChannelCapabilities(media_types=[ChannelMediaType.TEXT], max_length=20),
    )
    content = CompositeContent(
        parts=[
            RichContent(
                body="**Check this out!**", format="markdown", plain_text="Check this out!"
            ),
            MediaContent(
                url="https://example.com/photo.jpg", mime_type="image/jpeg", caption="Sunset"
            ),
        ]
    )
    await kit.process_inbound(InboundMessage(channel_id="ws", sender_id="u", content=content))
    assert boxes["ws"].events[0].content == content
    assert boxes["sms-like"].events[0].content == TextContent(body="Check this out!\n[...")
    # the stored event keeps the original content
    assert (await kit.get_timeline("r"))[0].content == content


async def test_transcoder_returning_none_skips_that_target() -> None:
    from roomkit.core.router import ContentTranscoder

    class DropMedia(ContentTranscoder):
        async def transcode(self, content, source_binding, target_binding):  # type: ignore[no-untyped-def]
            return None if target_binding.channel_id == "b" else content

    kit = RoomKit()
    kit._transcoder = DropMedia()
    boxes = await setup(kit, WebSocketChannel("ws"), WebSocketChannel("b"))
    await kit.process_inbound(text("x"))
    assert boxes["ws"].bodies == ["x"] and boxes["b"].bodies == []


async def test_failing_channel_does_not_stop_others_and_is_recorded() -> None:
    kit = RoomKit()
    errors: list[RoomEvent] = []

    @kit.hook(HookTrigger.ON_ERROR)
    async def on_error(event: RoomEvent, ctx: RoomContext) -> None:
        errors.append(event)

    boxes = await setup(
        kit, WebSocketChannel("ws"), FlakyChannel("bad", failures=99), WebSocketChannel("other")
    )
    result = await kit.process_inbound(text("hello"))
    assert not result.blocked
    assert boxes["ws"].bodies == ["hello"] and boxes["other"].bodies == ["hello"]
    assert boxes["bad"].bodies == []
    [failure] = await kit.store.list_delivery_results("r")
    assert failure.channel_id == "bad" and failure.state is DeliveryState.FAILED
    assert failure.event_id == result.event.id  # type: ignore[union-attr]
    assert "attempt 1 failed" in (failure.error or "")
    assert len(errors) == 1 and errors[0].content.data["channel_id"] == "bad"
    assert await kit.store.get_event_count("r") == 1


async def test_retry_policy_retries_with_exponential_backoff() -> None:
    clock = ManualClock()
    kit = RoomKit(clock=clock)
    await setup(kit, WebSocketChannel("ws"))
    flaky = FlakyChannel("flaky", failures=2)
    boxes = await setup(kit, flaky, retry_policy=RetryPolicy(max_retries=3, base_delay_seconds=1.0))
    await kit.process_inbound(text("x"))
    assert flaky.attempts == 3
    assert clock.slept == [1.0, 2.0]
    assert boxes["flaky"].bodies == ["x"]
    assert await kit.store.list_delivery_results("r") == []


async def test_retries_exhausted_records_attempts() -> None:
    clock = ManualClock()
    kit = RoomKit(clock=clock)
    await setup(kit, WebSocketChannel("ws"))
    flaky = FlakyChannel("flaky", failures=10)
    await setup(
        kit,
        flaky,
        retry_policy=RetryPolicy(max_retries=2, base_delay_seconds=0.5, max_delay_seconds=0.75),
    )
    await kit.process_inbound(text("x"))
    [failure] = await kit.store.list_delivery_results("r")
    assert failure.attempts == 3 and flaky.attempts == 3
    assert clock.slept == [0.5, 0.75]


async def test_circuit_opens_after_repeated_failures_and_recovers() -> None:
    clock = ManualClock()
    kit = RoomKit(clock=clock)
    await setup(kit, WebSocketChannel("ws"))
    flaky = FlakyChannel("flaky", failures=5)
    await setup(kit, flaky)
    for i in range(7):
        await kit.process_inbound(text(f"m{i}"))
    results = await kit.store.list_delivery_results("r")
    states = [r.state for r in results]
    assert states == [DeliveryState.FAILED] * 5 + [DeliveryState.CIRCUIT_OPEN] * 2
    assert flaky.attempts == 5  # an open circuit does not call the channel
    clock.advance(61)
    await kit.process_inbound(text("after recovery"))
    assert flaky.attempts == 6
    assert len(await kit.store.list_delivery_results("r")) == 7


async def test_per_binding_rate_limit_delays_instead_of_dropping() -> None:
    clock = ManualClock()
    kit = RoomKit(clock=clock)
    await setup(kit, WebSocketChannel("ws"))
    boxes = await setup(kit, WebSocketChannel("slow"), rate_limit=RateLimit(max_per_second=1.0))
    for i in range(3):
        await kit.process_inbound(text(f"m{i}"))
    assert boxes["slow"].bodies == ["m0", "m1", "m2"]
    assert sum(clock.slept) == pytest.approx(2.0)


async def test_access_none_and_set_access() -> None:
    kit = RoomKit()
    boxes = await setup(kit, WebSocketChannel("ws"), WebSocketChannel("b"))
    await kit.set_access("r", "b", Access.NONE)
    await kit.process_inbound(text("one"))
    refused = await kit.process_inbound(text("from b", channel="b"))
    assert refused.blocked
    await kit.set_access("r", "b", Access.READ_WRITE)
    await kit.process_inbound(text("two"))
    assert boxes["b"].bodies == ["two"]


async def test_muted_transport_cannot_send_but_still_receives() -> None:
    kit = RoomKit()
    boxes = await setup(kit, WebSocketChannel("ws"), WebSocketChannel("b"))
    await kit.mute("r", "b")
    refused = await kit.process_inbound(text("hi", channel="b"))
    assert refused.blocked and "muted" in (refused.reason or "")
    await kit.process_inbound(text("to all"))
    assert boxes["b"].bodies == ["to all"]
    await kit.unmute("r", "b")
    assert not (await kit.process_inbound(text("ok", channel="b"))).blocked


async def test_sms_transport_sends_to_participants_except_the_sender() -> None:
    kit = RoomKit()
    provider = MockSMSProvider()
    kit.register_channel(SMSChannel("sms", provider=provider))
    await setup(kit, WebSocketChannel("ws"))
    await kit.attach_channel("r", "sms")
    await kit.process_inbound(
        InboundMessage(channel_id="sms", sender_id="+15550001", content=TextContent(body="hi"))
    )
    assert provider.sent == []  # no echo to the only SMS participant, who sent it
    await kit.process_inbound(text("reply from web"))
    assert [(m.to, m.event.content.body) for m in provider.sent] == [
        ("+15550001", "reply from web")
    ]


async def test_sms_provider_refusal_is_a_recorded_failure() -> None:
    kit = RoomKit()
    provider = MockSMSProvider(fail_for={"+1999"})
    kit.register_channel(SMSChannel("sms", provider=provider))
    await setup(kit, WebSocketChannel("ws"))
    await kit.attach_channel("r", "sms", metadata={"to": ["+1999", "+1888"]})
    await kit.process_inbound(text("x"))
    [failure] = await kit.store.list_delivery_results("r")
    assert "+1999" in (failure.error or "")
    assert [m.to for m in provider.sent] == ["+1888"]


async def test_delivery_status_reports_reach_hooks_and_store() -> None:
    kit = RoomKit()
    seen: list[DeliveryStatus] = []

    @kit.on_delivery_status
    async def track(status: DeliveryStatus) -> None:
        seen.append(status)

    status = DeliveryStatus(
        provider="twilio", message_id="SM1", status="failed", error_message="unreachable"
    )
    await kit.process_delivery_status(status)
    assert seen == [status]
    assert await kit.store.list_delivery_statuses("SM1") == [status]


async def test_after_broadcast_hooks_see_the_stored_event() -> None:
    kit = RoomKit()
    await setup(kit, WebSocketChannel("ws"))
    seen: list[int] = []

    @kit.hook(HookTrigger.AFTER_BROADCAST, execution=HookExecution.ASYNC)
    async def after(event: RoomEvent, ctx: RoomContext) -> None:
        seen.append(event.index)

    await kit.process_inbound(text("a"))
    await kit.process_inbound(text("b"))
    assert seen == [0, 1]
