"""A fake of "your own endpoint" for the generic HTTP provider: accepts JSON POSTs anywhere,
checks the optional HMAC signature, answers ``{"id": "msg-N"}``."""

from __future__ import annotations

import hashlib
import hmac

from aiohttp import web

from roomkit_fakes.messaging import Delivered, VendorFake


class HTTPEndpointFake(VendorFake):
    vendor = "http"

    def __init__(self, secret: str | None = None) -> None:
        super().__init__()
        self.secret = secret

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/{tail:.*}", self.receive)]

    async def receive(self, request: web.Request) -> web.Response:
        raw = await self.capture(request)
        if self.secret is not None:
            stamp = raw.headers.get("x-roomkit-timestamp", "")
            given = raw.headers.get("x-roomkit-signature", "").removeprefix("sha256=")
            digest = hmac.new(
                self.secret.encode(), stamp.encode() + b"." + raw.body, hashlib.sha256
            ).hexdigest()
            if not hmac.compare_digest(digest, given):
                return self.problem(401, {"error": "bad signature"})
        scripted = await self.scripted()
        if scripted is not None:
            return scripted
        if raw.headers.get("content-type", "").split(";")[0] != "application/json":
            return self.problem(415, {"error": "expected application/json"})
        try:
            data = raw.json()
        except ValueError:
            return self.problem(400, {"error": "body is not JSON"})
        if not isinstance(data, dict) or not data.get("to"):
            return self.problem(422, {"error": "'to' is required"})
        message_id = f"msg-{self.next_id()}"
        self.messages.append(Delivered(to=str(data["to"]), text=str(data.get("text", ""))))
        return web.json_response({"id": message_id}, status=201)
