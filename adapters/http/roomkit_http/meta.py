"""Meta's webhook conventions, shared by the WhatsApp Cloud API and Messenger adapters: the
X-Hub-Signature-256 HMAC of the raw body, and the ``hub.challenge`` subscription handshake."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlsplit

from roomkit.domain.errors import WebhookSignatureError
from roomkit.domain.webhook import WebhookRequest

SIGNATURE_HEADER = "x-hub-signature-256"


def hub_signature(app_secret: str, body: bytes) -> str:
    """The X-Hub-Signature-256 value Meta sends for ``body``: ``sha256=<hex>``."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def check_hub_signature(vendor: str, app_secret: str | None, request: WebhookRequest) -> None:
    """WebhookSignatureError unless the request carries Meta's HMAC of its exact body."""
    if not app_secret:
        raise WebhookSignatureError(vendor, "app_secret is not set: webhooks cannot be checked")
    offered = (request.header(SIGNATURE_HEADER) or "").strip().lower()
    if not offered:
        raise WebhookSignatureError(vendor, f"the {SIGNATURE_HEADER} header is missing")
    if not offered.startswith("sha256="):
        raise WebhookSignatureError(vendor, f"{SIGNATURE_HEADER} must start with 'sha256='")
    if not hmac.compare_digest(offered.encode(), hub_signature(app_secret, request.body).encode()):
        raise WebhookSignatureError(vendor, f"{SIGNATURE_HEADER} does not match the body")


def answer_hub_challenge(
    vendor: str, query: Mapping[str, str] | str, verify_token: str | None
) -> str:
    """Meta's GET handshake: ``hub.challenge`` when ``hub.mode`` is ``subscribe`` and
    ``hub.verify_token`` is yours; WebhookSignatureError (answer 403) otherwise. ``query`` is
    the query parameters, the query string, or the full URL Meta called."""
    if isinstance(query, str):
        raw = urlsplit(query).query if "?" in query else query
        query = dict(parse_qsl(raw, keep_blank_values=True))
    if not verify_token:
        raise WebhookSignatureError(vendor, "verify_token is not set: the handshake is refused")
    if query.get("hub.mode") != "subscribe":
        raise WebhookSignatureError(
            vendor, f"hub.mode must be 'subscribe', got {query.get('hub.mode')!r}"
        )
    offered = query.get("hub.verify_token") or ""
    if not hmac.compare_digest(offered.encode(), verify_token.encode()):
        raise WebhookSignatureError(vendor, "hub.verify_token does not match the verify_token")
    challenge = query.get("hub.challenge")
    if not challenge:
        raise WebhookSignatureError(vendor, "hub.challenge is missing")
    return challenge
