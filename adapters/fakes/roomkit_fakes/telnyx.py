"""A fake of the Telnyx v2 messaging API, and webhooks signed as Telnyx signs them.

``POST /v2/messages`` (SMS/MMS) and ``POST /v2/messages/rcs`` with ``Authorization: Bearer``;
validation as the real API answers it (E.164 ``to``, text or media, an RCS ``agent_message``).
The fake holds an Ed25519 key pair: ``public_key`` is what a user copies from the portal, and
``webhook(event)`` signs ``f"{timestamp}|{body}"`` with the private half.
"""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
from typing import Any

from aiohttp import web
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from roomkit_fakes.messaging import Delivered, VendorFake

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
MAX_TEXT = 1600


def telnyx_error(code: str, title: str, detail: str) -> dict[str, Any]:
    return {"errors": [{"code": code, "title": title, "detail": detail}]}


class TelnyxFake(VendorFake):
    vendor = "telnyx"

    def __init__(self, token: str = "KEY-fake") -> None:
        super().__init__()
        self.token = token
        self._private = Ed25519PrivateKey.generate()
        raw = self._private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.public_key = base64.b64encode(raw).decode()

    def routes(self) -> list[web.RouteDef]:
        return [
            web.post("/v2/messages", self.send_message),
            web.post("/v2/messages/rcs", self.send_rcs),
        ]

    def error_body(self, status: int) -> Any:
        if status == 429:
            return telnyx_error("10011", "Too many requests", "Rate limit exceeded")
        if status >= 500:
            return telnyx_error("10007", "Unexpected error", "An unexpected error occurred")
        return telnyx_error("40300", "Blocked due to STOP message", "The recipient opted out")

    async def _accept(
        self, request: web.Request
    ) -> tuple[dict[str, Any] | None, web.Response | None]:
        raw = await self.capture(request)
        if raw.headers.get("authorization") != f"Bearer {self.token}":
            return None, self.problem(
                401, telnyx_error("10009", "Authentication failed", "Invalid API key")
            )
        scripted = await self.scripted()
        if scripted is not None:
            return None, scripted
        try:
            body = raw.json()
        except ValueError:
            return None, self.problem(400, telnyx_error("10015", "Bad Request", "invalid JSON"))
        if not isinstance(body, dict):
            return None, self.problem(400, telnyx_error("10015", "Bad Request", "not an object"))
        to = body.get("to")
        if not isinstance(to, str) or not E164.match(to):
            return None, self.problem(
                422, telnyx_error("40310", "Invalid 'to' address", f"{to!r} is not E.164")
            )
        return body, None

    def _answer(self, body: dict[str, Any], kind: str) -> web.Response:
        message_id = str(uuid.UUID(int=self.next_id()))
        return web.json_response(
            {
                "data": {
                    "record_type": "message",
                    "id": message_id,
                    "type": kind,
                    "direction": "outbound",
                    "to": [{"phone_number": body["to"], "status": "queued"}],
                    "from": {"phone_number": body.get("from")},
                    "text": body.get("text"),
                    "messaging_profile_id": body.get("messaging_profile_id"),
                }
            }
        )

    async def send_message(self, request: web.Request) -> web.Response:
        body, problem = await self._accept(request)
        if problem is not None or body is None:
            return problem or self.problem(400, {})
        if not body.get("from") and not body.get("messaging_profile_id"):
            return self.problem(
                422, telnyx_error("40305", "Invalid 'from' address", "from is required")
            )
        text = body.get("text") or ""
        media = body.get("media_urls") or []
        if not text and not media:
            return self.problem(422, telnyx_error("40005", "Invalid message body", "empty"))
        if len(text) > MAX_TEXT:
            return self.problem(
                422, telnyx_error("40004", "Message too long", f"text over {MAX_TEXT} characters")
            )
        self.messages.append(Delivered(to=body["to"], text=text, media=tuple(media)))
        return self._answer(body, "MMS" if media else "SMS")

    async def send_rcs(self, request: web.Request) -> web.Response:
        body, problem = await self._accept(request)
        if problem is not None or body is None:
            return problem or self.problem(400, {})
        message = (body.get("agent_message") or {}).get("content_message")
        if not body.get("agent_id") or not isinstance(message, dict) or not message:
            return self.problem(
                422,
                telnyx_error("10015", "Bad Request", "agent_id and agent_message are required"),
            )
        info = message.get("content_info")
        files = (str(info["file_url"]),) if isinstance(info, dict) else ()
        self.messages.append(
            Delivered(
                to=body["to"],
                text=str(message.get("text", "")),
                media=files,
                extra=(("content_message", json.dumps(message, sort_keys=True)),),
            )
        )
        return self._answer(body, "RCS")

    # webhooks ----------------------------------------------------------------------------------
    def webhook(
        self, event: dict[str, Any], *, timestamp: int | None = None, url: str = ""
    ) -> dict[str, Any]:
        body = json.dumps(event).encode()
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        signature = base64.b64encode(self._private.sign(stamp.encode() + b"|" + body)).decode()
        return {
            "method": "POST",
            "url": url or "https://app.example.com/webhooks/telnyx",
            "headers": {
                "Content-Type": "application/json",
                "telnyx-signature-ed25519": signature,
                "telnyx-timestamp": stamp,
            },
            "body": body,
        }

    @staticmethod
    def event(event_type: str, payload: dict[str, Any]) -> dict[str, Any]:
        return {
            "data": {
                "event_type": event_type,
                "id": str(uuid.uuid4()),
                "occurred_at": "2026-11-30T12:00:00.000+00:00",
                "payload": payload,
                "record_type": "event",
            },
            "meta": {"attempt": 1, "delivered_to": "https://app.example.com/webhooks/telnyx"},
        }

    def inbound_sms(
        self,
        *,
        sender: str,
        to: str,
        text: str,
        message_id: str,
        media: list[tuple[str, str]] | None = None,
    ) -> dict[str, Any]:
        payload = {
            "id": message_id,
            "direction": "inbound",
            "type": "MMS" if media else "SMS",
            "from": {"phone_number": sender, "carrier": "T-Mobile USA", "line_type": "Wireless"},
            "to": [{"phone_number": to, "status": "webhook_delivered"}],
            "text": text,
            "media": [{"url": u, "content_type": m} for u, m in media or []],
        }
        return self.webhook(self.event("message.received", payload))

    def delivery_report(
        self, *, message_id: str, to: str, status: str, error: dict[str, str] | None = None
    ) -> dict[str, Any]:
        payload = {
            "id": message_id,
            "direction": "outbound",
            "to": [{"phone_number": to, "status": status}],
            "errors": [error] if error else [],
        }
        return self.webhook(self.event("message.finalized", payload))
