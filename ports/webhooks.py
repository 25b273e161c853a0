"""WebhookParser: authenticates a vendor's webhook on its raw bytes, then reads it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from urllib.parse import parse_qsl

from roomkit.domain.errors import WebhookPayloadError
from roomkit.domain.webhook import WebhookBatch, WebhookRequest


class WebhookParser(ABC):
    """Implemented by every provider that receives webhooks (inbound messages, status callbacks).

    ``authenticate`` runs first and alone decides whether the request is trusted; ``parse`` is
    only called on an authenticated request.
    """

    name: str = "webhook"

    @abstractmethod
    def authenticate(self, request: WebhookRequest) -> None:
        """Raise WebhookSignatureError unless ``request`` carries the vendor's valid signature."""

    @abstractmethod
    def parse(self, request: WebhookRequest, channel_id: str) -> WebhookBatch:
        """Messages and delivery reports in ``request``; WebhookPayloadError when malformed."""


def read_form_pairs(request: WebhookRequest, provider: str) -> list[tuple[str, str]]:
    """The body as urlencoded pairs, in order; WebhookPayloadError when it is not a form."""
    try:
        text = request.body.decode("utf-8")
        return parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text))
    except (UnicodeDecodeError, ValueError) as exc:
        raise WebhookPayloadError(provider, f"body is not an urlencoded form ({exc})") from exc


def read_form(request: WebhookRequest, provider: str) -> dict[str, str]:
    """The body as an urlencoded form (the last value wins for a repeated key)."""
    return dict(read_form_pairs(request, provider))
