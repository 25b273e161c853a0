"""Registers the Elastic Email provider under the name "elasticemail"."""

from __future__ import annotations

from roomkit.plugins import hookimpl
from roomkit.plugins.hookspecs import Register
from roomkit_elasticemail.config import ElasticEmailConfig


def build(settings: ElasticEmailConfig) -> object:
    from roomkit_elasticemail.provider import ElasticEmailProvider

    return ElasticEmailProvider(settings)


@hookimpl
def roomkit_register_message_providers(register: Register) -> None:
    register(
        name="elasticemail",
        factory=build,
        settings=ElasticEmailConfig,
        capabilities={"email", "html", "attachments", "webhooks", "delivery-status"},
        description="Elastic Email transactional v4",
    )


@hookimpl
def roomkit_register_webhook_parsers(register: Register) -> None:
    register(
        name="elasticemail",
        factory=build,
        settings=ElasticEmailConfig,
        description="token-authenticated notifications and inbound mail",
    )
