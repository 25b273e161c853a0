"""Telnyx providers over httpx against the loopback Telnyx fake; Ed25519-signed webhooks."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import AsyncIterator, Callable

import pytest
import pytest_asyncio
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from roomkit import (
    InboundMessage,
    MediaContent,
    RoomKit,
    TextContent,
    WebhookSignatureError,
    WebSocketChannel,
)
from roomkit.domain.channel import RetryPolicy
from roomkit.domain.content import CompositeContent, RichContent
from roomkit.domain.enums import DeliveryState
from roomkit.domain.webhook import WebhookRequest
from roomkit.providers.telnyx.config import TelnyxConfig, TelnyxRCSConfig
from roomkit.providers.telnyx.rcs import TelnyxRCSProvider
from roomkit.providers.telnyx.sms import TelnyxSMSProvider, parse_telnyx_webhook
from roomkit.transports import RCSChannel, SMSChannel
from roomkit_contracts import (
    MessageProviderContract,
    MessageProviderScenario,
    Received,
    WebhookParserContract,
    WebhookScenario,
)
from roomkit_fakes.telnyx import TelnyxFake

FAST = RetryPolicy(max_retries=2, base_delay_seconds=0, max_delay_seconds=0)
CUSTOMER = "+14165550123"
OUR_NUMBER = "+14165550100"


def sms_provider(fake: TelnyxFake) -> TelnyxSMSProvider:
    return TelnyxSMSProvider(
        TelnyxConfig(
            api_key=fake.token,
            from_number=OUR_NUMBER,
            public_key=fake.public_key,
            base_url=fake.base_url,
            retry=FAST,
        )
    )


def rcs_provider(fake: TelnyxFake) -> TelnyxRCSProvider:
    return TelnyxRCSProvider(
        TelnyxRCSConfig(
            api_key=fake.token,
            agent_id="brand_agent",
            public_key=fake.public_key,
            base_url=fake.base_url,
            retry=FAST,
        )
    )


class TestTelnyxSMSContract(MessageProviderContract):
    @pytest_asyncio.fixture
    async def message_provider_scenario(
        self, telnyx_fake: TelnyxFake
    ) -> AsyncIterator[MessageProviderScenario]:
        provider = sms_provider(telnyx_fake)
        yield MessageProviderScenario(
            provider=provider,
            recipient=CUSTOMER,
            received=lambda: [Received(m.to, m.text) for m in telnyx_fake.messages],
            refuse=lambda on: telnyx_fake.refuse_all(422 if on else None),
            throttle_once=lambda: telnyx_fake.throttle_next("0"),
        )
        await provider.close()


class TestTelnyxRCSContract(MessageProviderContract):
    @pytest_asyncio.fixture
    async def message_provider_scenario(
        self, telnyx_fake: TelnyxFake
    ) -> AsyncIterator[MessageProviderScenario]:
        provider = rcs_provider(telnyx_fake)
        yield MessageProviderScenario(
            provider=provider,
            recipient=CUSTOMER,
            received=lambda: [Received(m.to, m.text) for m in telnyx_fake.messages],
            refuse=lambda on: telnyx_fake.refuse_all(422 if on else None),
            throttle_once=lambda: telnyx_fake.throttle_next("1"),
        )
        await provider.close()


KEY = Ed25519PrivateKey.generate()
OTHER_KEY = Ed25519PrivateKey.generate()


def public_of(key: Ed25519PrivateKey) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return base64.b64encode(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def signer(key: Ed25519PrivateKey, age: int = 0) -> Callable[[WebhookRequest], WebhookRequest]:
    def sign(r: WebhookRequest) -> WebhookRequest:
        stamp = str(int(time.time()) - age)
        signature = base64.b64encode(key.sign(stamp.encode() + b"|" + r.body)).decode()
        headers = {**r.headers, "telnyx-signature-ed25519": signature, "telnyx-timestamp": stamp}
        return r.model_copy(update={"headers": headers})

    return sign


def event_request(event_type: str, payload: dict[str, object]) -> WebhookRequest:
    return WebhookRequest(
        url="https://app.example.com/webhooks/telnyx",
        headers={"content-type": "application/json"},
        body=json.dumps(TelnyxFake.event(event_type, payload)).encode(),
    )


class TestTelnyxWebhooks(WebhookParserContract):
    @pytest.fixture
    def webhook_scenario(self) -> WebhookScenario:
        provider = TelnyxSMSProvider(
            TelnyxConfig(api_key="k", from_number=OUR_NUMBER, public_key=public_of(KEY))
        )
        to = [{"phone_number": OUR_NUMBER}]
        return WebhookScenario(
            parser=provider,
            inbound=event_request(
                "message.received",
                {
                    "id": "tx-1",
                    "from": {"phone_number": CUSTOMER},
                    "to": to,
                    "text": "contracthello",
                },
            ),
            sender_id=CUSTOMER,
            text="contracthello",
            provider_message_id="tx-1",
            sign=signer(KEY),
            sign_with_wrong_key=signer(OTHER_KEY),
            sign_stale=signer(KEY, age=3600),
            malformed=event_request("message.received", {"id": "tx-2", "text": "who"}),
            status_report=event_request(
                "message.finalized",
                {
                    "id": "tx-9",
                    "to": [{"phone_number": CUSTOMER, "status": "delivery_failed"}],
                    "errors": [{"code": "40008", "title": "Undeliverable"}],
                },
            ),
            status_message_id="tx-9",
        )


def event(content: object) -> object:
    return MessageProviderContract.event("x").model_copy(update={"content": content})


async def test_mms_and_long_text(telnyx_fake: TelnyxFake) -> None:
    provider = sms_provider(telnyx_fake)
    content = CompositeContent(
        parts=[
            TextContent(body="see photo"),
            MediaContent(url="https://cdn.example.com/a.jpg", mime_type="image/jpeg"),
        ]
    )
    assert (await provider.send(event(content), to=CUSTOMER)).success  # type: ignore[arg-type]
    body = telnyx_fake.raw[0].json()
    assert body == {
        "to": CUSTOMER,
        "from": OUR_NUMBER,
        "text": "see photo",
        "media_urls": ["https://cdn.example.com/a.jpg"],
        "type": "MMS",
    }
    assert telnyx_fake.raw[0].headers["authorization"] == f"Bearer {telnyx_fake.token}"
    long_text = "x" * 2500
    result = await provider.send(event(TextContent(body=long_text)), to=CUSTOMER)  # type: ignore[arg-type]
    assert result.success and len(result.metadata["provider_message_ids"]) == 2
    assert "".join(m.text for m in telnyx_fake.messages[1:]) == long_text
    await provider.close()


async def test_refusal_names_telnyx_error(telnyx_fake: TelnyxFake) -> None:
    provider = sms_provider(telnyx_fake)
    result = await provider.send(event(TextContent(body="hi")), to="12345")  # type: ignore[arg-type]
    assert not result.success and "40310" in (result.error or "")
    await provider.close()


async def test_rcs_rich_card_and_suggestions(telnyx_fake: TelnyxFake) -> None:
    provider = rcs_provider(telnyx_fake)
    rich = RichContent(
        body="Pick a slot",
        cards=[{"title": "Tuesday", "description": "10:30", "image_url": "https://x/t.png"}],
        quick_replies=["Yes", "No"],
        buttons=[{"text": "Details", "url": "https://example.com/slot"}],
    )
    assert (await provider.send(event(rich), to=CUSTOMER)).success  # type: ignore[arg-type]
    body = telnyx_fake.raw[0].json()
    assert body["agent_id"] == "brand_agent" and body["to"] == CUSTOMER
    message = body["agent_message"]["content_message"]
    card = message["rich_card"]["standalone_card"]["card_content"]
    assert (
        card["title"] == "Tuesday"
        and card["media"]["content_info"]["file_url"] == "https://x/t.png"
    )
    assert message["suggestions"] == [
        {"reply": {"text": "Yes", "postback_data": "Yes"}},
        {"reply": {"text": "No", "postback_data": "No"}},
        {
            "action": {
                "text": "Details",
                "postback_data": "Details",
                "open_url_action": {"url": "https://example.com/slot"},
            }
        },
    ]
    await provider.close()


async def test_webhooks_through_the_kit(telnyx_fake: TelnyxFake) -> None:
    kit = RoomKit()
    kit.register_channel(WebSocketChannel("ws"))
    kit.register_channel(SMSChannel("sms-telnyx", provider=sms_provider(telnyx_fake)))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    await kit.attach_channel("r", "sms-telnyx")
    meta = telnyx_fake.inbound_sms(
        sender=CUSTOMER,
        to=OUR_NUMBER,
        text="hello",
        message_id="in-1",
        media=[("https://media.telnyx.com/1.jpg", "image/jpeg")],
    )
    outcome = await kit.process_webhook(meta=meta, channel_id="sms-telnyx")
    assert outcome.event is not None and outcome.event.content == CompositeContent(
        parts=[
            TextContent(body="hello"),
            MediaContent(url="https://media.telnyx.com/1.jpg", mime_type="image/jpeg"),
        ]
    )
    assert (await kit.process_webhook(meta=meta, channel_id="sms-telnyx")).result.duplicate  # type: ignore[union-attr]

    stale = telnyx_fake.webhook(
        TelnyxFake.event(
            "message.received", {"id": "in-2", "from": {"phone_number": CUSTOMER}, "text": "old"}
        ),
        timestamp=int(time.time()) - 3600,
    )
    with pytest.raises(WebhookSignatureError, match="tolerance"):
        await kit.process_webhook(meta=stale, channel_id="sms-telnyx")
    assert len(await kit.get_timeline("r")) == 1

    result = await kit.process_inbound(
        InboundMessage(channel_id="ws", sender_id="agent", content=TextContent(body="ok")),
        room_id="r",
    )
    assert result.event is not None
    [sent] = await kit.store.list_delivery_results("r", result.event.id)
    report = telnyx_fake.delivery_report(
        message_id=sent.provider_message_id or "", to=CUSTOMER, status="delivered"
    )
    [status] = (await kit.process_webhook(meta=report, channel_id="sms-telnyx")).statuses
    assert (status.status, status.event_id) == ("delivered", result.event.id)
    states = [r.state for r in await kit.store.list_delivery_results("r", result.event.id)]
    assert states == [DeliveryState.DELIVERED]
    await kit.close()


async def test_rcs_suggestion_reply_is_a_message(telnyx_fake: TelnyxFake) -> None:
    kit = RoomKit()
    kit.register_channel(RCSChannel("rcs", provider=rcs_provider(telnyx_fake)))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "rcs")
    meta = telnyx_fake.webhook(
        TelnyxFake.event(
            "message.received",
            {
                "id": "rcs-1",
                "from": {"phone_number": CUSTOMER},
                "suggestion_response": {"text": "Yes", "postback_data": "slot-tue"},
            },
        )
    )
    outcome = await kit.process_webhook(meta=meta, channel_id="rcs")
    assert outcome.event is not None and outcome.event.content == TextContent(body="Yes")
    assert outcome.event.metadata.get("postback_data") in (None, "slot-tue")
    await kit.close()


def test_parse_telnyx_webhook_and_config() -> None:
    data = TelnyxFake.event(
        "message.received", {"id": "m1", "from": {"phone_number": CUSTOMER}, "text": "hi"}
    )
    assert parse_telnyx_webhook(data).sender_id == CUSTOMER
    with pytest.raises(ValueError, match="from_number or messaging_profile_id"):
        TelnyxConfig(api_key="k")
    with pytest.raises(ValueError, match="not a base64 Ed25519 key"):
        TelnyxSMSProvider(TelnyxConfig(api_key="k", from_number=OUR_NUMBER, public_key="nope"))
    assert "SECRETKEY" not in repr(TelnyxConfig(api_key="SECRETKEY", from_number=OUR_NUMBER))
