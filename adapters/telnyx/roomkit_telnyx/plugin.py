"""Registers the Telnyx providers: "telnyx" (SMS/MMS) and "telnyx-rcs"."""

from __future__ import annotations

from roomkit.plugins import hookimpl
from roomkit.plugins.hookspecs import Register
from roomkit_telnyx.config import TelnyxConfig, TelnyxRCSConfig


def build_sms(settings: TelnyxConfig) -> object:
    from roomkit_telnyx.provider import TelnyxSMSProvider

    return TelnyxSMSProvider(settings)


def build_rcs(settings: TelnyxRCSConfig) -> object:
    from roomkit_telnyx.provider import TelnyxRCSProvider

    return TelnyxRCSProvider(settings)


@hookimpl
def roomkit_register_message_providers(register: Register) -> None:
    register(
        name="telnyx",
        factory=build_sms,
        settings=TelnyxConfig,
        capabilities={"sms", "mms", "webhooks", "delivery-status"},
        description="Telnyx SMS/MMS (v2 messages API)",
    )
    register(
        name="telnyx-rcs",
        factory=build_rcs,
        settings=TelnyxRCSConfig,
        capabilities={"rcs", "rich-cards", "suggestions", "webhooks", "delivery-status"},
        description="Telnyx RCS (agent messages, rich cards, suggestions)",
    )


@hookimpl
def roomkit_register_webhook_parsers(register: Register) -> None:
    register(
        name="telnyx",
        factory=build_sms,
        settings=TelnyxConfig,
        description="Ed25519-signed Telnyx webhooks",
    )
