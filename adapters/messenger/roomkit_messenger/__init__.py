"""roomkit-messenger: Facebook Messenger over the Graph API Send API, with signed webhooks."""

from roomkit_messenger.config import MessengerConfig
from roomkit_messenger.content import MessengerContentError
from roomkit_messenger.provider import FacebookMessengerProvider
from roomkit_messenger.webhooks import (
    messenger_signature,
    parse_messenger_webhook,
    verify_messenger_subscription,
)

__all__ = [
    "FacebookMessengerProvider",
    "MessengerConfig",
    "MessengerContentError",
    "messenger_signature",
    "parse_messenger_webhook",
    "verify_messenger_subscription",
]
