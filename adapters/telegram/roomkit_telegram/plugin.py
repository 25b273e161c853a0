"""Registers the Telegram Bot API provider and the getUpdates polling source as "telegram"."""

from __future__ import annotations

from roomkit.plugins import hookimpl
from roomkit.plugins.hookspecs import Register
from roomkit_telegram.config import TelegramConfig


def build(settings: TelegramConfig) -> object:
    from roomkit_telegram.provider import TelegramBotProvider

    return TelegramBotProvider(settings)


def build_source(settings: TelegramConfig) -> object:
    from roomkit_telegram.polling import TelegramPollingSource

    return TelegramPollingSource(settings)


@hookimpl
def roomkit_register_message_providers(register: Register) -> None:
    register(
        name="telegram",
        factory=build,
        settings=TelegramConfig,
        capabilities={"telegram", "media", "buttons", "edit", "delete", "webhooks"},
        description="Telegram Bot API (sendMessage, media, inline keyboards, edits)",
    )


@hookimpl
def roomkit_register_webhook_parsers(register: Register) -> None:
    register(
        name="telegram",
        factory=build,
        settings=TelegramConfig,
        description="Bot API updates, X-Telegram-Bot-Api-Secret-Token checked",
    )


@hookimpl
def roomkit_register_sources(register: Register) -> None:
    register(
        name="telegram",
        factory=build_source,
        settings=TelegramConfig,
        description="Telegram getUpdates long polling (offset confirmed after each message)",
    )
