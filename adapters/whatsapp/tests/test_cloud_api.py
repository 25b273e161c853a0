"""WhatsApp Business over httpx against the loopback Cloud API fake: the contract suites, the
requests the provider really sends, the 24-hour window, retries and Graph errors."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import pytest_asyncio

from roomkit import (
    InboundMessage,
    RoomKit,
    TextContent,
    WebhookSignatureError,
    WebSocketChannel,
    WhatsAppChannel,
)
from roomkit.core.clock import ManualClock
from roomkit.domain.channel import RetryPolicy
from roomkit.domain.content import (
    AudioContent,
    CompositeContent,
    LocationContent,
    MediaContent,
    RichContent,
    TemplateContent,
    VideoContent,
)
from roomkit.domain.enums import DeliveryState
from roomkit.domain.event import RoomEvent
from roomkit.domain.webhook import WebhookRequest
from roomkit.providers.whatsapp.base import WhatsAppProvider
from roomkit_contracts import (
    MessageProviderContract,
    MessageProviderScenario,
    Received,
    WebhookParserContract,
    WebhookScenario,
)
from roomkit_fakes.whatsapp import WhatsAppFake, graph_error
from roomkit_whatsapp import WhatsAppAPIError, hub_signature

FAST = RetryPolicy(max_retries=2, base_delay_seconds=0, max_delay_seconds=0)
CUSTOMER = "+33612345678"
START = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def provider_for(fake: WhatsAppFake, clock: ManualClock | None = None, **extra: Any) -> Any:
    extra.setdefault("retry", FAST)
    return WhatsAppProvider(
        access_token=fake.token,
        phone_number_id=fake.phone_number_id,
        app_secret=fake.app_secret,
        verify_token=fake.verify_token,
        base_url=fake.base_url,
        clock=clock,
        **extra,
    )


def event(content: Any) -> RoomEvent:
    return MessageProviderContract.event("x").model_copy(update={"content": content})


def sent_bodies(fake: WhatsAppFake) -> list[dict[str, Any]]:
    return [r.json() for r in fake.raw if r.method == "POST"]


# contracts ---------------------------------------------------------------------------------------
class TestWhatsAppContract(MessageProviderContract):
    @pytest_asyncio.fixture
    async def message_provider_scenario(
        self, whatsapp_fake: WhatsAppFake
    ) -> AsyncIterator[MessageProviderScenario]:
        provider = provider_for(whatsapp_fake)
        provider.window.open(CUSTOMER)  # the customer wrote a moment ago
        yield MessageProviderScenario(
            provider=provider,
            recipient=CUSTOMER,
            received=lambda: [Received(f"+{m.to}", m.text) for m in whatsapp_fake.messages],
            refuse=lambda on: whatsapp_fake.refuse_all(400 if on else None),
            throttle_once=lambda: whatsapp_fake.throttle_next("0"),
        )
        await provider.close()


def json_request(value: dict[str, Any]) -> WebhookRequest:
    payload = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA", "changes": [{"value": value, "field": "messages"}]}],
    }
    return WebhookRequest(
        url="https://app.example.com/webhooks/whatsapp",
        headers={"content-type": "application/json"},
        body=json.dumps(payload).encode(),
    )


def signer(secret: str) -> Callable[[WebhookRequest], WebhookRequest]:
    def sign(r: WebhookRequest) -> WebhookRequest:
        headers = {**r.headers, "x-hub-signature-256": hub_signature(secret, r.body)}
        return r.model_copy(update={"headers": headers})

    return sign


META = {"display_phone_number": "15550001111", "phone_number_id": "PN1"}


class TestWhatsAppWebhooks(WebhookParserContract):
    @pytest.fixture
    def webhook_scenario(self) -> WebhookScenario:
        provider = WhatsAppProvider("token", "PN1", app_secret="app-secret")
        message = {
            "from": "33612345678",
            "id": "wamid.HBgL",
            "timestamp": "1764504000",
            "type": "text",
            "text": {"body": "contracthello"},
        }
        return WebhookScenario(
            parser=provider,
            inbound=json_request(
                {"messaging_product": "whatsapp", "metadata": META, "messages": [message]}
            ),
            sender_id=CUSTOMER,
            text="contracthello",
            provider_message_id="wamid.HBgL",
            sign=signer("app-secret"),
            sign_with_wrong_key=signer("another-secret"),
            malformed=json_request(
                {
                    "messaging_product": "whatsapp",
                    "metadata": META,
                    "messages": [{k: v for k, v in message.items() if k != "from"}],
                }
            ),
            status_report=json_request(
                {
                    "messaging_product": "whatsapp",
                    "metadata": META,
                    "statuses": [
                        {
                            "id": "wamid.OUT",
                            "status": "delivered",
                            "timestamp": "1764504001",
                            "recipient_id": "33612345678",
                        }
                    ],
                }
            ),
            status_message_id="wamid.OUT",
        )


# what is sent -------------------------------------------------------------------------------------
async def test_text_request_path_headers_and_body(whatsapp_fake: WhatsAppFake) -> None:
    provider = provider_for(whatsapp_fake, api_version="v21.0")
    provider.window.open(CUSTOMER)
    result = await provider.send(event(TextContent(body="Bonjour")), to=CUSTOMER)
    assert result.success and result.provider_message_id.startswith("wamid.")
    [raw] = whatsapp_fake.raw
    assert raw.path == f"/v21.0/{whatsapp_fake.phone_number_id}/messages"
    assert raw.headers["authorization"] == f"Bearer {whatsapp_fake.token}"
    assert raw.headers["content-type"] == "application/json"
    assert raw.json() == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "33612345678",
        "type": "text",
        "text": {"body": "Bonjour", "preview_url": False},
    }
    await provider.close()


async def test_media_location_and_long_text(whatsapp_fake: WhatsAppFake) -> None:
    provider = provider_for(whatsapp_fake)
    provider.window.open(CUSTOMER)
    contents = [
        MediaContent(url="https://cdn.example.com/p.jpg", mime_type="image/jpeg", caption="Photo"),
        MediaContent(
            url="https://cdn.example.com/i.pdf",
            mime_type="application/pdf",
            filename="invoice.pdf",
            caption="Your invoice",
        ),
        AudioContent(url="https://cdn.example.com/v.ogg"),
        VideoContent(url="https://cdn.example.com/c.mp4"),
        LocationContent(latitude=45.5, longitude=-73.56, label="Office", address="1 Main St"),
    ]
    for content in contents:
        assert (await provider.send(event(content), to=CUSTOMER)).success
    bodies = [
        {k: v for k, v in b.items() if k not in ("messaging_product", "recipient_type", "to")}
        for b in sent_bodies(whatsapp_fake)
    ]
    assert bodies == [
        {"type": "image", "image": {"link": "https://cdn.example.com/p.jpg", "caption": "Photo"}},
        {
            "type": "document",
            "document": {
                "link": "https://cdn.example.com/i.pdf",
                "caption": "Your invoice",
                "filename": "invoice.pdf",
            },
        },
        {"type": "audio", "audio": {"link": "https://cdn.example.com/v.ogg"}},
        {"type": "video", "video": {"link": "https://cdn.example.com/c.mp4"}},
        {
            "type": "location",
            "location": {
                "latitude": 45.5,
                "longitude": -73.56,
                "name": "Office",
                "address": "1 Main St",
            },
        },
    ]
    long = await provider.send(event(TextContent(body="word " * 2000)), to=CUSTOMER)
    assert long.success and len(long.metadata["provider_message_ids"]) == 3
    assert all(len(m.text) <= 4096 for m in whatsapp_fake.messages)
    await provider.close()


async def test_composite_text_becomes_the_media_caption(whatsapp_fake: WhatsAppFake) -> None:
    provider = provider_for(whatsapp_fake)
    provider.window.open(CUSTOMER)
    content = CompositeContent(
        parts=[
            TextContent(body="Here is the photo:"),
            MediaContent(url="https://cdn.example.com/p.jpg", mime_type="image/jpeg"),
            TextContent(body="Anything else?"),
        ]
    )
    result = await provider.send(event(content), to=CUSTOMER)
    assert result.success and len(result.metadata["provider_message_ids"]) == 2
    first, second = sent_bodies(whatsapp_fake)
    assert first["image"] == {
        "link": "https://cdn.example.com/p.jpg",
        "caption": "Here is the photo:",
    }
    assert second["text"]["body"] == "Anything else?"
    await provider.close()


async def test_templates_positional_named_and_raw_components(whatsapp_fake: WhatsAppFake) -> None:
    provider = provider_for(whatsapp_fake)  # no window needed for templates
    await provider.send(
        event(
            TemplateContent(
                template_id="order_confirmation",
                language="en_US",
                parameters={"2": "June 3", "1": "ORD-123"},
            )
        ),
        to=CUSTOMER,
    )
    await provider.send(
        event(
            TemplateContent(template_id="welcome", language="fr", parameters={"first_name": "Ana"})
        ),
        to=CUSTOMER,
    )
    components = [
        {
            "type": "header",
            "parameters": [{"type": "image", "image": {"link": "https://cdn.example.com/h.png"}}],
        }
    ]
    await provider.send(
        event(TemplateContent(template_id="promo", parameters={"components": components})),
        to=CUSTOMER,
    )
    templates = [b["template"] for b in sent_bodies(whatsapp_fake)]
    assert templates == [
        {
            "name": "order_confirmation",
            "language": {"code": "en_US"},
            "components": [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": "ORD-123"},
                        {"type": "text", "text": "June 3"},
                    ],
                }
            ],
        },
        {
            "name": "welcome",
            "language": {"code": "fr"},
            "components": [
                {
                    "type": "body",
                    "parameters": [{"type": "text", "text": "Ana", "parameter_name": "first_name"}],
                }
            ],
        },
        {"name": "promo", "language": {"code": "en"}, "components": components},
    ]
    await provider.close()


async def test_interactive_buttons_lists_and_url(whatsapp_fake: WhatsAppFake) -> None:
    provider = provider_for(whatsapp_fake)
    provider.window.open(CUSTOMER)
    buttons = RichContent(
        body="Choose an option:",
        buttons=[{"text": "Option A", "payload": "a"}, {"text": "Option B", "payload": "b"}],
    )
    listed = RichContent(body="Pick a slot", quick_replies=[f"{h}:00" for h in range(9, 14)])
    link = RichContent(body="Track it", buttons=[{"text": "Track", "url": "https://t.example/1"}])
    for content in (buttons, listed, link):
        result = await provider.send(event(content), to=CUSTOMER)
        assert result.success, result.error
    first, second, third = (b["interactive"] for b in sent_bodies(whatsapp_fake))
    assert first == {
        "type": "button",
        "body": {"text": "Choose an option:"},
        "action": {
            "buttons": [
                {"type": "reply", "reply": {"id": "a", "title": "Option A"}},
                {"type": "reply", "reply": {"id": "b", "title": "Option B"}},
            ]
        },
    }
    assert second["type"] == "list" and second["action"]["button"] == "Options"
    assert [r["id"] for r in second["action"]["sections"][0]["rows"]] == [
        "9:00",
        "10:00",
        "11:00",
        "12:00",
        "13:00",
    ]
    assert third["action"] == {
        "name": "cta_url",
        "parameters": {"display_text": "Track", "url": "https://t.example/1"},
    }
    too_many = RichContent(body="x", quick_replies=[str(i) for i in range(11)])
    refused = await provider.send(event(too_many), to=CUSTOMER)
    assert not refused.success and "at most 10" in (refused.error or "")
    assert len(whatsapp_fake.raw) == 3  # refused before any HTTP call
    await provider.close()


# the 24-hour window ------------------------------------------------------------------------------
async def test_window_opens_on_inbound_and_closes_after_24_hours(
    whatsapp_fake: WhatsAppFake,
) -> None:
    clock = ManualClock(start=START)
    provider = provider_for(whatsapp_fake, clock=clock)
    hello = event(TextContent(body="hello"))
    refused = await provider.send(hello, to=CUSTOMER)
    assert not refused.success
    assert "24-hour customer-service window" in (refused.error or "")
    assert "TemplateContent" in (refused.error or "")
    assert whatsapp_fake.raw == []  # refused before any HTTP call

    inbound = whatsapp_fake.inbound_text(sender=CUSTOMER, text="hi", timestamp=START.timestamp())
    request = WebhookRequest.from_meta(inbound)
    provider.authenticate(request)
    provider.parse(request, "wa")
    clock.advance(23 * 3600)
    assert (await provider.send(hello, to=CUSTOMER)).success
    clock.advance(3600)
    late = await provider.send(hello, to=CUSTOMER)
    assert not late.success and "24.0 hours ago" in (late.error or "")
    template = event(TemplateContent(template_id="follow_up", language="en"))
    assert (await provider.send(template, to=CUSTOMER)).success
    assert len(whatsapp_fake.messages) == 2
    # Meta redelivers an old webhook two days later: it does not reopen the window
    old = whatsapp_fake.inbound_text(sender=CUSTOMER, text="hi", timestamp=START.timestamp())
    provider.parse(WebhookRequest.from_meta(old), "wa")
    assert not (await provider.send(hello, to=CUSTOMER)).success
    await provider.close()


async def test_window_refusal_is_a_failed_delivery_in_the_room(whatsapp_fake: WhatsAppFake) -> None:
    clock = ManualClock(start=START)
    kit = RoomKit(clock=clock)
    kit.register_channel(WebSocketChannel("ws"))
    kit.register_channel(WhatsAppChannel("wa", provider=provider_for(whatsapp_fake, clock=clock)))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    await kit.attach_channel("r", "wa", metadata={"to": CUSTOMER})
    result = await kit.process_inbound(
        InboundMessage(channel_id="ws", sender_id="agent", content=TextContent(body="Hello?")),
        room_id="r",
    )
    assert result.event is not None
    [delivery] = await kit.store.list_delivery_results("r", result.event.id)
    assert delivery.state is DeliveryState.FAILED
    assert "24-hour customer-service window" in (delivery.error or "")
    assert whatsapp_fake.raw == []
    await kit.close()


async def test_reengagement_error_from_meta_closes_the_window(whatsapp_fake: WhatsAppFake) -> None:
    provider = provider_for(whatsapp_fake)
    provider.window.open(CUSTOMER)
    whatsapp_fake.fail_next(
        400,
        graph_error(
            131047,
            "Re-engagement message",
            subcode=2494010,
            details="Message failed to send because more than 24 hours have passed",
        ),
    )
    result = await provider.send(event(TextContent(body="late")), to=CUSTOMER)
    assert not result.success
    assert result.error == (
        "whatsapp answered HTTP 400: Graph API error 131047 (subcode 2494010, type "
        "OAuthException): Re-engagement message - Message failed to send because more than 24 "
        "hours have passed"
    )
    assert result.metadata["code"] == 131047
    assert not provider.window.is_open(CUSTOMER)
    await provider.close()


# retries and errors ------------------------------------------------------------------------------
async def test_5xx_retried_and_long_retry_after_not_waited(whatsapp_fake: WhatsAppFake) -> None:
    provider = provider_for(whatsapp_fake)
    provider.window.open(CUSTOMER)
    whatsapp_fake.fail_next(503).fail_next(500)
    assert (await provider.send(event(TextContent(body="eventually")), to=CUSTOMER)).success
    assert len(whatsapp_fake.raw) == 3
    whatsapp_fake.queue.clear()
    whatsapp_fake.throttle_next("3600")
    throttled = await provider.send(event(TextContent(body="later")), to=CUSTOMER)
    assert not throttled.success and "130429" in (throttled.error or "")
    assert "Rate limit hit" in (throttled.error or "")
    await provider.close()


async def test_bad_token_and_slow_answers(whatsapp_fake: WhatsAppFake) -> None:
    wrong = WhatsAppProvider(
        "not-the-token", whatsapp_fake.phone_number_id, base_url=whatsapp_fake.base_url, retry=FAST
    )
    wrong.window.open(CUSTOMER)
    result = await wrong.send(event(TextContent(body="x")), to=CUSTOMER)
    assert not result.success and "HTTP 401: Graph API error 190" in (result.error or "")
    await wrong.close()
    slow = provider_for(whatsapp_fake, timeout=0.3, retry=RetryPolicy(max_retries=0))
    slow.window.open(CUSTOMER)
    whatsapp_fake.slow_next(3)
    timed_out = await slow.send(event(TextContent(body="x")), to=CUSTOMER)
    assert not timed_out.success and "unreachable" in (timed_out.error or "")
    await slow.close()


async def test_mark_read_with_typing_and_its_errors(whatsapp_fake: WhatsAppFake) -> None:
    provider = provider_for(whatsapp_fake)
    await provider.mark_read("wamid.IN1", typing=True)
    assert whatsapp_fake.read_receipts == [
        {
            "messaging_product": "whatsapp",
            "status": "read",
            "message_id": "wamid.IN1",
            "typing_indicator": {"type": "text"},
        }
    ]
    with pytest.raises(WhatsAppAPIError, match="Graph API error 100") as info:
        await provider.mark_read("not-a-wamid")
    assert info.value.code == 100 and info.value.status == 400
    await provider.close()


# receiving ---------------------------------------------------------------------------------------
async def test_inbound_kinds_are_parsed(whatsapp_fake: WhatsAppFake) -> None:
    provider = provider_for(whatsapp_fake)
    media_id = whatsapp_fake.add_media(b"\x89PNG-bytes", "image/png")
    kinds: list[dict[str, Any]] = [
        {"type": "image", "image": {"id": media_id, "mime_type": "image/png", "caption": "look"}},
        {
            "type": "audio",
            "audio": {"id": "77", "mime_type": "audio/ogg; codecs=opus", "voice": True},
        },
        {
            "type": "interactive",
            "interactive": {
                "type": "button_reply",
                "button_reply": {"id": "a", "title": "Option A"},
            },
        },
        {
            "type": "interactive",
            "interactive": {
                "type": "list_reply",
                "list_reply": {"id": "10:00", "title": "10:00", "description": "morning"},
            },
        },
        {"type": "button", "button": {"payload": "STOP", "text": "Stop promotions"}},
        {"type": "location", "location": {"latitude": 45.5, "longitude": -73.5, "name": "Home"}},
        {"type": "reaction", "reaction": {"message_id": "wamid.OUT", "emoji": "👍"}},
        {"type": "unsupported", "errors": [{"code": 131051}]},
    ]
    parsed = []
    for message in kinds:
        request = WebhookRequest.from_meta(whatsapp_fake.inbound(sender=CUSTOMER, message=message))
        provider.authenticate(request)
        parsed.extend(provider.parse(request, "wa").messages)
    image, audio, button, row, quick, location, reaction = parsed  # unsupported is skipped
    assert image.content == MediaContent(
        url=f"{whatsapp_fake.base_url}/v22.0/{media_id}", mime_type="image/png", caption="look"
    )
    assert image.metadata["media_id"] == media_id and image.metadata["profile_name"] == "Customer"
    assert isinstance(audio.content, AudioContent) and audio.content.mime_type == "audio/ogg"
    assert audio.metadata["voice"] is True
    assert (button.content, button.metadata["reply_id"]) == (TextContent(body="Option A"), "a")
    assert row.metadata["reply_id"] == "10:00" and row.metadata["interactive"] == "list_reply"
    assert (quick.content, quick.metadata["reply_id"]) == (
        TextContent(body="Stop promotions"),
        "STOP",
    )
    assert location.content == LocationContent(latitude=45.5, longitude=-73.5, label="Home")
    assert reaction.content.code == "reaction"  # type: ignore[union-attr]
    assert reaction.metadata["reaction"] == {"message_id": "wamid.OUT", "emoji": "👍"}
    assert {m.sender_id for m in parsed} == {CUSTOMER}
    assert await provider.download_media(image.metadata["media_id"]) == b"\x89PNG-bytes"
    downloads = [r for r in whatsapp_fake.raw if r.method == "GET"]
    assert [r.path for r in downloads] == [f"/v22.0/{media_id}", f"/media-download/{media_id}"]
    assert all(r.headers["authorization"] == f"Bearer {whatsapp_fake.token}" for r in downloads)
    with pytest.raises(WhatsAppAPIError, match="does not exist"):
        await provider.download_media("404404")
    await provider.close()


async def test_webhooks_through_the_kit(whatsapp_fake: WhatsAppFake) -> None:
    kit = RoomKit()
    kit.register_channel(WebSocketChannel("ws"))
    kit.register_channel(WhatsAppChannel("wa", provider=provider_for(whatsapp_fake)))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    await kit.attach_channel("r", "wa")
    forged = whatsapp_fake.inbound_text(sender=CUSTOMER, text="wire money", message_id="wamid.F")
    forged["body"] = forged["body"].replace(b"wire money", b"wire MONEY")
    with pytest.raises(WebhookSignatureError, match="does not match"):
        await kit.process_webhook(meta=forged, channel_id="wa")
    unsigned = {**forged, "headers": {"Content-Type": "application/json"}}
    with pytest.raises(WebhookSignatureError, match="missing"):
        await kit.process_webhook(meta=unsigned, channel_id="wa")
    assert await kit.get_timeline("r") == []  # nothing of a refused webhook is stored
    assert not kit.channels["wa"].provider.window.is_open(CUSTOMER)  # type: ignore[attr-defined]

    meta = whatsapp_fake.inbound_text(sender=CUSTOMER, text="Hola", message_id="wamid.IN1")
    outcome = await kit.process_webhook(meta=meta, channel_id="wa")
    assert outcome.event is not None and outcome.event.source.external_id == CUSTOMER
    again = await kit.process_webhook(meta=meta, channel_id="wa")
    assert again.result is not None and again.result.duplicate
    assert [e.content.body for e in await kit.get_timeline("r")] == ["Hola"]  # type: ignore[union-attr]

    reply = await kit.process_inbound(
        InboundMessage(channel_id="ws", sender_id="agent", content=TextContent(body="Hi!")),
        room_id="r",
    )
    assert reply.event is not None
    assert [(m.to, m.text) for m in whatsapp_fake.messages] == [("33612345678", "Hi!")]
    [sent] = await kit.store.list_delivery_results("r", reply.event.id)
    report = whatsapp_fake.status(
        message_id=sent.provider_message_id or "",
        recipient=CUSTOMER,
        status="failed",
        error_code=131026,
        error_title="Message undeliverable",
    )
    [status] = (await kit.process_webhook(meta=report, channel_id="wa")).statuses
    assert (status.status, status.error_code, status.room_id) == ("failed", "131026", "r")
    assert (
        status.error_message == "WhatsApp error 131026: Message undeliverable - "
        "Message undeliverable"
    )
    states = [r.state for r in await kit.store.list_delivery_results("r", reply.event.id)]
    assert states == [DeliveryState.DELIVERED, DeliveryState.FAILED]
    read = whatsapp_fake.status(
        message_id=sent.provider_message_id or "",
        recipient=CUSTOMER,
        status="read",
        timestamp=time.time(),
    )
    [seen] = (await kit.process_webhook(meta=read, channel_id="wa")).statuses
    assert seen.status == "read" and seen.recipient == CUSTOMER
    await kit.close()


def test_parse_whatsapp_webhook_reads_dicts_bytes_and_meta() -> None:
    from roomkit.providers.whatsapp.base import parse_whatsapp_webhook

    fake = WhatsAppFake()
    meta = fake.inbound_text(sender="+15550100199", text="hello", message_id="wamid.P")
    [from_meta] = parse_whatsapp_webhook(meta, channel_id="wa")
    [from_bytes] = parse_whatsapp_webhook(meta["body"])
    [from_dict] = parse_whatsapp_webhook(json.loads(meta["body"]))
    assert from_meta.channel_id == "wa" and from_bytes.channel_id == "whatsapp"
    assert from_meta.content == from_bytes.content == from_dict.content == TextContent(body="hello")
    assert from_dict.sender_id == "+15550100199" and from_dict.provider_message_id == "wamid.P"
    assert from_dict.metadata["phone_number_id"] == fake.phone_number_id


async def test_rich_content_with_buttons_reaches_whatsapp_as_buttons(
    whatsapp_fake: WhatsAppFake,
) -> None:
    kit = RoomKit()
    kit.register_channel(WebSocketChannel("ws"))
    provider = provider_for(whatsapp_fake)
    provider.window.open(CUSTOMER)
    kit.register_channel(WhatsAppChannel("wa", provider=provider))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    await kit.attach_channel("r", "wa", metadata={"to": CUSTOMER})
    rich = RichContent(
        body="Pay now?", buttons=[{"text": "Yes", "payload": "y"}, {"text": "No", "payload": "n"}]
    )
    await kit.process_inbound(
        InboundMessage(channel_id="ws", sender_id="agent", content=rich), room_id="r"
    )
    [body] = sent_bodies(whatsapp_fake)
    assert body["interactive"]["type"] == "button"
    assert [b["reply"]["id"] for b in body["interactive"]["action"]["buttons"]] == ["y", "n"]
    await kit.close()


async def test_a_customer_message_is_not_echoed_to_the_configured_recipient(
    whatsapp_fake: WhatsAppFake,
) -> None:
    kit = RoomKit()
    kit.register_channel(WhatsAppChannel("wa", provider=provider_for(whatsapp_fake)))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "wa", metadata={"to": CUSTOMER})
    meta = whatsapp_fake.inbound_text(sender=CUSTOMER, text="hello", message_id="wamid.E")
    outcome = await kit.process_webhook(meta=meta, channel_id="wa")
    assert outcome.event is not None
    assert whatsapp_fake.messages == []
    await kit.close()
