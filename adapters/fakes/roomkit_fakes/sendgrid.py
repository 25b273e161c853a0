"""A fake of SendGrid's Mail Send v3 API, and SendGrid's webhooks.

``POST /v3/mail/send`` with ``Authorization: Bearer``: validated as SendGrid answers it
(personalizations, from, subject, content, base64 attachments), answered ``202`` with an
``X-Message-Id`` header. The fake holds an ECDSA P-256 key pair: ``verification_key`` is what the
console shows, ``events(...)`` signs Event Webhook batches, ``inbound_parse(...)`` builds an
Inbound Parse multipart post.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import time
import uuid
from typing import Any

from aiohttp import web
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from roomkit_fakes.messaging import Delivered, VendorFake


def sendgrid_error(message: str, field: str | None = None) -> dict[str, Any]:
    return {"errors": [{"message": message, "field": field, "help": None}]}


class SendGridFake(VendorFake):
    vendor = "sendgrid"

    def __init__(self, token: str = "SG.fake") -> None:
        super().__init__()
        self.token = token
        self._private = ec.generate_private_key(ec.SECP256R1())
        der = self._private.public_key().public_bytes(
            Encoding.DER, PublicFormat.SubjectPublicKeyInfo
        )
        self.verification_key = base64.b64encode(der).decode()
        self.mails: list[dict[str, Any]] = []

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/v3/mail/send", self.mail_send)]

    def error_body(self, status: int) -> Any:
        if status == 429:
            return sendgrid_error("too many requests")
        if status >= 500:
            return sendgrid_error("internal error")
        return sendgrid_error("The to email does not contain a valid address.", "personalizations")

    async def mail_send(self, request: web.Request) -> web.Response:
        raw = await self.capture(request)
        if raw.headers.get("authorization") != f"Bearer {self.token}":
            return self.problem(401, sendgrid_error("The provided authorization grant is invalid"))
        scripted = await self.scripted()
        if scripted is not None:
            return scripted
        try:
            mail = raw.json()
        except ValueError:
            return self.problem(400, sendgrid_error("Bad Request: invalid JSON"))
        problem = self.validate(mail)
        if problem is not None:
            return self.problem(400, sendgrid_error(*problem))
        self.mails.append(mail)
        text = next((c["value"] for c in mail["content"] if c["type"] == "text/plain"), "")
        for personalization in mail["personalizations"]:
            for to in personalization["to"]:
                self.messages.append(Delivered(to=to["email"], text=text))
        message_id = secrets.token_urlsafe(16)[:22]
        return web.Response(status=202, headers={"X-Message-Id": message_id})

    @staticmethod
    def validate(mail: Any) -> tuple[str, str] | None:
        if not isinstance(mail, dict):
            return ("The request body must be an object", "body")
        people = mail.get("personalizations")
        if not isinstance(people, list) or not people:
            return ("The personalizations field is required", "personalizations")
        for p in people:
            if not isinstance(p, dict) or not p.get("to"):
                return ("The to array is required for all personalization objects", "to")
            for to in p["to"]:
                if "@" not in str(to.get("email", "")):
                    return ("Does not contain a valid address.", "personalizations.0.to.0.email")
        if "@" not in str((mail.get("from") or {}).get("email", "")):
            return ("The from email does not contain a valid address.", "from.email")
        if not mail.get("subject"):
            return ("The subject is required.", "subject")
        content = mail.get("content")
        if not isinstance(content, list) or not content or not all(c.get("value") for c in content):
            return ("Unless a valid template_id is provided, content is required.", "content")
        if content[0].get("type") != "text/plain" and any(
            c.get("type") == "text/plain" for c in content
        ):
            return ("text/plain must come first", "content")
        for i, attachment in enumerate(mail.get("attachments") or []):
            try:
                base64.b64decode(attachment.get("content", ""), validate=True)
            except (binascii.Error, ValueError):
                return ("The attachment content must be base64 encoded.", f"attachments.{i}")
            if not attachment.get("filename"):
                return ("The attachment filename is required.", f"attachments.{i}.filename")
        return None

    # webhooks ----------------------------------------------------------------------------------
    def events(
        self, events: list[dict[str, Any]], *, timestamp: int | None = None
    ) -> dict[str, Any]:
        """An Event Webhook post of ``events``, signed with the fake's key."""
        body = json.dumps(events).encode()
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        signature = self._private.sign(stamp.encode() + body, ec.ECDSA(hashes.SHA256()))
        return {
            "method": "POST",
            "url": "https://app.example.com/webhooks/sendgrid/events",
            "headers": {
                "Content-Type": "application/json",
                "X-Twilio-Email-Event-Webhook-Signature": base64.b64encode(signature).decode(),
                "X-Twilio-Email-Event-Webhook-Timestamp": stamp,
            },
            "body": body,
        }

    @staticmethod
    def event(message_id: str, event: str, email: str, **extra: Any) -> dict[str, Any]:
        return {
            "email": email,
            "timestamp": int(time.time()),
            "event": event,
            "sg_event_id": str(uuid.uuid4()),
            "sg_message_id": f"{message_id}.filterdrecv-5645d9c87f-6r2ch-1-6190A1B4-1.0",
            **extra,
        }

    @staticmethod
    def inbound_parse(
        *,
        sender: str,
        to: str,
        subject: str,
        text: str,
        html: str | None = None,
        message_id: str = "<CAF=abc@mail.example.com>",
        attachments: list[tuple[str, str, bytes]] | None = None,
        token: str = "",
    ) -> dict[str, Any]:
        """An Inbound Parse post (multipart/form-data), the token in the URL."""
        boundary = "xYzZY" + secrets.token_hex(6)
        headers = f"Message-ID: {message_id}\nFrom: {sender}\nTo: {to}\nSubject: {subject}\n"
        fields: list[tuple[str, str]] = [
            ("headers", headers),
            ("dkim", "{@example.com : pass}"),
            ("to", to),
            ("from", sender),
            ("subject", subject),
            ("text", text),
            ("envelope", json.dumps({"to": [to], "from": sender})),
            ("charsets", json.dumps({"to": "UTF-8", "subject": "UTF-8", "text": "UTF-8"})),
            ("SPF", "pass"),
            ("attachments", str(len(attachments or []))),
        ]
        if html is not None:
            fields.append(("html", html))
        chunks: list[bytes] = []
        for name, value in fields:
            chunks.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                + value.encode()
                + b"\r\n"
            )
        info = {}
        for i, (filename, mime, data) in enumerate(attachments or [], start=1):
            info[f"attachment{i}"] = {"filename": filename, "name": filename, "type": mime}
            chunks.append(
                (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="attachment{i}"; '
                    f'filename="{filename}"\r\nContent-Type: {mime}\r\n\r\n'
                ).encode()
                + data
                + b"\r\n"
            )
        if info:
            chunks.append(
                f"--{boundary}\r\n".encode()
                + b'Content-Disposition: form-data; name="attachment-info"\r\n\r\n'
                + json.dumps(info).encode()
                + b"\r\n"
            )
        chunks.append(f"--{boundary}--\r\n".encode())
        return {
            "method": "POST",
            "url": "https://app.example.com/webhooks/sendgrid/inbound"
            + (f"?token={token}" if token else ""),
            "headers": {"Content-Type": f"multipart/form-data; boundary={boundary}"},
            "body": b"".join(chunks),
        }
