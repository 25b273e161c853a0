"""Registers the Sinch SMS provider under the name "sinch"."""

from __future__ import annotations

from roomkit.plugins import hookimpl
from roomkit.plugins.hookspecs import Register
from roomkit_sinch.config import SinchConfig


def build(settings: SinchConfig) -> object:
    from roomkit_sinch.provider import SinchSMSProvider

    return SinchSMSProvider(settings)


@hookimpl
def roomkit_register_message_providers(register: Register) -> None:
    register(
        name="sinch",
        factory=build,
        settings=SinchConfig,
        capabilities={"sms", "mms", "webhooks", "delivery-status"},
        description="Sinch SMS (REST batches API)",
    )


@hookimpl
def roomkit_register_webhook_parsers(register: Register) -> None:
    register(name="sinch", factory=build, settings=SinchConfig, description="HMAC-signed callbacks")
