"""Registers the VoiceMeUp SMS provider under the name "voicemeup"."""

from __future__ import annotations

from roomkit.plugins import hookimpl
from roomkit.plugins.hookspecs import Register
from roomkit_voicemeup.config import VoiceMeUpConfig


def build(settings: VoiceMeUpConfig) -> object:
    from roomkit_voicemeup.provider import VoiceMeUpSMSProvider

    return VoiceMeUpSMSProvider(settings)


@hookimpl
def roomkit_register_message_providers(register: Register) -> None:
    register(
        name="voicemeup",
        factory=build,
        settings=VoiceMeUpConfig,
        capabilities={"sms", "mms", "webhooks"},
        description="VoiceMeUp SMS/MMS (queue_sms)",
    )


@hookimpl
def roomkit_register_webhook_parsers(register: Register) -> None:
    register(
        name="voicemeup",
        factory=build,
        settings=VoiceMeUpConfig,
        description="token-authenticated webhooks, split MMS merged",
    )
