"""Registers the WhatsApp Business provider under the name "whatsapp"."""

from __future__ import annotations

from roomkit.plugins import hookimpl
from roomkit.plugins.hookspecs import Register
from roomkit_whatsapp.config import WhatsAppConfig


def build(settings: WhatsAppConfig) -> object:
    from roomkit_whatsapp.provider import WhatsAppProvider

    return WhatsAppProvider(config=settings)


@hookimpl
def roomkit_register_message_providers(register: Register) -> None:
    register(
        name="whatsapp",
        factory=build,
        settings=WhatsAppConfig,
        capabilities={"whatsapp", "templates", "interactive", "webhooks", "delivery-status"},
        description="WhatsApp Business Cloud API (Meta Graph API)",
    )


@hookimpl
def roomkit_register_webhook_parsers(register: Register) -> None:
    register(
        name="whatsapp",
        factory=build,
        settings=WhatsAppConfig,
        description="Cloud API webhooks signed with X-Hub-Signature-256",
    )
