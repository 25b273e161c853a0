"""Registers the Facebook Messenger provider under the name "messenger"."""

from __future__ import annotations

from roomkit.plugins import hookimpl
from roomkit.plugins.hookspecs import Register
from roomkit_messenger.config import MessengerConfig


def build(settings: MessengerConfig) -> object:
    from roomkit_messenger.provider import FacebookMessengerProvider

    return FacebookMessengerProvider(settings)


@hookimpl
def roomkit_register_message_providers(register: Register) -> None:
    register(
        name="messenger",
        factory=build,
        settings=MessengerConfig,
        capabilities={
            "messenger",
            "media",
            "buttons",
            "quick-replies",
            "webhooks",
            "delivery-status",
        },
        description="Facebook Messenger (Graph API Send API)",
    )


@hookimpl
def roomkit_register_webhook_parsers(register: Register) -> None:
    register(
        name="messenger",
        factory=build,
        settings=MessengerConfig,
        description="X-Hub-Signature-256 webhooks (HMAC-SHA256 with the app secret)",
    )
