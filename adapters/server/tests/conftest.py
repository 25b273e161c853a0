"""A real uvicorn server on 127.0.0.1 around a kit, and clients that speak HTTP and WebSocket."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from roomkit import (
    InboundMessage,
    RoomKit,
    SMSChannel,
    TextContent,
    WebSocketChannel,
    WhatsAppChannel,
)
from roomkit.channels.ai import AIChannel
from roomkit.domain.errors import WebhookSignatureError
from roomkit.providers.ai.mock import MockAIProvider
from roomkit.providers.sms.mock import MockSMSProvider
from roomkit_server import ServerConfig, create_app, serving

TOKEN = "test-token-0123456789"
TWILIO_AUTH_TOKEN = "twilio-secret"
META_APP_SECRET = "meta-app-secret"
REFUSED_NUMBER = "+15550000000"


def meta_signature(body: bytes, app_secret: str = META_APP_SECRET) -> str:
    """Meta's X-Hub-Signature-256: HMAC-SHA256 of the raw body with the app secret."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def twilio_signature(url: str, params: dict[str, str], auth_token: str) -> str:
    """Twilio's request signature: HMAC-SHA1 of the URL plus the sorted form fields."""
    payload = url + "".join(f"{key}{params[key]}" for key in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class WebhookKit(RoomKit):
    """A kit whose ``process_webhook`` understands Twilio-style SMS webhooks on ``sms``.

    It checks the signature on the URL and the raw body it was handed, as a real provider does,
    so a test fails if the server changes either on the way.
    """

    received: list[dict[str, Any]]

    async def process_webhook(self, meta: Any, channel_id: str) -> Any:
        self.received.append(meta)
        assert isinstance(meta["body"], bytes)
        if channel_id == "wa":
            return await self._whatsapp(meta, channel_id)
        params = dict(parse_qsl(meta["body"].decode()))
        expected = twilio_signature(meta["url"], params, TWILIO_AUTH_TOKEN)
        if not hmac.compare_digest(meta["headers"].get("x-twilio-signature", ""), expected):
            raise WebhookSignatureError("twilio", "X-Twilio-Signature does not match the request")
        if "MessageStatus" in params:
            from roomkit import DeliveryStatus

            status = DeliveryStatus(
                provider="twilio",
                message_id=params["MessageSid"],
                status=params["MessageStatus"],
                channel_id=channel_id,
            )
            await self.process_delivery_status(status)
            return status
        return await self.process_inbound(
            InboundMessage(
                channel_id=channel_id,
                sender_id=params["From"],
                content=TextContent(body=params["Body"]),
                provider_message_id=params["MessageSid"],
            ),
            room_id=params.get("RoomId"),
        )

    async def _whatsapp(self, meta: Any, channel_id: str) -> Any:
        """WhatsApp Cloud API messages, signed with the app secret over the raw body."""
        offered = meta["headers"].get("x-hub-signature-256", "")
        if not hmac.compare_digest(offered, meta_signature(meta["body"])):
            raise WebhookSignatureError("whatsapp", "X-Hub-Signature-256 does not match the body")
        payload = json.loads(meta["body"])
        results = []
        for entry in payload["entry"]:
            for change in entry["changes"]:
                value = change["value"]
                for message in value.get("messages", []):
                    results.append(
                        await self.process_inbound(
                            InboundMessage(
                                channel_id=channel_id,
                                sender_id=message["from"],
                                content=TextContent(body=message["text"]["body"]),
                                provider_message_id=message["id"],
                            ),
                            room_id=value["metadata"]["room_id"],
                        )
                    )
        return results


def build_kit(ai_responses: list[str] | None = None) -> WebhookKit:
    kit = WebhookKit()
    kit.received = []
    kit.register_channel(WebSocketChannel("ws"))
    kit.register_channel(SMSChannel("sms", provider=MockSMSProvider(fail_for={REFUSED_NUMBER})))
    kit.register_channel(WhatsAppChannel("wa", provider=MockSMSProvider()))
    kit.register_channel(AIChannel("assistant", MockAIProvider(ai_responses or ["Hi from AI"])))
    return kit


@pytest.fixture
def kit() -> WebhookKit:
    return build_kit()


@pytest.fixture
async def base_url(kit: WebhookKit) -> AsyncIterator[str]:
    app = create_app(kit, ServerConfig(api_key=TOKEN, verify_tokens={"sms": "meta-verify"}))
    async with serving(app) as url:
        yield url


@pytest.fixture
async def client(base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=30) as http:
        yield http


def ws_url(base_url: str, channel_id: str, room_id: str, participant_id: str) -> str:
    host = base_url.removeprefix("http://")
    return f"ws://{host}/ws/{channel_id}?room_id={room_id}&participant_id={participant_id}"


async def next_frame(socket: Any, kind: str, wait: float = 20.0) -> dict[str, Any]:
    """The next frame of ``kind``, skipping others (generous timeout for loaded machines)."""
    import asyncio

    async def until() -> dict[str, Any]:
        while True:
            frame = json.loads(await socket.recv())
            if frame["type"] == kind:
                return dict(frame)

    return await asyncio.wait_for(until(), wait)
