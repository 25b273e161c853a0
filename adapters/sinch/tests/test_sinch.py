"""Sinch SMS over httpx against the loopback Sinch fake; HMAC-signed callbacks."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import AsyncIterator, Callable

import pytest
import pytest_asyncio

from roomkit import (
    InboundMessage,
    MediaContent,
    RoomKit,
    TextContent,
    WebhookSignatureError,
    WebSocketChannel,
)
from roomkit.domain.channel import RetryPolicy
from roomkit.domain.content import CompositeContent
from roomkit.domain.enums import DeliveryState
from roomkit.domain.webhook import WebhookRequest
from roomkit.providers.sinch.config import SinchConfig
from roomkit.providers.sinch.sms import SinchSMSProvider, parse_sinch_webhook
from roomkit.transports import SMSChannel
from roomkit_contracts import (
    MessageProviderContract,
    MessageProviderScenario,
    Received,
    WebhookParserContract,
    WebhookScenario,
)
from roomkit_fakes.sinch import SinchFake
from roomkit_sinch import sinch_signature

FAST = RetryPolicy(max_retries=2, base_delay_seconds=0, max_delay_seconds=0)
CUSTOMER = "+33612345678"


def provider_for(fake: SinchFake) -> SinchSMSProvider:
    return SinchSMSProvider(
        SinchConfig(
            service_plan_id=fake.service_plan_id,
            api_token=fake.token,
            from_number="+33700000000",
            base_url=fake.base_url,
            webhook_secret=fake.secret,
            callback_url="https://app.example.com/webhooks/sinch",
            retry=FAST,
        )
    )


class TestSinchContract(MessageProviderContract):
    @pytest_asyncio.fixture
    async def message_provider_scenario(
        self, sinch_fake: SinchFake
    ) -> AsyncIterator[MessageProviderScenario]:
        provider = provider_for(sinch_fake)
        yield MessageProviderScenario(
            provider=provider,
            recipient=CUSTOMER,
            received=lambda: [Received(m.to, m.text) for m in sinch_fake.messages],
            refuse=lambda on: sinch_fake.refuse_all(400 if on else None),
            throttle_once=lambda: sinch_fake.throttle_next("0"),
        )
        await provider.close()


def signer(secret: str, age: int = 0) -> Callable[[WebhookRequest], WebhookRequest]:
    def sign(r: WebhookRequest) -> WebhookRequest:
        nonce, stamp = secrets.token_hex(4), str(int(time.time()) - age)
        headers = {
            **r.headers,
            "x-sinch-webhook-signature": sinch_signature(secret, r.body, nonce, stamp),
            "x-sinch-webhook-signature-nonce": nonce,
            "x-sinch-webhook-signature-timestamp": stamp,
            "x-sinch-webhook-signature-algorithm": "HmacSHA256",
        }
        return r.model_copy(update={"headers": headers})

    return sign


def json_request(payload: dict[str, object]) -> WebhookRequest:
    return WebhookRequest(
        url="https://app.example.com/webhooks/sinch",
        headers={"content-type": "application/json"},
        body=json.dumps(payload).encode(),
    )


class TestSinchWebhooks(WebhookParserContract):
    @pytest.fixture
    def webhook_scenario(self) -> WebhookScenario:
        provider = SinchSMSProvider(
            SinchConfig(service_plan_id="p", api_token="t", from_number="+1", webhook_secret="hmac")
        )
        return WebhookScenario(
            parser=provider,
            inbound=json_request(
                {
                    "type": "mo_text",
                    "id": "01F",
                    "from": CUSTOMER.lstrip("+"),
                    "to": "33700000000",
                    "body": "contracthello",
                }
            ),
            sender_id=CUSTOMER,
            text="contracthello",
            provider_message_id="01F",
            sign=signer("hmac"),
            sign_with_wrong_key=signer("not-hmac"),
            sign_stale=signer("hmac", age=3600),
            malformed=json_request({"type": "mo_text", "id": "01G", "body": "no sender"}),
            status_report=json_request(
                {
                    "type": "recipient_delivery_report_sms",
                    "batch_id": "B1",
                    "recipient": CUSTOMER,
                    "code": 0,
                    "status": "Delivered",
                }
            ),
            status_message_id="B1",
        )


def event(content: object) -> object:
    return MessageProviderContract.event("x").model_copy(update={"content": content})


async def test_batches_carry_callbacks_media_and_split_text(sinch_fake: SinchFake) -> None:
    provider = provider_for(sinch_fake)
    content = CompositeContent(
        parts=[
            TextContent(body="photo"),
            MediaContent(url="https://cdn.example.com/p.jpg", mime_type="image/jpeg"),
        ]
    )
    assert (await provider.send(event(content), to=CUSTOMER)).success  # type: ignore[arg-type]
    batch = sinch_fake.raw[0].json()
    assert sinch_fake.raw[0].path == "/xms/v1/plan-1/batches"
    assert batch == {
        "from": "+33700000000",
        "to": [CUSTOMER],
        "callback_url": "https://app.example.com/webhooks/sinch",
        "delivery_report": "per_recipient",
        "type": "mt_media",
        "body": {"url": "https://cdn.example.com/p.jpg", "message": "photo"},
    }
    result = await provider.send(event(TextContent(body="y" * 4500)), to=CUSTOMER)  # type: ignore[arg-type]
    assert result.success and len(result.metadata["provider_message_ids"]) == 3
    await provider.close()


async def test_callbacks_through_the_kit(sinch_fake: SinchFake) -> None:
    kit = RoomKit()
    kit.register_channel(WebSocketChannel("ws"))
    kit.register_channel(SMSChannel("sms-sinch", provider=provider_for(sinch_fake)))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    await kit.attach_channel("r", "sms-sinch")
    meta = sinch_fake.inbound_sms(
        sender=CUSTOMER, to="+33700000000", text="Bonjour", message_id="m1"
    )
    outcome = await kit.process_webhook(meta=meta, channel_id="sms-sinch")
    assert outcome.event is not None and outcome.event.source.external_id == CUSTOMER
    forged = sinch_fake.callback(
        {"type": "mo_text", "id": "m2", "from": "1", "body": "x"}, secret="guess"
    )
    with pytest.raises(WebhookSignatureError, match="does not match"):
        await kit.process_webhook(meta=forged, channel_id="sms-sinch")
    result = await kit.process_inbound(
        InboundMessage(channel_id="ws", sender_id="agent", content=TextContent(body="Salut")),
        room_id="r",
    )
    assert result.event is not None
    [sent] = await kit.store.list_delivery_results("r", result.event.id)
    report = sinch_fake.delivery_report(
        batch_id=sent.provider_message_id or "", recipient=CUSTOMER, status="Failed", code=402
    )
    [status] = (await kit.process_webhook(meta=report, channel_id="sms-sinch")).statuses
    assert (status.status, status.error_code) == ("failed", "402")
    states = [r.state for r in await kit.store.list_delivery_results("r", result.event.id)]
    assert states == [DeliveryState.DELIVERED, DeliveryState.FAILED]
    await kit.close()


def test_parse_sinch_webhook() -> None:
    message = parse_sinch_webhook(
        {
            "type": "mo_media",
            "id": "m",
            "from": "15550001",
            "body": {"url": "https://x/1.png", "message": "look", "mime_type": "image/png"},
        }
    )
    assert message.sender_id == "+15550001"
    assert message.content == CompositeContent(
        parts=[TextContent(body="look"), MediaContent(url="https://x/1.png", mime_type="image/png")]
    )
