"""WebhookParser: authenticates a vendor's webhook on its raw bytes, then reads it."""

from __future__ import annotations

from abc import ABC, abstractmethod

from roomkit.domain.webhook import WebhookBatch, WebhookRequest


class WebhookParser(ABC):
    """Implemented by every provider that receives webhooks (inbound messages, status callbacks).

    ``authenticate`` runs first and alone decides whether the request is trusted; ``parse`` is
    only called on an authenticated request.
    """

    name: str = "webhook"

    async def prepare(self, request: WebhookRequest) -> None:
        """Fetch what ``authenticate`` needs and may not have yet (a vendor's signing keys,
        refreshed when the request names a key not seen before); runs just before it. Default:
        nothing. Must not trust or parse the request beyond finding which key it names."""

    @abstractmethod
    def authenticate(self, request: WebhookRequest) -> None:
        """Raise WebhookSignatureError unless ``request`` carries the vendor's valid signature."""

    @abstractmethod
    def parse(self, request: WebhookRequest, channel_id: str) -> WebhookBatch:
        """Messages and delivery reports in ``request``; WebhookPayloadError when malformed."""
