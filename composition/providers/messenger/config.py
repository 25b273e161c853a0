"""From the adapter package behind the ``roomkit[messenger]`` extra (docs/getting-started.md)."""

try:
    from roomkit_messenger import MessengerConfig
except ImportError as exc:  # the adapter distribution is not installed
    from roomkit.unavailable import placeholder_module_error

    raise placeholder_module_error("roomkit.providers.messenger.config", "messenger") from exc

__all__ = ["MessengerConfig"]
