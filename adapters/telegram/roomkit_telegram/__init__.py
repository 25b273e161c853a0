"""roomkit-telegram: Telegram over the Bot API: a MessageProvider with webhooks, and a
getUpdates long-polling event source."""

from roomkit_telegram.api import TelegramAPIError
from roomkit_telegram.config import TelegramConfig
from roomkit_telegram.content import FILE_SCHEME, TelegramContentError
from roomkit_telegram.markup import markdown_to_html
from roomkit_telegram.polling import TelegramPollingSource
from roomkit_telegram.provider import TelegramBotProvider
from roomkit_telegram.updates import parse_telegram_webhook

__all__ = [
    "FILE_SCHEME",
    "TelegramAPIError",
    "TelegramBotProvider",
    "TelegramConfig",
    "TelegramContentError",
    "TelegramPollingSource",
    "markdown_to_html",
    "parse_telegram_webhook",
]
