"""A fake of the WhatsApp Business Cloud API (Meta Graph API) and its webhooks.

Serves ``POST /{version}/{phone_number_id}/messages`` (sends and mark-as-read, Bearer token,
validated as the Cloud API validates them), ``GET /{version}/{media_id}`` and the media download
it points at. Errors are answered in Graph's shape (``{"error": {"message", "type", "code",
"error_subcode", "fbtrace_id"}}``). Webhooks are built and signed as Meta signs them
(``X-Hub-Signature-256`` over the raw body with the app secret).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from roomkit_fakes.messaging import Delivered, VendorFake

MEDIA_TYPES = ("image", "video", "audio", "document", "sticker")
KNOWN_TYPES = (*MEDIA_TYPES, "text", "template", "interactive", "location", "reaction", "contacts")


def graph_error(
    code: int,
    message: str,
    *,
    status_type: str = "OAuthException",
    subcode: int | None = None,
    details: str | None = None,
) -> dict[str, Any]:
    """A Graph API error body."""
    error: dict[str, Any] = {
        "message": message,
        "type": status_type,
        "code": code,
        "fbtrace_id": "A" + secrets.token_hex(8),
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    if details is not None:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    return {"error": error}


class Invalid(Exception):
    def __init__(self, message: str, code: int = 100) -> None:
        super().__init__(message)
        self.code = code


class WhatsAppFake(VendorFake):
    vendor = "whatsapp"

    def __init__(
        self,
        phone_number_id: str = "106540352242922",
        token: str = "wa-access-token",
        app_secret: str = "wa-app-secret",
        verify_token: str = "wa-verify-token",
        display_phone_number: str = "15550001111",
    ) -> None:
        super().__init__()
        self.phone_number_id = phone_number_id
        self.token = token
        self.app_secret = app_secret
        self.verify_token = verify_token
        self.display_phone_number = display_phone_number
        self.read_receipts: list[dict[str, Any]] = []
        self.media: dict[str, tuple[bytes, str]] = {}

    def routes(self) -> list[web.RouteDef]:
        return [
            web.post("/{version}/{phone}/messages", self.messages_endpoint),
            web.get("/media-download/{media_id}", self.download),
            web.get("/{version}/{media_id}", self.media_lookup),
        ]

    def error_body(self, status: int) -> Any:
        if status == 429:
            return graph_error(130429, "Rate limit hit", details="Cloud API message throughput")
        if status >= 500:
            return graph_error(131000, "Something went wrong", details="Try again later")
        return graph_error(
            131030,
            "Recipient phone number not in allowed list",
            details="Add recipient phone number to recipient list and try again.",
        )

    # scripting ---------------------------------------------------------------------------------
    def add_media(self, data: bytes, mime_type: str) -> str:
        """Store a file as an inbound media object; its id goes in a webhook's message."""
        media_id = str(1000000 + self.next_id())
        self.media[media_id] = (data, mime_type)
        return media_id

    # handlers ----------------------------------------------------------------------------------
    def _authorised(self, raw_headers: dict[str, str]) -> web.Response | None:
        if raw_headers.get("authorization") != f"Bearer {self.token}":
            return self.problem(
                401,
                graph_error(190, "Invalid OAuth access token - Cannot parse access token"),
            )
        return None

    async def messages_endpoint(self, request: web.Request) -> web.Response:
        raw = await self.capture(request)
        refused = self._authorised(raw.headers)
        if refused is not None:
            return refused
        if request.match_info["phone"] != self.phone_number_id:
            return self.problem(
                400,
                graph_error(
                    100,
                    f"Unsupported post request. Object with ID '{request.match_info['phone']}' "
                    "does not exist",
                    subcode=33,
                ),
            )
        if raw.headers.get("content-type", "").split(";")[0] != "application/json":
            return self.problem(400, graph_error(100, "Invalid parameter: expected JSON"))
        scripted = await self.scripted()
        if scripted is not None:
            return scripted
        try:
            body = raw.json()
            if not isinstance(body, dict):
                raise Invalid("the body must be a JSON object")
            if body.get("messaging_product") != "whatsapp":
                raise Invalid("messaging_product must be 'whatsapp'")
            if body.get("status") == "read":
                return self._read(body)
            delivered = self._validate(body)
        except ValueError:
            return self.problem(400, graph_error(100, "Invalid parameter: body is not JSON"))
        except Invalid as exc:
            return self.problem(400, graph_error(exc.code, f"(#{exc.code}) {exc}"))
        self.messages.append(delivered)
        answer: dict[str, Any] = {
            "id": "wamid." + base64.b64encode(secrets.token_bytes(24)).decode()
        }
        if body["type"] == "template":
            answer["message_status"] = "accepted"
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": body["to"], "wa_id": str(body["to"]).lstrip("+")}],
                "messages": [answer],
            }
        )

    def _read(self, body: dict[str, Any]) -> web.Response:
        if not str(body.get("message_id", "")).startswith("wamid."):
            raise Invalid("Invalid parameter: message_id")
        self.read_receipts.append(body)
        return web.json_response({"success": True})

    def _validate(self, body: dict[str, Any]) -> Delivered:
        to = body.get("to")
        if not isinstance(to, str) or not to.lstrip("+").isdigit():
            raise Invalid("Invalid parameter: 'to' must be a phone number", 100)
        kind = body.get("type", "text")
        if kind not in KNOWN_TYPES:
            raise Invalid(f"Invalid parameter: unknown message type {kind!r}")
        payload = body.get(kind)
        if not isinstance(payload, dict):
            raise Invalid(f"The parameter {kind} is required.")
        text, media = "", tuple[str, ...]()
        if kind == "text":
            text = str(payload.get("body") or "")
            if not text or len(text) > 4096:
                raise Invalid("text.body must hold 1 to 4096 characters")
        elif kind in MEDIA_TYPES:
            link = payload.get("link") or payload.get("id")
            if not link:
                raise Invalid(f"{kind} needs a link or an id")
            if kind in ("audio", "sticker") and "caption" in payload:
                raise Invalid(f"{kind} messages take no caption")
            text, media = str(payload.get("caption") or ""), (str(link),)
        elif kind == "template":
            text = self._template(payload)
        elif kind == "interactive":
            text = self._interactive(payload)
        elif kind == "location":
            if "latitude" not in payload or "longitude" not in payload:
                raise Invalid("location needs latitude and longitude")
            text = str(payload.get("name") or "")
        return Delivered(
            to=to, text=text, media=media, extra=(("type", kind), (kind, json.dumps(payload)))
        )

    @staticmethod
    def _template(payload: dict[str, Any]) -> str:
        name = payload.get("name")
        language = payload.get("language")
        if not name or not isinstance(language, dict) or not language.get("code"):
            raise Invalid("template needs name and language.code")
        components = payload.get("components", [])
        if not isinstance(components, list):
            raise Invalid("template.components must be a list")
        return str(name)

    @staticmethod
    def _interactive(payload: dict[str, Any]) -> str:
        kind = payload.get("type")
        body = (payload.get("body") or {}).get("text")
        if not body or len(body) > 1024:
            raise Invalid("interactive.body.text must hold 1 to 1024 characters")
        action = payload.get("action")
        if not isinstance(action, dict):
            raise Invalid("interactive.action is required")
        if kind == "button":
            buttons = action.get("buttons")
            if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
                raise Invalid("interactive buttons: 1 to 3 buttons")
            ids = [b["reply"]["id"] for b in buttons]
            if len(set(ids)) != len(ids):
                raise Invalid("interactive buttons: ids must be unique")
            if any(len(b["reply"]["title"]) > 20 for b in buttons):
                raise Invalid("interactive buttons: titles are at most 20 characters")
        elif kind == "list":
            if not action.get("button") or len(action["button"]) > 20:
                raise Invalid("interactive list: action.button of 1 to 20 characters")
            rows = [row for s in action.get("sections") or [] for row in s.get("rows") or []]
            if not 1 <= len(rows) <= 10:
                raise Invalid("interactive list: 1 to 10 rows")
            if any(len(r["title"]) > 24 for r in rows):
                raise Invalid("interactive list: row titles are at most 24 characters")
        elif kind == "cta_url":
            parameters = action.get("parameters") or {}
            if not parameters.get("url") or not parameters.get("display_text"):
                raise Invalid("cta_url needs parameters.url and parameters.display_text")
        else:
            raise Invalid(f"unknown interactive type {kind!r}")
        return str(body)

    async def media_lookup(self, request: web.Request) -> web.Response:
        raw = await self.capture(request)
        refused = self._authorised(raw.headers)
        if refused is not None:
            return refused
        media_id = request.match_info["media_id"]
        if media_id not in self.media:
            return self.problem(
                404,
                graph_error(
                    100,
                    f"Unsupported get request. Object with ID '{media_id}' does not exist",
                    subcode=33,
                ),
            )
        data, mime = self.media[media_id]
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "url": f"{self.base_url}/media-download/{media_id}",
                "mime_type": mime,
                "sha256": hashlib.sha256(data).hexdigest(),
                "file_size": len(data),
                "id": media_id,
            }
        )

    async def download(self, request: web.Request) -> web.Response:
        raw = await self.capture(request)
        refused = self._authorised(raw.headers)
        if refused is not None:
            return refused
        media_id = request.match_info["media_id"]
        if media_id not in self.media:
            return self.problem(404, graph_error(100, "media not found"))
        data, mime = self.media[media_id]
        return web.Response(body=data, content_type=mime)

    # webhooks ----------------------------------------------------------------------------------
    def webhook(
        self,
        value: dict[str, Any],
        *,
        secret: str | None = None,
        url: str = "https://app.example.com/webhooks/whatsapp",
    ) -> dict[str, Any]:
        """A signed webhook request (``kit.process_webhook`` meta) carrying one change value."""
        payload = {
            "object": "whatsapp_business_account",
            "entry": [
                {"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}
            ],
        }
        return self.signed(json.dumps(payload).encode(), secret=secret, url=url)

    def signed(
        self,
        body: bytes,
        *,
        secret: str | None = None,
        url: str = "https://app.example.com/webhooks/whatsapp",
    ) -> dict[str, Any]:
        key = (secret or self.app_secret).encode()
        signature = "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()
        return {
            "method": "POST",
            "url": url,
            "headers": {"Content-Type": "application/json", "X-Hub-Signature-256": signature},
            "body": body,
        }

    def _metadata(self) -> dict[str, str]:
        return {
            "display_phone_number": self.display_phone_number,
            "phone_number_id": self.phone_number_id,
        }

    def inbound(
        self,
        *,
        sender: str,
        message: dict[str, Any],
        message_id: str | None = None,
        timestamp: float | None = None,
        name: str = "Customer",
        secret: str | None = None,
    ) -> dict[str, Any]:
        """A signed webhook with one customer message (``message`` holds its ``type`` and the
        object of that type, e.g. ``{"type": "text", "text": {"body": "hi"}}``)."""
        wa_id = sender.lstrip("+")
        full = {
            "from": wa_id,
            "id": message_id or "wamid." + base64.b64encode(secrets.token_bytes(24)).decode(),
            "timestamp": str(int(time.time() if timestamp is None else timestamp)),
            **message,
        }
        value = {
            "messaging_product": "whatsapp",
            "metadata": self._metadata(),
            "contacts": [{"profile": {"name": name}, "wa_id": wa_id}],
            "messages": [full],
        }
        return self.webhook(value, secret=secret)

    def inbound_text(
        self,
        *,
        sender: str,
        text: str,
        message_id: str | None = None,
        timestamp: float | None = None,
    ) -> dict[str, Any]:
        return self.inbound(
            sender=sender,
            message={"type": "text", "text": {"body": text}},
            message_id=message_id,
            timestamp=timestamp,
        )

    def status(
        self,
        *,
        message_id: str,
        recipient: str,
        status: str,
        error_code: int | None = None,
        error_title: str = "",
        timestamp: float | None = None,
    ) -> dict[str, Any]:
        """A signed status webhook (sent, delivered, read or failed with an error)."""
        entry: dict[str, Any] = {
            "id": message_id,
            "status": status,
            "timestamp": str(int(time.time() if timestamp is None else timestamp)),
            "recipient_id": recipient.lstrip("+"),
        }
        if error_code is not None:
            entry["errors"] = [
                {
                    "code": error_code,
                    "title": error_title or "Message undeliverable",
                    "message": error_title or "Message undeliverable",
                    "error_data": {"details": error_title or "Message undeliverable"},
                }
            ]
        value = {
            "messaging_product": "whatsapp",
            "metadata": self._metadata(),
            "statuses": [entry],
        }
        return self.webhook(value)

    def verification_query(self, challenge: str = "1158201444", token: str | None = None) -> str:
        """The query string of Meta's GET handshake."""
        return urlencode(
            {
                "hub.mode": "subscribe",
                "hub.verify_token": self.verify_token if token is None else token,
                "hub.challenge": challenge,
            }
        )
