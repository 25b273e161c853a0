"""A fake of the Sinch SMS REST API (``POST /xms/v1/{service_plan_id}/batches``), and
callbacks signed as Sinch signs them (HMAC-SHA256 over body, nonce and timestamp)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from typing import Any

from aiohttp import web

from roomkit_fakes.messaging import Delivered, VendorFake

MAX_BODY = 2000


class SinchFake(VendorFake):
    vendor = "sinch"

    def __init__(
        self, service_plan_id: str = "plan-1", token: str = "sinch-token", secret: str = "hmac"
    ) -> None:
        super().__init__()
        self.service_plan_id = service_plan_id
        self.token = token
        self.secret = secret

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/xms/v1/{plan}/batches", self.create_batch)]

    def error_body(self, status: int) -> Any:
        if status == 429:
            return {"code": "too_many_requests", "text": "Too many requests"}
        if status >= 500:
            return {"code": "internal_error", "text": "Internal error"}
        return {"code": "syntax_invalid_parameter_format", "text": "Invalid recipient"}

    async def create_batch(self, request: web.Request) -> web.Response:
        raw = await self.capture(request)
        if request.match_info["plan"] != self.service_plan_id:
            return self.problem(404, {"code": "not_found", "text": "Unknown service plan"})
        if raw.headers.get("authorization") != f"Bearer {self.token}":
            return self.problem(401, {"code": "unauthorized", "text": "Invalid token"})
        scripted = await self.scripted()
        if scripted is not None:
            return scripted
        try:
            batch = raw.json()
        except ValueError:
            return self.problem(400, {"code": "syntax_error", "text": "invalid JSON"})
        to = batch.get("to")
        if not isinstance(to, list) or not to or not batch.get("from"):
            return self.problem(
                400, {"code": "missing_parameter", "text": "'from' and 'to' are required"}
            )
        body = batch.get("body")
        media: tuple[str, ...] = ()
        if batch.get("type") == "mt_media":
            if not isinstance(body, dict) or not body.get("url"):
                return self.problem(400, {"code": "missing_parameter", "text": "body.url"})
            text, media = str(body.get("message", "")), (str(body["url"]),)
        else:
            if not isinstance(body, str) or not body:
                return self.problem(400, {"code": "missing_parameter", "text": "body"})
            if len(body) > MAX_BODY:
                return self.problem(
                    400, {"code": "syntax_constraint_violation", "text": "body too long"}
                )
            text = body
        batch_id = secrets.token_hex(13).upper()
        for recipient in to:
            self.messages.append(Delivered(to=str(recipient), text=text, media=media))
        return web.json_response(
            {
                "id": batch_id,
                "to": to,
                "from": batch["from"],
                "canceled": False,
                "type": batch.get("type", "mt_text"),
                "body": body,
                "delivery_report": batch.get("delivery_report", "none"),
            },
            status=201,
        )

    def callback(
        self, payload: dict[str, Any], *, timestamp: int | None = None, secret: str | None = None
    ) -> dict[str, Any]:
        body = json.dumps(payload).encode()
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        nonce = secrets.token_hex(8)
        message = body + f".{nonce}.{stamp}".encode()
        key = (secret or self.secret).encode()
        signature = base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()
        return {
            "method": "POST",
            "url": "https://app.example.com/webhooks/sinch",
            "headers": {
                "Content-Type": "application/json",
                "x-sinch-webhook-signature": signature,
                "x-sinch-webhook-signature-nonce": nonce,
                "x-sinch-webhook-signature-timestamp": stamp,
                "x-sinch-webhook-signature-algorithm": "HmacSHA256",
            },
            "body": body,
        }

    def inbound_sms(self, *, sender: str, to: str, text: str, message_id: str) -> dict[str, Any]:
        return self.callback(
            {
                "type": "mo_text",
                "id": message_id,
                "from": sender.lstrip("+"),
                "to": to.lstrip("+"),
                "body": text,
                "received_at": "2026-11-30T12:00:00.000Z",
            }
        )

    def delivery_report(
        self, *, batch_id: str, recipient: str, status: str, code: int
    ) -> dict[str, Any]:
        return self.callback(
            {
                "type": "recipient_delivery_report_sms",
                "batch_id": batch_id,
                "recipient": recipient,
                "code": code,
                "status": status,
                "at": "2026-11-30T12:00:01.000Z",
            }
        )
