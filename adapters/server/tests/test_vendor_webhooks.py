"""Real vendor webhooks through the server: Twilio's provider (roomkit-twilio) checks the
signature the Twilio fake made with Twilio's algorithm, on the URL and raw body the server
handed over; the reply leaves through Twilio's Messages API (the fake) by SMS."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
import websockets

from roomkit import RoomKit, SMSChannel, WebSocketChannel
from roomkit.providers.twilio.config import TwilioConfig
from roomkit.providers.twilio.sms import TwilioSMSProvider
from roomkit_fakes import TwilioFake
from roomkit_server import ServerConfig, create_app, serving

from .conftest import TOKEN, next_frame, ws_url

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
async def twilio() -> AsyncIterator[TwilioFake]:
    async with TwilioFake() as fake:
        yield fake


@pytest.fixture
async def served(twilio: TwilioFake) -> AsyncIterator[tuple[str, RoomKit]]:
    kit = RoomKit()
    kit.register_channel(WebSocketChannel("ws"))
    provider = TwilioSMSProvider(
        TwilioConfig(
            account_sid=twilio.account_sid,
            auth_token=twilio.auth_token,
            from_number="+15145550100",
            base_url=twilio.base_url,
        )
    )
    kit.register_channel(SMSChannel("sms-twilio", provider=provider))
    async with serving(create_app(kit, ServerConfig(api_key=TOKEN))) as base_url:
        async with httpx.AsyncClient(base_url=base_url, headers=AUTH) as api:
            await api.post("/api/rooms", json={"room_id": "support"})
            await api.post("/api/rooms/support/bindings", json={"channel_id": "ws"})
            await api.post("/api/rooms/support/bindings", json={"channel_id": "sms-twilio"})
        yield base_url, kit


async def _post(base_url: str, request: dict[str, object], url: str) -> httpx.Response:
    async with httpx.AsyncClient() as vendor:
        return await vendor.post(
            url,
            content=request["body"],  # type: ignore[arg-type]
            headers=request["headers"],  # type: ignore[arg-type]
        )


async def test_twilio_sms_reaches_the_browser_and_the_answer_leaves_by_sms(
    served: tuple[str, RoomKit], twilio: TwilioFake
) -> None:
    base_url, kit = served
    url = f"{base_url}/webhooks/sms-twilio"
    async with websockets.connect(
        ws_url(base_url, "ws", "support", "agent"), additional_headers=AUTH
    ) as agent:
        await next_frame(agent, "welcome")
        request = twilio.inbound_sms(
            url,
            sender="+15145550199",
            to="+15145550100",
            body="Where is my parcel?",
            message_sid="SM100",
        )
        answer = await _post(base_url, request, url)
        assert answer.status_code == 200, answer.text
        assert "<Response>" in answer.text
        seen = await next_frame(agent, "event")
        assert seen["event"]["content"]["body"] == "Where is my parcel?"
        assert seen["event"]["provider_message_id"] == "SM100"
        # Twilio retries: the same request again is stored once
        assert (await _post(base_url, request, url)).status_code == 200
        await agent.send(json.dumps({"type": "message", "text": "Out for delivery!"}))
        await next_frame(agent, "ack")
    sent = twilio.messages[-1]
    assert (sent.to, sent.text) == ("+15145550199", "Out for delivery!")
    assert await kit.store.get_event_count("support") == 2


async def test_forged_twilio_webhooks_get_403_and_store_nothing(
    served: tuple[str, RoomKit], twilio: TwilioFake
) -> None:
    base_url, kit = served
    url = f"{base_url}/webhooks/sms-twilio"
    request = twilio.inbound_sms(
        url, sender="+15145550199", to="+15145550100", body="hi", message_sid="SM200"
    )
    tampered = {**request, "body": request["body"].replace(b"hi", b"pay")}  # type: ignore[union-attr]
    refused = await _post(base_url, tampered, url)
    assert refused.status_code == 403
    assert "twilio" in refused.json()["error"]["message"].lower()
    elsewhere = twilio.inbound_sms(  # signed for another URL
        "https://evil.example/hook", sender="+1514", to="+1514", body="hi", message_sid="SM201"
    )
    assert (await _post(base_url, elsewhere, url)).status_code == 403
    assert await kit.store.get_event_count("support") == 0


async def test_twilio_status_callbacks_are_recorded(
    served: tuple[str, RoomKit], twilio: TwilioFake
) -> None:
    base_url, kit = served
    url = f"{base_url}/webhooks/sms-twilio/status"
    request = twilio.status_callback(
        url, message_sid="SM300", status="delivered", to="+15145550199"
    )
    answer = await _post(base_url, request, url)
    assert answer.status_code == 200, answer.text
    statuses = await kit.store.list_delivery_statuses("SM300")
    assert [s.status for s in statuses] == ["delivered"]
