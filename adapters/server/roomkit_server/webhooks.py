"""Vendor webhooks: ``POST /webhooks/{channel_id}`` (and ``.../status`` for delivery reports).

The request reaches ``kit.process_webhook`` as ``{"method", "url", "headers", "body"}`` with
the raw body bytes, so the channel's provider checks the vendor's signature on exactly what was
signed. A refused signature is answered 403, a body the provider cannot read 400, a channel
that receives no webhooks 404; nothing of a refused request is stored. Meta's verification
handshake (``GET ...?hub.mode=subscribe&hub.challenge=...``) is answered here, against the
verify token of ``[server] verify_tokens`` or the channel provider's own ``verify_token``.
"""

from __future__ import annotations

import hmac
import logging
from typing import Any

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from roomkit import NotAvailableError, RoomKit, RoomKitError
from roomkit.domain.errors import NoWebhookParserError

from .config import ServerConfig
from .wire import dump, error, status_of

log = logging.getLogger("roomkit.server.webhooks")

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
_AUTH_WORDS = ("signature", "unauthorized", "authentication", "forbidden", "webhookauth")


def is_authentication_error(exc: BaseException) -> bool:
    """A refused webhook signature, whatever the provider calls its exception."""
    if isinstance(exc, PermissionError):
        return True
    return any(word in kind.__name__.lower() for kind in type(exc).__mro__ for word in _AUTH_WORDS)


def verify_token_for(kit: RoomKit, config: ServerConfig, channel_id: str) -> str | None:
    if channel_id in config.verify_tokens:
        return config.verify_tokens[channel_id]
    provider = getattr(kit.channels.get(channel_id), "provider", None)
    for holder in (provider, getattr(provider, "config", None)):
        token = getattr(holder, "verify_token", None)
        if isinstance(token, str) and token:
            return token
    return None


class Webhooks:
    def __init__(self, kit: RoomKit, config: ServerConfig) -> None:
        self.kit = kit
        self.config = config

    async def receive(self, request: Request) -> Response:
        channel_id = request.path_params["channel_id"]
        if channel_id not in self.kit.channels:
            return error(404, "channel_not_registered", f"no channel {channel_id!r} is registered")
        body = await request.body()
        if len(body) > self.config.max_body_bytes:
            return error(413, "too_large", f"body larger than {self.config.max_body_bytes} bytes")
        meta: dict[str, Any] = {
            "method": request.method,
            "url": self.public_url(request),
            "headers": dict(request.headers),
            "body": body,
        }
        try:
            result = await self.kit.process_webhook(meta=meta, channel_id=channel_id)
        except NotAvailableError as exc:
            return error(501, "not_available", str(exc))
        except NoWebhookParserError as exc:
            return error(404, "no_webhook_parser", str(exc))
        except Exception as exc:
            if is_authentication_error(exc):
                log.warning("webhook for %s refused: %s", channel_id, exc)
                return error(403, "forbidden", f"webhook refused: {exc}")
            if isinstance(exc, ValidationError | ValueError):
                return error(400, "bad_webhook", f"webhook not understood: {exc}")
            if isinstance(exc, RoomKitError):
                status, code = status_of(exc)
                return error(status, code, str(exc))
            raise
        if "x-twilio-signature" in request.headers:
            return Response(EMPTY_TWIML, media_type="text/xml")
        return JSONResponse({"ok": True, "result": dump(result)})

    def public_url(self, request: Request) -> str:
        """The URL the vendor called (and signed): ``public_url`` when configured."""
        if not self.config.public_url:
            return str(request.url)
        url = self.config.public_url.rstrip("/") + request.url.path
        return f"{url}?{request.url.query}" if request.url.query else url

    async def handshake(self, request: Request) -> Response:
        """Meta's subscription check: echo ``hub.challenge`` when the verify token matches."""
        channel_id = request.path_params["channel_id"]
        query = request.query_params
        if "hub.challenge" not in query:
            return error(
                405, "method_not_allowed", "webhooks are POSTed; GET answers verification only"
            )
        expected = verify_token_for(self.kit, self.config, channel_id)
        offered = query.get("hub.verify_token", "")
        if (
            expected is None
            or query.get("hub.mode") != "subscribe"
            or not hmac.compare_digest(offered.encode(), expected.encode())
        ):
            return error(403, "forbidden", f"verification refused for channel {channel_id!r}")
        return PlainTextResponse(query["hub.challenge"])
