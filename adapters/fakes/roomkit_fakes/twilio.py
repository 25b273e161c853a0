"""A fake of Twilio's Messages API (2010-04-01) for the twilio SDK, and signed webhooks.

Point the SDK at it with ``client.api.base_url = fake.base_url``. It checks HTTP Basic auth
(account SID and auth token), the form fields Twilio requires, the 1600-character Body limit
(error 21617) and E.164 recipients (error 21211), and answers 201 with a message resource.
``webhook(...)`` and ``status_callback(...)`` build request metas signed exactly as Twilio
signs them (the SDK's RequestValidator), to replay into ``kit.process_webhook``.
"""

from __future__ import annotations

import base64
import re
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from roomkit_fakes.messaging import Delivered, VendorFake

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
MAX_BODY = 1600


def twilio_error(status: int, code: int, message: str) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


class TwilioFake(VendorFake):
    vendor = "twilio"

    def __init__(self, account_sid: str = "AC" + "0" * 32, auth_token: str = "fake-token") -> None:
        super().__init__()
        self.account_sid = account_sid
        self.auth_token = auth_token

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/2010-04-01/Accounts/{sid}/Messages.json", self.create_message)]

    def error_body(self, status: int) -> Any:
        if status == 429:
            return twilio_error(429, 20429, "Too Many Requests")
        if status >= 500:
            return twilio_error(status, 20500, "Internal Server Error")
        return twilio_error(status, 21610, "Attempt to send to unsubscribed recipient")

    def _authorised(self, header: str, sid: str) -> bool:
        if not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return False
        return user == sid == self.account_sid and password == self.auth_token

    async def create_message(self, request: web.Request) -> web.Response:
        raw = await self.capture(request)
        sid = request.match_info["sid"]
        if not self._authorised(raw.headers.get("authorization", ""), sid):
            return self.problem(401, twilio_error(401, 20003, "Authenticate"))
        scripted = await self.scripted()
        if scripted is not None:
            return scripted
        pairs = raw.form_pairs()
        form = dict(pairs)
        media = tuple(v for k, v in pairs if k == "MediaUrl")
        to = form.get("To", "")
        if not to:
            return self.problem(400, twilio_error(400, 21604, "A 'To' phone number is required."))
        if not E164.match(to.removeprefix("rcs:")):
            return self.problem(
                400, twilio_error(400, 21211, f"The 'To' number {to} is not a valid phone number.")
            )
        if not form.get("From") and not form.get("MessagingServiceSid"):
            return self.problem(
                400, twilio_error(400, 21603, "A 'From' or 'MessagingServiceSid' is required.")
            )
        body = form.get("Body", "")
        if not body and not media and not form.get("ContentSid"):
            return self.problem(400, twilio_error(400, 21602, "Message body is required."))
        if len(body) > MAX_BODY:
            return self.problem(
                400,
                twilio_error(
                    400, 21617, "The concatenated message body exceeds the 1600 character limit."
                ),
            )
        message_sid = f"SM{self.next_id():032x}"
        extra: list[tuple[str, Any]] = []
        for key in ("ContentSid", "ContentVariables", "MessagingServiceSid", "StatusCallback"):
            if key in form:
                extra.append((key, form[key]))
        self.messages.append(Delivered(to=to, text=body, media=media, extra=tuple(extra)))
        return web.json_response(
            {
                "sid": message_sid,
                "account_sid": self.account_sid,
                "api_version": "2010-04-01",
                "body": body,
                "direction": "outbound-api",
                "from": form.get("From"),
                "messaging_service_sid": form.get("MessagingServiceSid"),
                "to": to,
                "num_media": str(len(media)),
                "num_segments": str(max(1, -(-len(body) // 153))),
                "status": "queued",
                "error_code": None,
                "error_message": None,
                "uri": f"/2010-04-01/Accounts/{sid}/Messages/{message_sid}.json",
            },
            status=201,
        )

    # webhooks the real Twilio would send -------------------------------------------------------
    def webhook(self, url: str, params: dict[str, str], token: str | None = None) -> dict[str, Any]:
        """A request meta for ``params`` posted to ``url``, signed with the auth token."""
        from twilio.request_validator import RequestValidator

        signature = RequestValidator(token or self.auth_token).compute_signature(url, params)
        return {
            "method": "POST",
            "url": url,
            "headers": {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": signature,
                "I-Twilio-Idempotency-Token": f"idem-{params.get('MessageSid', '')}",
            },
            "body": urlencode(params).encode(),
        }

    def inbound_sms(
        self,
        url: str,
        *,
        sender: str,
        to: str,
        body: str,
        message_sid: str,
        media: list[tuple[str, str]] | None = None,
    ) -> dict[str, Any]:
        params = {
            "MessageSid": message_sid,
            "SmsMessageSid": message_sid,
            "SmsSid": message_sid,
            "AccountSid": self.account_sid,
            "From": sender,
            "To": to,
            "Body": body,
            "NumMedia": str(len(media or [])),
            "NumSegments": "1",
            "SmsStatus": "received",
            "ApiVersion": "2010-04-01",
        }
        for i, (media_url, mime) in enumerate(media or []):
            params[f"MediaUrl{i}"] = media_url
            params[f"MediaContentType{i}"] = mime
        return self.webhook(url, params)

    def status_callback(
        self, url: str, *, message_sid: str, status: str, to: str, error_code: str | None = None
    ) -> dict[str, Any]:
        params = {
            "MessageSid": message_sid,
            "SmsSid": message_sid,
            "AccountSid": self.account_sid,
            "MessageStatus": status,
            "SmsStatus": status,
            "To": to,
            "ApiVersion": "2010-04-01",
        }
        if error_code:
            params["ErrorCode"] = error_code
        return self.webhook(url, params)
