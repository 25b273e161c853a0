"""Registers the generic HTTP webhook provider under the name "http"."""

from __future__ import annotations

from roomkit.plugins import hookimpl
from roomkit.plugins.hookspecs import Register
from roomkit_http.config import HTTPProviderConfig


def build(settings: HTTPProviderConfig) -> object:
    from roomkit_http.provider import WebhookHTTPProvider

    return WebhookHTTPProvider(settings)


@hookimpl
def roomkit_register_message_providers(register: Register) -> None:
    register(
        name="http",
        factory=build,
        settings=HTTPProviderConfig,
        capabilities={"webhooks", "signed"},
        description="JSON POST to your endpoint (optionally HMAC-signed)",
    )


@hookimpl
def roomkit_register_webhook_parsers(register: Register) -> None:
    register(
        name="http",
        factory=build,
        settings=HTTPProviderConfig,
        description="RoomKit's signed JSON webhooks posted by your endpoint",
    )
