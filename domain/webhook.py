"""One HTTP request shape for every vendor's webhook, and what a parser makes of it.

The body stays the exact bytes that arrived, so signatures are checked on what the vendor signed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from roomkit.domain.base import Model, assemble
from roomkit.domain.delivery import DeliveryStatus
from roomkit.domain.errors import WebhookPayloadError, WebhookRequestError
from roomkit.domain.inbound import InboundMessage, InboundResult

_META_KEYS = frozenset({"method", "url", "headers", "body"})
_JUST_STR = {str}


class WebhookRequest(Model):
    method: str = "POST"
    url: str
    headers: dict[str, str] = Field(default_factory=dict)  # names in lower case
    body: bytes = b""

    @classmethod
    def from_meta(cls, meta: Any) -> WebhookRequest:
        """Accept ``{"method", "url", "headers", "body"}`` (body: bytes or str)."""
        if isinstance(meta, WebhookRequest):
            return meta
        if not isinstance(meta, Mapping):
            raise WebhookRequestError(
                "webhook meta must be a mapping {method, url, headers, body}, "
                f"not {type(meta).__name__}"
            )
        if not meta.keys() <= _META_KEYS:
            unknown = sorted(map(str, set(meta) - _META_KEYS))
            raise WebhookRequestError(f"webhook meta has unknown keys {unknown}")
        url = meta.get("url")
        if not isinstance(url, str) or not url:
            raise WebhookRequestError("webhook meta needs 'url', the full URL the vendor called")
        method = meta.get("method", "POST")
        if not isinstance(method, str):
            raise WebhookRequestError("webhook meta 'method' must be a string")
        headers = _headers(meta.get("headers") or {})
        body = meta.get("body", b"")
        if body is None:
            body = b""
        elif isinstance(body, str):
            body = body.encode()
        elif isinstance(body, bytearray | memoryview):
            body = bytes(body)
        elif not isinstance(body, bytes):
            raise WebhookRequestError(
                f"webhook meta 'body' must be the raw bytes or str, not {type(body).__name__}"
            )
        # every field was checked above: built without a second validation (a hot path)
        return assemble(cls, method=method.upper(), url=url, headers=headers, body=body)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";", 1)[0].strip().lower()


def _headers(raw: Any) -> dict[str, str]:
    """Header names in lower case; a mapping or name/value pairs, str or bytes (latin-1)."""
    if type(raw) is dict and {*map(type, raw), *map(type, raw.values())} == _JUST_STR:
        return {k.lower(): v for k, v in raw.items()}  # the usual shape, in one pass
    if isinstance(raw, Mapping):
        items = list(raw.items())
    else:
        try:
            items = list(raw)
        except TypeError:
            raise WebhookRequestError("webhook meta 'headers' must be a mapping") from None
    headers: dict[str, str] = {}
    for pair in items:
        if not (isinstance(pair, tuple | list) and len(pair) == 2):
            raise WebhookRequestError("webhook meta 'headers' must hold name/value pairs")
        name, value = pair
        if isinstance(name, bytes):
            name = name.decode("latin-1")
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        if not isinstance(name, str) or not isinstance(value, str):
            raise WebhookRequestError("webhook header names and values must be strings")
        headers[name.lower()] = value
    return headers


class WebhookBatch(Model):
    """What one webhook carried: inbound messages and/or delivery reports."""

    messages: list[InboundMessage] = Field(default_factory=list)
    statuses: list[DeliveryStatus] = Field(default_factory=list)


class WebhookOutcome(Model):
    """What ``process_webhook`` did: one pipeline result per message, the statuses recorded."""

    results: list[InboundResult] = Field(default_factory=list)
    statuses: list[DeliveryStatus] = Field(default_factory=list)

    @property
    def result(self) -> InboundResult | None:
        """The first message's result (most webhooks carry one message)."""
        return self.results[0] if self.results else None

    @property
    def event(self) -> Any:
        first = self.result
        return first.event if first is not None else None


def require_field(provider: str, data: Mapping[str, Any], key: str) -> str:
    """``data[key]`` as a non-empty string, or a WebhookPayloadError naming the field."""
    value = data.get(key)
    if value is None or value == "":
        raise WebhookPayloadError(provider, f"field {key!r} is missing")
    if not isinstance(value, str | int | float):
        raise WebhookPayloadError(provider, f"field {key!r} must be a string")
    return str(value)
