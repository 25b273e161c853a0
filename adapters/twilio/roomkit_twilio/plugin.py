"""Registers the Twilio providers: "twilio" (SMS/MMS) and "twilio-rcs"."""

from __future__ import annotations

from roomkit.plugins import hookimpl
from roomkit.plugins.hookspecs import Register
from roomkit_twilio.config import TwilioConfig, TwilioRCSConfig


def build_sms(settings: TwilioConfig) -> object:
    from roomkit_twilio.provider import TwilioSMSProvider

    return TwilioSMSProvider(settings)


def build_rcs(settings: TwilioRCSConfig) -> object:
    from roomkit_twilio.provider import TwilioRCSProvider

    return TwilioRCSProvider(settings)


@hookimpl
def roomkit_register_message_providers(register: Register) -> None:
    register(
        name="twilio",
        factory=build_sms,
        settings=TwilioConfig,
        capabilities={"sms", "mms", "webhooks", "delivery-status"},
        description="Twilio SMS/MMS on the twilio SDK",
    )
    register(
        name="twilio-rcs",
        factory=build_rcs,
        settings=TwilioRCSConfig,
        capabilities={"rcs", "webhooks", "delivery-status"},
        description="Twilio RCS through a Messaging Service",
    )


@hookimpl
def roomkit_register_webhook_parsers(register: Register) -> None:
    register(
        name="twilio",
        factory=build_sms,
        settings=TwilioConfig,
        description="X-Twilio-Signature webhooks and status callbacks",
    )
