"""From the adapter package behind the ``roomkit[messenger]`` extra (docs/getting-started.md)."""

try:
    from roomkit_messenger import (
        FacebookMessengerProvider,
        parse_messenger_webhook,
        verify_messenger_subscription,
    )
except ImportError as exc:  # the adapter distribution is not installed
    from roomkit.unavailable import placeholder_module_error

    raise placeholder_module_error("roomkit.providers.messenger.facebook", "messenger") from exc

__all__ = ["FacebookMessengerProvider", "parse_messenger_webhook", "verify_messenger_subscription"]
