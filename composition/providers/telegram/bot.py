"""From the adapter package behind the ``roomkit[telegram]`` extra (docs/getting-started.md)."""

try:
    from roomkit_telegram import TelegramBotProvider, TelegramPollingSource, parse_telegram_webhook
except ImportError as exc:  # the adapter distribution is not installed
    from roomkit.unavailable import placeholder_module_error

    raise placeholder_module_error("roomkit.providers.telegram.bot", "telegram") from exc

__all__ = ["TelegramBotProvider", "TelegramPollingSource", "parse_telegram_webhook"]
