"""A fake of VoiceMeUp's ``queue_sms`` (form post, JSON answer with ``response_details``), and
its webhooks, including an MMS split in two posts as VoiceMeUp sends it."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from roomkit_fakes.messaging import Delivered, VendorFake

MAX_MESSAGE = 1000


def vmu_answer(status: str, code: str, content: str) -> dict[str, Any]:
    return {
        "response_details": {
            "response_status": status,
            "response_messages": {"message": [{"code": code, "_content": content}]},
        }
    }


class VoiceMeUpFake(VendorFake):
    vendor = "voicemeup"

    def __init__(self, username: str = "vmu-user", token: str = "vmu-token") -> None:
        super().__init__()
        self.username = username
        self.token = token

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/api/v1.1/json/queue_sms", self.queue_sms)]

    def error_body(self, status: int) -> Any:
        return vmu_answer("error", "http_error", f"HTTP {status}")

    async def queue_sms(self, request: web.Request) -> web.Response:
        raw = await self.capture(request)
        scripted = await self.scripted()
        if scripted is not None:
            return scripted
        form = raw.form()
        if form.get("username") != self.username or form.get("auth_token") != self.token:
            return web.json_response(vmu_answer("error", "invalid_credentials", "Bad credentials"))
        destination = form.get("destination_number", "")
        if not destination.isdigit() or not form.get("source_number", "").isdigit():
            return web.json_response(
                vmu_answer("error", "invalid_destination_number", "Digits only, no '+'")
            )
        message = form.get("message", "")
        if not message and not form.get("attachment"):
            return web.json_response(vmu_answer("error", "missing_message", "message required"))
        if len(message) > MAX_MESSAGE:
            return web.json_response(vmu_answer("error", "message_too_long", "max 1000"))
        media = (form["attachment"],) if form.get("attachment") else ()
        self.messages.append(Delivered(to=f"+{destination}", text=message, media=media))
        return web.json_response(vmu_answer("success", "queued_sms_hash", secrets.token_hex(16)))

    @staticmethod
    def webhook(fields: dict[str, str], token: str) -> dict[str, Any]:
        return {
            "method": "POST",
            "url": f"https://app.example.com/webhooks/voicemeup?token={token}",
            "headers": {"Content-Type": "application/x-www-form-urlencoded"},
            "body": urlencode(fields).encode(),
        }

    @classmethod
    def inbound_sms(
        cls, *, sender: str, to: str, text: str, sms_hash: str, token: str
    ) -> dict[str, Any]:
        return cls.webhook(
            {
                "sms_hash": sms_hash,
                "source_number": sender.lstrip("+"),
                "destination_number": to.lstrip("+"),
                "message": text,
                "direction": "inbound",
                "datetime_transmission": "2026-11-30 12:00:00",
            },
            token,
        )

    @classmethod
    def inbound_mms(
        cls, *, sender: str, to: str, text: str, media_url: str, mime: str, token: str
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The two posts of one MMS: the text with its ``.mms.html`` wrapper, then the media."""
        common = {
            "source_number": sender.lstrip("+"),
            "destination_number": to.lstrip("+"),
            "direction": "inbound",
            "datetime_transmission": "2026-11-30 12:00:05",
        }
        first = {
            **common,
            "sms_hash": secrets.token_hex(8),
            "message": text,
            "attachment": "https://clients.voicemeup.com/mms/abc.mms.html",
            "attachment_mime_type": "text/html",
        }
        second = {
            **common,
            "sms_hash": secrets.token_hex(8),
            "message": "",
            "attachment": media_url,
            "attachment_mime_type": mime,
        }
        return cls.webhook(first, token), cls.webhook(second, token)
