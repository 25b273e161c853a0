"""Bearer-token access control for everything but the health checks and webhooks.

Webhooks authenticate by their vendor's signature instead; ``/healthz`` and ``/readyz`` say
only whether the process is up and ready. The pages at ``/inspector`` and ``/chat`` are static
files holding no data: they ask the browser for the token and send it with every call.
"""

from __future__ import annotations

import hmac
import json
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Receive, Scope, Send

OPEN_PREFIXES = ("/healthz", "/readyz", "/webhooks/", "/inspector", "/chat", "/static/")


def _offered_token(scope: Scope) -> str | None:
    for name, value in scope.get("headers") or []:
        if name == b"authorization":
            text = value.decode("latin-1")
            scheme, _, token = text.partition(" ")
            if scheme.lower() == "bearer" and token:
                return str(token.strip())
    if scope["type"] == "websocket":
        for name in scope.get("subprotocols") or []:
            if name.startswith("bearer."):
                return str(name[len("bearer.") :])
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if query.get("token"):
            return str(query["token"][0])
    return None


class BearerAuth:
    """ASGI middleware: 401 (HTTP) or close 4401 (WebSocket) without the right token."""

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self.token is None
            or scope["type"] not in ("http", "websocket")
            or scope["path"] == "/"
            or scope["path"].startswith(OPEN_PREFIXES)
            or (scope["type"] == "http" and scope.get("method") == "OPTIONS")
        ):
            await self.app(scope, receive, send)
            return
        offered = _offered_token(scope)
        if offered is not None and hmac.compare_digest(offered.encode(), self.token.encode()):
            await self.app(scope, receive, send)
            return
        reason = "missing bearer token" if offered is None else "wrong bearer token"
        if scope["type"] == "websocket":
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 4401, "reason": reason})
            return
        body = json.dumps({"error": {"code": "unauthorized", "message": reason}}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"www-authenticate", b'Bearer realm="roomkit"'),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
