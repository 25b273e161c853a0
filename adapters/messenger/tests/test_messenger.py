"""Facebook Messenger over httpx against the loopback Send API fake; X-Hub-Signature-256."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Callable

import pytest
import pytest_asyncio

from roomkit import (
    InboundMessage,
    MediaContent,
    MessengerChannel,
    RoomKit,
    TextContent,
    WebhookSignatureError,
    WebSocketChannel,
)
from roomkit.domain.channel import RetryPolicy
from roomkit.domain.content import CompositeContent, RichContent
from roomkit.domain.enums import DeliveryState
from roomkit.domain.errors import WebhookPayloadError
from roomkit.domain.event import RoomEvent
from roomkit.domain.webhook import WebhookRequest
from roomkit.providers.messenger.config import MessengerConfig
from roomkit.providers.messenger.facebook import (
    FacebookMessengerProvider,
    parse_messenger_webhook,
)
from roomkit_contracts import (
    MessageProviderContract,
    MessageProviderScenario,
    Received,
    WebhookParserContract,
    WebhookScenario,
)
from roomkit_fakes.messenger import MessengerFake
from roomkit_messenger import messenger_signature

FAST = RetryPolicy(max_retries=2, base_delay_seconds=0, max_delay_seconds=0)
PSID = "24015820001"


def provider_for(fake: MessengerFake, **options: object) -> FacebookMessengerProvider:
    return FacebookMessengerProvider(
        MessengerConfig(
            page_access_token=fake.page_access_token,
            app_secret=fake.app_secret,
            verify_token=fake.verify_token,
            base_url=fake.base_url,
            **{"retry": FAST, **options},  # type: ignore[arg-type]
        )
    )


class TestMessengerContract(MessageProviderContract):
    @pytest_asyncio.fixture
    async def message_provider_scenario(
        self, messenger_fake: MessengerFake
    ) -> AsyncIterator[MessageProviderScenario]:
        provider = provider_for(messenger_fake)
        yield MessageProviderScenario(
            provider=provider,
            recipient=PSID,
            received=lambda: [Received(m.to, m.text) for m in messenger_fake.messages],
            refuse=lambda on: messenger_fake.refuse_all(400 if on else None),
            throttle_once=lambda: messenger_fake.throttle_next("0"),
        )
        await provider.close()


def signer(secret: str) -> Callable[[WebhookRequest], WebhookRequest]:
    def sign(r: WebhookRequest) -> WebhookRequest:
        headers = {**r.headers, "x-hub-signature-256": messenger_signature(secret, r.body)}
        return r.model_copy(update={"headers": headers})

    return sign


def page_request(*events: dict[str, object]) -> WebhookRequest:
    payload = {"object": "page", "entry": [{"id": "1000001", "time": 1, "messaging": list(events)}]}
    return WebhookRequest(
        url="https://app.example.com/webhooks/messenger",
        headers={"content-type": "application/json"},
        body=json.dumps(payload).encode(),
    )


class TestMessengerWebhooks(WebhookParserContract):
    @pytest.fixture
    def webhook_scenario(self) -> WebhookScenario:
        provider = FacebookMessengerProvider(
            MessengerConfig(page_access_token="t", app_secret="shhh")
        )
        page = {"id": "1000001"}
        return WebhookScenario(
            parser=provider,
            inbound=page_request(
                {
                    "sender": {"id": PSID},
                    "recipient": page,
                    "timestamp": 1,
                    "message": {"mid": "m_1", "text": "contracthello"},
                }
            ),
            sender_id=PSID,
            text="contracthello",
            provider_message_id="m_1",
            sign=signer("shhh"),
            sign_with_wrong_key=signer("not-shhh"),
            malformed=page_request(
                {"recipient": page, "timestamp": 1, "message": {"mid": "m_2", "text": "x"}}
            ),
            status_report=page_request(
                {
                    "sender": {"id": PSID},
                    "recipient": page,
                    "timestamp": 2,
                    "delivery": {"mids": ["m_out"], "watermark": 2},
                }
            ),
            status_message_id="m_out",
        )


def event(content: object) -> RoomEvent:
    return MessageProviderContract.event("x").model_copy(update={"content": content})


async def test_requests_carry_token_proof_and_messaging_type(messenger_fake: MessengerFake) -> None:
    provider = provider_for(messenger_fake)
    assert (await provider.send(event(TextContent(body="Hello")), to=PSID)).success
    [raw] = messenger_fake.raw
    assert (raw.method, raw.path) == ("POST", "/v21.0/me/messages")
    assert raw.headers["authorization"] == "Bearer page-token"
    proof = hmac.new(b"app-secret", b"page-token", hashlib.sha256).hexdigest()
    assert raw.query == {"appsecret_proof": proof}
    assert raw.json() == {
        "recipient": {"id": PSID},
        "messaging_type": "RESPONSE",
        "message": {"text": "Hello"},
    }
    tagged = provider_for(messenger_fake, messaging_type="MESSAGE_TAG", tag="ACCOUNT_UPDATE")
    assert (await tagged.send(event(TextContent(body="Your order shipped")), to=PSID)).success
    assert messenger_fake.raw[-1].json()["tag"] == "ACCOUNT_UPDATE"
    await provider.close()
    await tagged.close()


async def test_media_caption_and_long_text(messenger_fake: MessengerFake) -> None:
    provider = provider_for(messenger_fake)
    content = CompositeContent(
        parts=[
            TextContent(body="Your invoice"),
            MediaContent(url="https://cdn.example.com/invoice.pdf", mime_type="application/pdf"),
            MediaContent(url="https://cdn.example.com/p.jpg", mime_type="image/jpeg"),
        ]
    )
    result = await provider.send(event(content), to=PSID)
    assert result.success and len(result.metadata["provider_message_ids"]) == 3
    bodies = [r.json()["message"] for r in messenger_fake.raw]
    assert bodies == [
        {"text": "Your invoice"},
        {
            "attachment": {
                "type": "file",
                "payload": {"url": "https://cdn.example.com/invoice.pdf", "is_reusable": True},
            }
        },
        {
            "attachment": {
                "type": "image",
                "payload": {"url": "https://cdn.example.com/p.jpg", "is_reusable": True},
            }
        },
    ]
    long = await provider.send(event(TextContent(body="word " * 900)), to=PSID)
    assert long.success and len(long.metadata["provider_message_ids"]) == 3
    assert all(len(m.text) <= 2000 for m in messenger_fake.messages)
    data = await provider.send(
        event(MediaContent(url="data:image/png;base64,AA", mime_type="image/png")), to=PSID
    )
    assert not data.success and "http(s) URL" in (data.error or "")
    await provider.close()


async def test_rich_content_becomes_templates_and_quick_replies(
    messenger_fake: MessengerFake,
) -> None:
    provider = provider_for(messenger_fake)
    rich = RichContent(
        body="**Pick** a slot",
        plain_text="Pick a slot",
        buttons=[
            {"text": "Morning", "payload": "SLOT_AM"},
            {"text": "See the full calendar online", "url": "https://example.com/cal"},
        ],
        quick_replies=["Later"],
    )
    assert (await provider.send(event(rich), to=PSID)).success
    assert messenger_fake.raw[-1].json()["message"] == {
        "attachment": {
            "type": "template",
            "payload": {
                "template_type": "button",
                "text": "Pick a slot",
                "buttons": [
                    {"type": "postback", "title": "Morning", "payload": "SLOT_AM"},
                    {
                        "type": "web_url",
                        "url": "https://example.com/cal",
                        "title": "See the full calend…",
                    },
                ],
            },
        },
        "quick_replies": [{"content_type": "text", "title": "Later", "payload": "Later"}],
    }
    cards = RichContent(
        body="Our rooms",
        cards=[
            {
                "title": "Deluxe",
                "subtitle": "Sea view",
                "image_url": "https://cdn.example.com/d.jpg",
                "buttons": [{"title": "Book", "payload": "BOOK_D"}],
            }
        ],
    )
    assert (await provider.send(event(cards), to=PSID)).success
    [text, generic] = [r.json()["message"] for r in messenger_fake.raw[-2:]]
    assert text == {"text": "Our rooms"}
    assert generic["attachment"]["payload"]["elements"] == [
        {
            "title": "Deluxe",
            "subtitle": "Sea view",
            "image_url": "https://cdn.example.com/d.jpg",
            "buttons": [{"type": "postback", "title": "Book", "payload": "BOOK_D"}],
        }
    ]
    sent = len(messenger_fake.raw)
    four = RichContent(body="Too many", buttons=[{"text": str(i)} for i in range(4)])
    refused = await provider.send(event(four), to=PSID)
    assert not refused.success and "at most 3 buttons" in (refused.error or "")
    assert len(messenger_fake.raw) == sent  # refused before any call
    await provider.close()


async def test_sender_actions_and_graph_errors(messenger_fake: MessengerFake) -> None:
    provider = provider_for(messenger_fake)
    assert (await provider.send_action(PSID, "typing_on")).success
    assert (await provider.send_action(PSID, "mark_seen")).success
    assert messenger_fake.actions == [(PSID, "typing_on"), (PSID, "mark_seen")]
    assert messenger_fake.raw[0].json() == {"recipient": {"id": PSID}, "sender_action": "typing_on"}
    messenger_fake.fail_next(400)
    refused = await provider.send(event(TextContent(body="hi")), to=PSID)
    assert refused.error == (
        "messenger answered HTTP 400: (error 100/2018001) (#100) No matching user found"
    )
    messenger_fake.fail_next(503).fail_next(500)
    assert (await provider.send(event(TextContent(body="after 5xx")), to=PSID)).success
    assert [m.text for m in messenger_fake.messages] == ["after 5xx"]
    wrong = FacebookMessengerProvider(
        MessengerConfig(
            page_access_token="page-token", app_secret="other", base_url=messenger_fake.base_url
        )
    )
    bad = await wrong.send(event(TextContent(body="x")), to=PSID)
    assert "Invalid appsecret_proof" in (bad.error or "")
    await provider.close()
    await wrong.close()


async def test_slow_graph_times_out_as_a_refusal(messenger_fake: MessengerFake) -> None:
    provider = provider_for(messenger_fake, timeout=0.2, retry=RetryPolicy(max_retries=0))
    messenger_fake.slow_next(2.0)
    result = await provider.send(event(TextContent(body="slow")), to=PSID)
    assert not result.success and "messenger unreachable" in (result.error or "")
    await provider.close()


async def room(fake: MessengerFake) -> tuple[RoomKit, FacebookMessengerProvider]:
    kit = RoomKit()
    provider = provider_for(fake)
    kit.register_channel(WebSocketChannel("ws"))
    kit.register_channel(MessengerChannel("messenger", provider=provider))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    await kit.attach_channel("r", "messenger")
    return kit, provider


async def test_webhooks_through_the_kit(messenger_fake: MessengerFake) -> None:
    kit, _ = await room(messenger_fake)
    request = messenger_fake.inbound_text(psid=PSID, text="Is my order late?", mid="m_in1")
    outcome = await kit.process_webhook(meta=request, channel_id="messenger")
    assert outcome.event is not None and outcome.event.source.external_id == PSID
    again = await kit.process_webhook(meta=request, channel_id="messenger")
    assert again.result is not None and again.result.duplicate
    assert len(await kit.store.list_events("r")) == 1

    forged = messenger_fake.inbound_text(psid=PSID, text="forged", mid="m_in2")
    forged["headers"]["X-Hub-Signature-256"] = messenger_signature("guess", forged["body"])
    with pytest.raises(WebhookSignatureError, match="does not match"):
        await kit.process_webhook(meta=forged, channel_id="messenger")
    unsigned = messenger_fake.inbound_text(psid=PSID, text="unsigned", mid="m_in3")
    del unsigned["headers"]["X-Hub-Signature-256"]
    with pytest.raises(WebhookSignatureError, match="missing"):
        await kit.process_webhook(meta=unsigned, channel_id="messenger")
    assert len(await kit.store.list_events("r")) == 1  # nothing of the refused ones stored

    result = await kit.process_inbound(
        InboundMessage(channel_id="ws", sender_id="agent", content=TextContent(body="No!")),
        room_id="r",
    )
    assert result.event is not None
    [sent] = await kit.store.list_delivery_results("r", result.event.id)
    mid = sent.provider_message_id or ""
    delivered = messenger_fake.delivery(psid=PSID, mids=[mid])
    [status] = (await kit.process_webhook(meta=delivered, channel_id="messenger")).statuses
    assert (status.status, status.event_id) == ("delivered", result.event.id)
    again_ok = await kit.process_inbound(
        InboundMessage(channel_id="ws", sender_id="agent", content=TextContent(body="Sorry")),
        room_id="r",
    )
    [second] = await kit.store.list_delivery_results("r", again_ok.event.id)  # type: ignore[union-attr]
    old_client = messenger_fake.webhook(
        messenger_fake.event(PSID, delivery={"watermark": int(time.time() * 1000)})
    )
    [by_mark] = (await kit.process_webhook(meta=old_client, channel_id="messenger")).statuses
    assert (by_mark.message_id, by_mark.status) == (second.provider_message_id, "delivered")
    read = messenger_fake.read(psid=PSID)
    seen = (await kit.process_webhook(meta=read, channel_id="messenger")).statuses
    assert [(s.message_id, s.status) for s in seen] == [
        (mid, "read"),
        (second.provider_message_id, "read"),
    ]
    states = [r.state for r in await kit.store.list_delivery_results("r", result.event.id)]
    assert states == [DeliveryState.DELIVERED]
    await kit.close()


async def test_echoes_postbacks_and_quick_replies(messenger_fake: MessengerFake) -> None:
    kit, _ = await room(messenger_fake)
    echo = messenger_fake.webhook(
        messenger_fake.event(PSID, message={"mid": "m_echo", "text": "ours", "is_echo": True})
    )
    assert (await kit.process_webhook(meta=echo, channel_id="messenger")).results == []
    quick = messenger_fake.inbound_text(psid=PSID, text="Later", mid="m_q", quick_reply="LATER")
    event_q = (await kit.process_webhook(meta=quick, channel_id="messenger")).event
    assert event_q.metadata["quick_reply_payload"] == "LATER"
    pressed = messenger_fake.postback(psid=PSID, title="Morning", payload="SLOT_AM", mid="m_pb")
    event_p = (await kit.process_webhook(meta=pressed, channel_id="messenger")).event
    assert event_p.content == TextContent(body="Morning")
    assert event_p.metadata["postback_payload"] == "SLOT_AM"
    photo = messenger_fake.inbound_media(
        psid=PSID, mid="m_ph", kind="image", url="https://scontent.example.com/a.png?x=1"
    )
    event_m = (await kit.process_webhook(meta=photo, channel_id="messenger")).event
    assert event_m.content == MediaContent(
        url="https://scontent.example.com/a.png?x=1", mime_type="image/png"
    )
    await kit.close()


async def test_subscription_check(messenger_fake: MessengerFake) -> None:
    provider = provider_for(messenger_fake)
    check = messenger_fake.subscription_check(challenge="CHALLENGE_ACCEPTED")
    assert provider.verify_subscription(check) == "CHALLENGE_ACCEPTED"
    with pytest.raises(WebhookSignatureError, match="verify_token"):
        provider.verify_subscription(messenger_fake.subscription_check(verify_token="wrong"))
    kit, _ = await room(messenger_fake)
    with pytest.raises(WebhookSignatureError, match="subscription check"):
        await kit.process_webhook(meta=check, channel_id="messenger")
    await kit.close()
    await provider.close()


def test_parse_messenger_webhook() -> None:
    payload = {
        "object": "page",
        "entry": [
            {
                "id": "1",
                "time": 1,
                "messaging": [
                    {
                        "sender": {"id": "42"},
                        "recipient": {"id": "1"},
                        "timestamp": 1,
                        "message": {
                            "mid": "m_a",
                            "text": "look",
                            "attachments": [
                                {"type": "video", "payload": {"url": "https://v.example.com/c.mp4"}}
                            ],
                        },
                    },
                    {
                        "sender": {"id": "43"},
                        "recipient": {"id": "1"},
                        "timestamp": 2,
                        "message": {"mid": "m_b", "text": "hi"},
                    },
                ],
            }
        ],
    }
    first, second = parse_messenger_webhook(payload)
    assert first.channel_id == "messenger" and first.sender_id == "42"
    assert isinstance(first.content, CompositeContent)
    assert (second.sender_id, second.content) == ("43", TextContent(body="hi"))
    with pytest.raises(WebhookPayloadError, match="object"):
        parse_messenger_webhook({"object": "instagram", "entry": []})


async def test_through_roomkit_serve(messenger_fake: MessengerFake) -> None:
    import httpx

    from roomkit_server import ServerConfig, create_app, serving

    kit, _ = await room(messenger_fake)
    app = create_app(kit, ServerConfig(api_key="k" * 32))
    async with serving(app) as url, httpx.AsyncClient(base_url=url, timeout=30) as http:
        check = messenger_fake.subscription_check(challenge="42")
        query = check["url"].split("?", 1)[1]
        answer = await http.get(f"/webhooks/messenger?{query}")
        assert (answer.status_code, answer.text) == (200, "42")
        wrong = messenger_fake.subscription_check(verify_token="nope")
        assert (await http.get(f"/webhooks/messenger?{wrong['url'].split('?', 1)[1]}")).is_error
        request = messenger_fake.inbound_text(psid=PSID, text="via the server", mid="m_srv")
        posted = await http.post(
            "/webhooks/messenger", content=request["body"], headers=request["headers"]
        )
        assert posted.status_code == 200, posted.text
        forged = dict(request["headers"], **{"X-Hub-Signature-256": "sha256=00"})
        refused = await http.post("/webhooks/messenger", content=request["body"], headers=forged)
        assert refused.status_code == 403
    [stored] = await kit.store.list_events("r")
    assert stored.content == TextContent(body="via the server")
    await kit.close()


def test_read_watermark_covers_only_earlier_sends() -> None:
    from roomkit_messenger.webhooks import SentLog

    log = SentLog(lambda: 0, per=3)
    for mid, at in (("m1", 100), ("m2", 200), ("m3", 300)):
        log.record(PSID, mid, at)
    assert log.read_up_to(PSID, 250) == ["m1", "m2"]
    assert log.read_up_to(PSID, 250) == []  # each is reported read once
    assert log.read_up_to("someone-else", 10_000) == []
    for mid, at in (("m4", 400), ("m5", 500), ("m6", 600)):
        log.record(PSID, mid, at)
    assert log.read_up_to(PSID, 10_000) == ["m4", "m5", "m6"]  # bounded per person: m3 dropped
    assert log.up_to("delivered", PSID, 450) == ["m4"]  # m1..m3 dropped, bounded per person


def test_shared_links_and_unreadable_messages() -> None:
    def page(message: dict[str, object]) -> dict[str, object]:
        event = {"sender": {"id": "42"}, "recipient": {"id": "1"}, "message": message}
        return {"object": "page", "entry": [{"id": "1", "messaging": [event]}]}

    fallback = {"type": "fallback", "payload": {"url": "https://x.io/a", "title": "Read this"}}
    [shared] = parse_messenger_webhook(page({"mid": "m_f", "attachments": [fallback]}))
    assert shared.content == TextContent(body="Read this https://x.io/a")
    template = {"type": "template", "payload": {"template_type": "generic"}}
    with pytest.raises(WebhookPayloadError, match="neither text nor media"):
        parse_messenger_webhook(page({"mid": "m_t", "attachments": [template]}))
