"""kit.process_webhook: authenticate on raw bytes, parse, pipeline; statuses tied to sends."""

from __future__ import annotations

import json
from typing import Any

import pytest

from roomkit import (
    DeliveryStatus,
    HookTrigger,
    RoomContext,
    RoomEvent,
    RoomKit,
    SMSChannel,
    TextContent,
    WebhookPayloadError,
    WebhookRequestError,
    WebhookSignatureError,
    WebSocketChannel,
)
from roomkit.domain.enums import DeliveryState
from roomkit.domain.errors import NoWebhookParserError
from roomkit.plugins.builtin.signed_json_webhook import sign_json_webhook
from roomkit.providers.sms.mock import MockSMSProvider

SECRET = "s3cret"
URL = "https://example.com/webhooks/sms"


def signed(payload: dict[str, Any] | bytes, secret: str = SECRET) -> dict[str, Any]:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", **sign_json_webhook(secret, body)}
    return {"method": "POST", "url": URL, "headers": headers, "body": body}


def message(mid: str = "m-1", text: str = "hello") -> dict[str, Any]:
    return {"type": "message", "id": mid, "from": "+15550001111", "text": text}


async def kit_with_sms() -> tuple[RoomKit, MockSMSProvider]:
    kit = RoomKit()
    provider = MockSMSProvider(webhook_secret=SECRET)
    kit.register_channel(SMSChannel("sms", provider=provider))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "sms")
    return kit, provider


async def test_signed_webhook_reaches_the_pipeline_and_is_stored_once() -> None:
    kit, _ = await kit_with_sms()
    first = await kit.process_webhook(meta=signed(message()), channel_id="sms")
    assert first.event is not None and first.event.content == TextContent(body="hello")
    assert first.event.provider_message_id == "m-1"
    again = await kit.process_webhook(meta=signed(message()), channel_id="sms")
    assert again.result is not None and again.result.duplicate
    room_id = first.event.room_id
    assert [e.content.body for e in await kit.get_timeline(room_id)] == ["hello"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda m: {**m, "body": m["body"].replace(b"hello", b"HELLO")},
        lambda m: signed(json.loads(m["body"]), secret="wrong-key"),
        lambda m: {**m, "headers": {"Content-Type": "application/json"}},
        lambda m: {
            **m,
            "headers": {
                **m["headers"],
                **sign_json_webhook(SECRET, m["body"], timestamp=1_000_000_000),
            },
        },
    ],
    ids=["tampered-body", "wrong-key", "unsigned", "stale-timestamp"],
)
async def test_rejected_webhooks_raise_and_store_nothing(tamper: Any) -> None:
    kit, _ = await kit_with_sms()
    with pytest.raises(WebhookSignatureError, match="webhook rejected"):
        await kit.process_webhook(meta=tamper(signed(message())), channel_id="sms")
    assert await kit.get_timeline("r") == []


async def test_malformed_payload_names_the_field_and_stores_nothing() -> None:
    kit, _ = await kit_with_sms()
    with pytest.raises(WebhookPayloadError, match="'from' is missing"):
        await kit.process_webhook(
            meta=signed({"type": "message", "id": "x", "text": "t"}), channel_id="sms"
        )
    with pytest.raises(WebhookPayloadError, match="not JSON"):
        await kit.process_webhook(meta=signed(b"{truncated"), channel_id="sms")
    assert await kit.get_timeline("r") == []


@pytest.mark.parametrize(
    ("meta", "problem"),
    [
        ("not a mapping", "must be a mapping"),
        ({"headers": {}, "body": b""}, "needs 'url'"),
        ({"url": URL, "body": 12}, "'body' must be the raw bytes or str"),
        ({"url": URL, "payload": b""}, "unknown keys"),
    ],
)
async def test_meta_of_the_wrong_shape_is_refused(meta: Any, problem: str) -> None:
    kit, _ = await kit_with_sms()
    with pytest.raises(WebhookRequestError, match=problem):
        await kit.process_webhook(meta=meta, channel_id="sms")


async def test_channel_without_a_parser_is_named() -> None:
    kit = RoomKit()
    kit.register_channel(WebSocketChannel("ws"))
    with pytest.raises(NoWebhookParserError, match="'ws' has no webhook parser"):
        await kit.process_webhook(meta=signed(message()), channel_id="ws")


async def test_failed_status_callback_is_recorded_like_a_failed_send() -> None:
    kit, provider = await kit_with_sms()
    kit.register_channel(WebSocketChannel("ws"))
    await kit.attach_channel("r", "ws")
    await kit.update_binding_metadata("r", "sms", {"to": "+15550002222"})
    errors: list[RoomEvent] = []
    statuses: list[DeliveryStatus] = []

    @kit.hook(HookTrigger.ON_ERROR)
    async def on_error(event: RoomEvent, ctx: RoomContext) -> None:
        errors.append(event)

    @kit.on_delivery_status
    async def track(status: DeliveryStatus) -> None:
        statuses.append(status)

    from roomkit import InboundMessage

    result = await kit.process_inbound(
        InboundMessage(channel_id="ws", sender_id="agent", content=TextContent(body="hi")),
        room_id="r",
    )
    assert result.event is not None
    [sent] = provider.sent
    [recorded] = await kit.store.list_delivery_results("r", result.event.id)
    assert recorded.state is DeliveryState.DELIVERED
    assert recorded.provider_message_id == sent.provider_message_id

    report = {
        "type": "status",
        "message_id": sent.provider_message_id,
        "status": "failed",
        "error": "unreachable handset",
    }
    outcome = await kit.process_webhook(meta=signed(report), channel_id="sms")
    [status] = outcome.statuses
    assert (status.room_id, status.event_id, status.channel_id) == ("r", result.event.id, "sms")
    assert statuses == [status]
    failures = [
        r
        for r in await kit.store.list_delivery_results("r", result.event.id)
        if r.state is DeliveryState.FAILED
    ]
    assert len(failures) == 1 and "unreachable handset" in (failures[0].error or "")
    assert len(errors) == 1 and errors[0].content.data["channel_id"] == "sms"  # type: ignore[union-attr]
    assert await kit.store.list_delivery_statuses(sent.provider_message_id) == [status]


async def test_delivered_status_is_stored_without_an_error() -> None:
    kit, _ = await kit_with_sms()
    report = {"type": "status", "message_id": "unknown-id", "status": "delivered"}
    outcome = await kit.process_webhook(meta=signed(report), channel_id="sms")
    assert outcome.statuses[0].room_id is None
    assert await kit.store.list_delivery_statuses("unknown-id") == outcome.statuses


async def test_a_parser_that_fails_while_checking_is_a_rejection() -> None:
    class Broken(MockSMSProvider):
        def authenticate(self, request):  # type: ignore[no-untyped-def]
            raise KeyError("x-missing-header")

    kit = RoomKit()
    kit.register_channel(SMSChannel("sms", provider=Broken(webhook_secret=SECRET)))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "sms")
    with pytest.raises(WebhookSignatureError, match="could not check the signature"):
        await kit.process_webhook(meta=signed(message()), channel_id="sms")
    assert await kit.get_timeline("r") == []
