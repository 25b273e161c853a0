"""Vendor webhooks over real HTTP: signed ones reach the room, forged ones store nothing."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import httpx

from roomkit_server import ServerConfig, create_app, serving

from .conftest import (
    TOKEN,
    TWILIO_AUTH_TOKEN,
    WebhookKit,
    build_kit,
    meta_signature,
    twilio_signature,
)


def _form(room_id: str, body: str, sid: str) -> dict[str, str]:
    return {"From": "+15551230000", "Body": body, "MessageSid": sid, "RoomId": room_id}


async def _post_signed(
    base_url: str, path: str, params: dict[str, str], *, secret: str = TWILIO_AUTH_TOKEN
) -> httpx.Response:
    url = base_url + path
    signature = twilio_signature(url, params, secret)
    async with httpx.AsyncClient() as http:
        return await http.post(
            url,
            content=urlencode(params).encode(),
            headers={
                "X-Twilio-Signature": signature,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )


async def test_a_signed_webhook_reaches_the_room(
    base_url: str, client: httpx.AsyncClient, kit: WebhookKit
) -> None:
    await client.post("/api/rooms", json={"room_id": "sms-room"})
    await client.post("/api/rooms/sms-room/bindings", json={"channel_id": "sms"})
    await client.post("/api/rooms/sms-room/bindings", json={"channel_id": "assistant"})
    answer = await _post_signed(base_url, "/webhooks/sms", _form("sms-room", "hi there", "SM1"))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/xml")
    assert "<Response>" in answer.text
    meta = kit.received[-1]
    assert meta["method"] == "POST"
    assert meta["url"] == base_url + "/webhooks/sms"
    assert meta["body"] == urlencode(_form("sms-room", "hi there", "SM1")).encode()
    timeline = (await client.get("/api/rooms/sms-room/events")).json()["events"]
    assert [e["content"]["body"] for e in timeline] == ["hi there", "Hi from AI"]
    assert timeline[0]["provider_message_id"] == "SM1"
    again = await _post_signed(base_url, "/webhooks/sms", _form("sms-room", "hi there", "SM1"))
    assert again.status_code == 200
    assert (await client.get("/api/rooms/sms-room/events")).json()["total"] == 2


async def test_a_forged_webhook_gets_403_and_stores_nothing(
    base_url: str, client: httpx.AsyncClient
) -> None:
    await client.post("/api/rooms", json={"room_id": "sms-room"})
    await client.post("/api/rooms/sms-room/bindings", json={"channel_id": "sms"})
    forged = await _post_signed(
        base_url, "/webhooks/sms", _form("sms-room", "pay me", "SM2"), secret="guessed"
    )
    assert forged.status_code == 403
    assert "X-Twilio-Signature does not match" in forged.json()["error"]["message"]
    unsigned = await httpx.AsyncClient().post(base_url + "/webhooks/sms", content=b"Body=x")
    assert unsigned.status_code == 403
    assert (await client.get("/api/rooms/sms-room/events")).json()["total"] == 0
    unknown = await _post_signed(base_url, "/webhooks/nope", _form("sms-room", "x", "SM3"))
    assert unknown.status_code == 404


async def test_delivery_status_webhooks_are_recorded(
    base_url: str, client: httpx.AsyncClient, kit: WebhookKit
) -> None:
    params = {"MessageSid": "SM9", "MessageStatus": "delivered"}
    answer = await _post_signed(base_url, "/webhooks/sms/status", params)
    assert answer.status_code == 200, answer.text
    assert [s.status for s in await kit.store.list_delivery_statuses("SM9")] == ["delivered"]
    relayed = await client.post(
        "/api/delivery-status",
        json={"provider": "relay", "message_id": "SM10", "status": "failed"},
    )
    assert relayed.status_code == 202
    assert [s.status for s in await kit.store.list_delivery_statuses("SM10")] == ["failed"]


async def test_meta_verification_handshake(base_url: str) -> None:
    async with httpx.AsyncClient(base_url=base_url) as http:
        query = {"hub.mode": "subscribe", "hub.verify_token": "meta-verify", "hub.challenge": "42"}
        answer = await http.get("/webhooks/sms", params=query)
        assert (answer.status_code, answer.text) == (200, "42")
        wrong = await http.get("/webhooks/sms", params={**query, "hub.verify_token": "guess"})
        assert wrong.status_code == 403
        unconfigured = await http.get("/webhooks/ws", params=query)
        assert unconfigured.status_code == 403
        plain_get = await http.get("/webhooks/sms")
        assert plain_get.status_code == 405


async def test_the_signed_url_is_the_public_one_behind_a_proxy() -> None:
    kit = build_kit()
    config = ServerConfig(api_key=TOKEN, public_url="https://chat.example.com")
    async with serving(create_app(kit, config)) as base_url:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        async with httpx.AsyncClient(base_url=base_url, headers=auth) as client:
            await client.post("/api/rooms", json={"room_id": "p"})
            await client.post("/api/rooms/p/bindings", json={"channel_id": "sms"})
        params = _form("p", "via proxy", "SM7")
        signature = twilio_signature(
            "https://chat.example.com/webhooks/sms", params, TWILIO_AUTH_TOKEN
        )
        async with httpx.AsyncClient() as http:
            answer = await http.post(
                base_url + "/webhooks/sms",
                content=urlencode(params).encode(),
                headers={"X-Twilio-Signature": signature},
            )
        assert answer.status_code == 200, answer.text
        assert kit.received[-1]["url"] == "https://chat.example.com/webhooks/sms"


async def test_a_channel_without_webhooks_gets_a_readable_error(client: httpx.AsyncClient) -> None:
    from roomkit import RoomKit, WebSocketChannel

    plain = RoomKit()
    plain.register_channel(WebSocketChannel("ws"))
    async with serving(create_app(plain, ServerConfig(api_key=TOKEN))) as base_url:
        async with httpx.AsyncClient() as http:
            answer = await http.post(base_url + "/webhooks/ws", content=b"{}")
    assert answer.status_code == 404
    assert "no webhook parser" in answer.json()["error"]["message"]


def _whatsapp_payload(room_id: str, text: str, message_id: str) -> bytes:
    message = {"from": "15551234567", "id": message_id, "type": "text", "text": {"body": text}}
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"room_id": room_id},
        "messages": [message],
    }
    payload = {"object": "whatsapp_business_account", "entry": [{"changes": [{"value": value}]}]}
    return json.dumps(payload).encode()


async def test_meta_signed_webhooks_reach_the_room_and_forged_ones_do_not(
    base_url: str, client: httpx.AsyncClient
) -> None:
    await client.post("/api/rooms", json={"room_id": "wa-room"})
    await client.post("/api/rooms/wa-room/bindings", json={"channel_id": "wa"})
    await client.post("/api/rooms/wa-room/bindings", json={"channel_id": "assistant"})
    body = _whatsapp_payload("wa-room", "hola", "wamid.1")
    async with httpx.AsyncClient(base_url=base_url) as vendor:
        signed = await vendor.post(
            "/webhooks/wa",
            content=body,
            headers={
                "X-Hub-Signature-256": meta_signature(body),
                "Content-Type": "application/json",
            },
        )
        assert signed.status_code == 200, signed.text
        assert signed.json()["result"][0]["event"]["content"]["body"] == "hola"
        forged_body = _whatsapp_payload("wa-room", "transfer the money", "wamid.2")
        forged = await vendor.post(
            "/webhooks/wa",
            content=forged_body,
            headers={"X-Hub-Signature-256": meta_signature(body)},  # a signature of other bytes
        )
        assert forged.status_code == 403
    events = (await client.get("/api/rooms/wa-room/events")).json()["events"]
    assert [e["content"]["body"] for e in events] == ["hola", "Hi from AI"]
