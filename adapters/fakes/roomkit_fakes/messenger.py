"""A fake of the Messenger Send API (``POST /{version}/me/messages`` on graph.facebook.com),
checking what Graph checks (token, appsecret_proof, messaging_type, Messenger's limits), and
webhooks signed as Meta signs them (X-Hub-Signature-256 over the raw body)."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from roomkit_fakes.messaging import Delivered, VendorFake

MAX_TEXT = 2000
WEBHOOK_URL = "https://app.example.com/webhooks/messenger"


def graph_error(message: str, code: int = 100, subcode: int | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": secrets.token_urlsafe(8),
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


class MessengerFake(VendorFake):
    vendor = "messenger"

    def __init__(
        self,
        page_access_token: str = "page-token",
        app_secret: str = "app-secret",
        verify_token: str = "verify-me",
        page_id: str = "1000001",
    ) -> None:
        super().__init__()
        self.page_access_token = page_access_token
        self.app_secret = app_secret
        self.verify_token = verify_token
        self.page_id = page_id
        #: sender actions received: (psid, action)
        self.actions: list[tuple[str, str]] = []

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/{version}/me/messages", self.send_api)]

    def error_body(self, status: int) -> Any:
        if status == 429:
            return graph_error("(#613) Calls to this api have exceeded the rate limit.", 613)
        if status >= 500:
            return graph_error("An unexpected error has occurred. Please retry your request.", 2)
        return graph_error("(#100) No matching user found", 100, 2018001)

    def appsecret_proof(self) -> str:
        key = self.app_secret.encode()
        return hmac.new(key, self.page_access_token.encode(), hashlib.sha256).hexdigest()

    async def send_api(self, request: web.Request) -> web.Response:
        raw = await self.capture(request)
        bearer = raw.headers.get("authorization", "").removeprefix("Bearer ")
        token = raw.query.get("access_token") or bearer
        if token != self.page_access_token:
            return self.problem(400, graph_error("Invalid OAuth access token.", 190))
        proof = raw.query.get("appsecret_proof")
        if proof is not None and not hmac.compare_digest(proof, self.appsecret_proof()):
            return self.problem(
                400, graph_error("Invalid appsecret_proof provided in the API argument", 100)
            )
        scripted = await self.scripted()
        if scripted is not None:
            return scripted
        try:
            body = raw.json()
        except ValueError:
            return self.problem(400, graph_error("(#100) The parameter body is not JSON"))
        recipient = body.get("recipient") if isinstance(body, dict) else None
        if not isinstance(recipient, dict) or not recipient.get("id"):
            return self.problem(400, graph_error("(#100) The parameter recipient is required"))
        psid = str(recipient["id"])
        if "sender_action" in body:
            action = body["sender_action"]
            if action not in ("typing_on", "typing_off", "mark_seen") or "message" in body:
                return self.problem(400, graph_error("(#100) Invalid sender_action"))
            self.actions.append((psid, action))
            return web.json_response({"recipient_id": psid})
        problem = self.check_message(body)
        if problem:
            return self.problem(400, graph_error(f"(#100) {problem}"))
        message = body["message"]
        text, media, kind = self.visible(message)
        extra: tuple[tuple[str, Any], ...] = (("kind", kind), ("message", message))
        self.messages.append(Delivered(to=psid, text=text, media=media, extra=extra))
        mid = f"m_{secrets.token_urlsafe(24)}"
        return web.json_response({"recipient_id": psid, "message_id": mid})

    @staticmethod
    def check_message(body: dict[str, Any]) -> str | None:
        kind = body.get("messaging_type")
        if kind not in ("RESPONSE", "UPDATE", "MESSAGE_TAG"):
            return "param messaging_type must be RESPONSE, UPDATE or MESSAGE_TAG"
        if kind == "MESSAGE_TAG" and not body.get("tag"):
            return "param tag is required with messaging_type MESSAGE_TAG"
        message = body.get("message")
        if not isinstance(message, dict):
            return "param message must be an object"
        if ("text" in message) == ("attachment" in message):
            return "message must have exactly one of text and attachment"
        if "text" in message:
            text = message["text"]
            if not isinstance(text, str) or not text:
                return "param message[text] must be a non-empty string"
            if len(text) > MAX_TEXT:
                return f"Length of param message[text] must be less than or equal to {MAX_TEXT}"
        else:
            problem = MessengerFake.check_attachment(message["attachment"])
            if problem:
                return problem
        replies = message.get("quick_replies")
        if replies is not None:
            if not isinstance(replies, list) or not 1 <= len(replies) <= 13:
                return "param message[quick_replies] must hold 1 to 13 items"
            for reply in replies:
                if reply.get("content_type") == "text" and (
                    not 1 <= len(str(reply.get("title", ""))) <= 20 or not reply.get("payload")
                ):
                    return "a text quick reply needs a title of at most 20 characters and a payload"
        return None

    @staticmethod
    def check_attachment(attachment: Any) -> str | None:
        if not isinstance(attachment, dict):
            return "param message[attachment] must be an object"
        kind = attachment.get("type")
        payload = attachment.get("payload")
        if not isinstance(payload, dict):
            return "param message[attachment][payload] must be an object"
        if kind in ("image", "audio", "video", "file"):
            url = payload.get("url")
            if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                return "param message[attachment][payload][url] must be a URL"
            return None
        if kind != "template":
            return f"unknown attachment type {kind!r}"
        template = payload.get("template_type")
        if template == "button":
            text = payload.get("text")
            if not isinstance(text, str) or not 1 <= len(text) <= 640:
                return "button template text must be 1 to 640 characters"
            return MessengerFake.check_buttons(payload.get("buttons"))
        if template == "generic":
            elements = payload.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= 10:
                return "generic template elements must hold 1 to 10 items"
            for element in elements:
                if not element.get("title") or len(element["title"]) > 80:
                    return "each element needs a title of at most 80 characters"
                if "buttons" in element:
                    problem = MessengerFake.check_buttons(element["buttons"])
                    if problem:
                        return problem
            return None
        return f"unknown template_type {template!r}"

    @staticmethod
    def check_buttons(buttons: Any) -> str | None:
        if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
            return "buttons must hold 1 to 3 items"
        for button in buttons:
            title = button.get("title")
            if not isinstance(title, str) or not 1 <= len(title) <= 20:
                return "a button title must be 1 to 20 characters"
            kind = button.get("type")
            if kind == "web_url" and not button.get("url"):
                return "a web_url button needs url"
            if kind in ("postback", "phone_number") and not button.get("payload"):
                return f"a {kind} button needs payload"
            if kind not in ("web_url", "postback", "phone_number"):
                return f"unknown button type {kind!r}"
        return None

    @staticmethod
    def visible(message: dict[str, Any]) -> tuple[str, tuple[str, ...], str]:
        """(text, media URLs, kind) as the person would see the message."""
        if "text" in message:
            return message["text"], (), "text"
        attachment = message["attachment"]
        payload = attachment["payload"]
        if attachment["type"] != "template":
            return "", (payload["url"],), attachment["type"]
        if payload["template_type"] == "button":
            return payload["text"], (), "button"
        images = tuple(e["image_url"] for e in payload["elements"] if e.get("image_url"))
        titles = "\n".join(e["title"] for e in payload["elements"])
        return titles, images, "generic"

    # webhooks ----------------------------------------------------------------------------------
    def signed(self, payload: dict[str, Any], *, secret: str | None = None) -> dict[str, Any]:
        body = json.dumps(payload).encode()
        key = (secret or self.app_secret).encode()
        signature = "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()
        return {
            "method": "POST",
            "url": WEBHOOK_URL,
            "headers": {"Content-Type": "application/json", "X-Hub-Signature-256": signature},
            "body": body,
        }

    def webhook(self, *events: dict[str, Any], secret: str | None = None) -> dict[str, Any]:
        """A signed page webhook carrying ``events`` (``messaging`` items)."""
        entry = {"id": self.page_id, "time": int(time.time() * 1000), "messaging": list(events)}
        return self.signed({"object": "page", "entry": [entry]}, secret=secret)

    def event(self, psid: str, **fields: Any) -> dict[str, Any]:
        return {
            "sender": {"id": psid},
            "recipient": {"id": self.page_id},
            "timestamp": int(time.time() * 1000),
            **fields,
        }

    def inbound_text(
        self, *, psid: str, text: str, mid: str, quick_reply: str | None = None
    ) -> dict[str, Any]:
        message: dict[str, Any] = {"mid": mid, "text": text}
        if quick_reply is not None:
            message["quick_reply"] = {"payload": quick_reply}
        return self.webhook(self.event(psid, message=message))

    def inbound_media(self, *, psid: str, mid: str, kind: str, url: str) -> dict[str, Any]:
        attachment = {"type": kind, "payload": {"url": url}}
        return self.webhook(self.event(psid, message={"mid": mid, "attachments": [attachment]}))

    def postback(self, *, psid: str, title: str, payload: str, mid: str) -> dict[str, Any]:
        postback = {"title": title, "payload": payload, "mid": mid}
        return self.webhook(self.event(psid, postback=postback))

    def delivery(self, *, psid: str, mids: list[str]) -> dict[str, Any]:
        watermark = int(time.time() * 1000)
        return self.webhook(self.event(psid, delivery={"mids": mids, "watermark": watermark}))

    def read(self, *, psid: str, watermark: int | None = None) -> dict[str, Any]:
        mark = int(time.time() * 1000) if watermark is None else watermark
        return self.webhook(self.event(psid, read={"watermark": mark}))

    def subscription_check(
        self, *, verify_token: str | None = None, challenge: str = "1158201444"
    ) -> dict[str, Any]:
        """The GET Meta sends when the webhook URL is registered."""
        query = urlencode(
            {
                "hub.mode": "subscribe",
                "hub.verify_token": verify_token or self.verify_token,
                "hub.challenge": challenge,
            }
        )
        return {"method": "GET", "url": f"{WEBHOOK_URL}?{query}", "headers": {}, "body": b""}
