"""Bearer-token access control for everything but the health checks and webhooks.

Webhooks authenticate by their vendor's signature instead; ``/healthz`` and ``/readyz`` say
only whether the process is up and ready. The pages at ``/inspector`` and ``/chat`` are static
files holding no data: they ask the browser for the token and send it with every call.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
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


TICKET_SCOPE_KEY = "roomkit.ticket"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TicketSigner:
    """Short-lived WebSocket tickets for end users' browsers, which must not hold the API key.

    A ticket names one room and one participant and expires; the socket it opens is pinned to
    them. Tickets are HMAC-signed with a key derived from the API key (a random key per process
    without one), so any instance sharing the API key accepts them.
    """

    def __init__(self, api_key: str | None) -> None:
        seed = api_key.encode() if api_key else secrets.token_bytes(32)
        self._key = hmac.new(seed, b"roomkit-websocket-ticket", hashlib.sha256).digest()

    def issue(self, room_id: str, participant_id: str, ttl_seconds: float) -> tuple[str, float]:
        expires = time.time() + ttl_seconds
        payload = _b64(json.dumps({"r": room_id, "p": participant_id, "e": expires}).encode())
        return f"{payload}.{self._sign(payload)}", expires

    def verify(self, ticket: str) -> tuple[str, str] | None:
        """The (room_id, participant_id) of a valid, unexpired ticket; None otherwise."""
        payload, _, signature = ticket.partition(".")
        if not signature or not hmac.compare_digest(signature, self._sign(payload)):
            return None
        try:
            claims = json.loads(_unb64(payload))
            room_id, participant_id, expires = claims["r"], claims["p"], float(claims["e"])
        except (ValueError, KeyError, TypeError):
            return None
        if expires < time.time():
            return None
        return str(room_id), str(participant_id)

    def _sign(self, payload: str) -> str:
        return _b64(hmac.new(self._key, payload.encode(), hashlib.sha256).digest())


def _ticket(scope: Scope) -> str | None:
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return query["ticket"][0] if query.get("ticket") else None


class BearerAuth:
    """ASGI middleware: 401 (HTTP) or close 4401 (WebSocket) without the right token.

    A WebSocket may present a ticket (``?ticket=``) instead of the token; the room and
    participant it names are put in the scope for the socket handler to enforce.
    """

    def __init__(self, app: ASGIApp, token: str | None, tickets: TicketSigner) -> None:
        self.app = app
        self.token = token
        self.tickets = tickets

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and (ticket := _ticket(scope)) is not None:
            claims = self.tickets.verify(ticket)
            if claims is None:
                await receive()
                await send({"type": "websocket.close", "code": 4401, "reason": "bad ticket"})
                return
            scope[TICKET_SCOPE_KEY] = claims
            await self.app(scope, receive, send)
            return
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
