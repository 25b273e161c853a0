"""A fake of Elastic Email's v4 transactional API (``POST /v4/emails/transactional`` with
``X-ElasticEmail-ApiKey``), and its token-authenticated notifications."""

from __future__ import annotations

import base64
import binascii
import secrets
import uuid
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from roomkit_fakes.messaging import Delivered, VendorFake


class ElasticEmailFake(VendorFake):
    vendor = "elasticemail"

    def __init__(self, token: str = "ee-key") -> None:
        super().__init__()
        self.token = token
        self.emails: list[dict[str, Any]] = []

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/v4/emails/transactional", self.transactional)]

    def error_body(self, status: int) -> Any:
        return {"Error": f"scripted HTTP {status}"}

    async def transactional(self, request: web.Request) -> web.Response:
        raw = await self.capture(request)
        if raw.headers.get("x-elasticemail-apikey") != self.token:
            return self.problem(401, {"Error": "Incorrect API key"})
        scripted = await self.scripted()
        if scripted is not None:
            return scripted
        try:
            email = raw.json()
            to = email["Recipients"]["To"]
            content = email["Content"]
            parts = content["Body"]
        except (ValueError, KeyError, TypeError):
            return self.problem(400, {"Error": "Recipients.To and Content.Body are required"})
        if not to or not all("@" in str(t) for t in to):
            return self.problem(400, {"Error": "Invalid recipient address"})
        if not content.get("From") or not content.get("Subject"):
            return self.problem(400, {"Error": "From and Subject are required"})
        for attachment in content.get("Attachments") or []:
            try:
                base64.b64decode(attachment.get("BinaryContent", ""), validate=True)
            except (binascii.Error, ValueError):
                return self.problem(400, {"Error": "Attachment content is not base64"})
        self.emails.append(email)
        text = next((p["Content"] for p in parts if p.get("ContentType") == "PlainText"), "")
        for recipient in to:
            self.messages.append(Delivered(to=str(recipient), text=text))
        return web.json_response(
            {"TransactionID": str(uuid.uuid4()), "MessageID": secrets.token_urlsafe(12)}
        )

    @staticmethod
    def notification(
        *, message_id: str, to: str, status: str, token: str, category: str = ""
    ) -> dict[str, Any]:
        query = urlencode(
            {
                "token": token,
                "messageid": message_id,
                "to": to,
                "status": status,
                "category": category,
                "channel": "API",
                "transaction": str(uuid.uuid4()),
            }
        )
        return {
            "method": "GET",
            "url": f"https://app.example.com/webhooks/elasticemail?{query}",
            "headers": {},
            "body": b"",
        }
