"""Registers the SendGrid email provider under the name "sendgrid"."""

from __future__ import annotations

from roomkit.plugins import hookimpl
from roomkit.plugins.hookspecs import Register
from roomkit_sendgrid.config import SendGridConfig


def build(settings: SendGridConfig) -> object:
    from roomkit_sendgrid.provider import SendGridEmailProvider

    return SendGridEmailProvider(settings)


@hookimpl
def roomkit_register_message_providers(register: Register) -> None:
    register(
        name="sendgrid",
        factory=build,
        settings=SendGridConfig,
        capabilities={"email", "html", "attachments", "webhooks", "delivery-status"},
        description="SendGrid Mail Send v3",
    )


@hookimpl
def roomkit_register_webhook_parsers(register: Register) -> None:
    register(
        name="sendgrid",
        factory=build,
        settings=SendGridConfig,
        description="signed Event Webhook and token-authenticated Inbound Parse",
    )
